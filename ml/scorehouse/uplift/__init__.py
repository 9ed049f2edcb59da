"""Uplift and business impact: campaign lift, targeting metrics, verdicts, uplift models.

- ``lift``: ``scorehouse uplift`` (build the uplift_ tables, campaign tests, verdicts);
- ``metrics``: the p-values and t intervals finished in Python;
- ``verdict``: keep / rebuild / switch off;
- ``summary``: what ``scorehouse uplift`` prints.

The uplift estimators (T-learner, class transformation) are in :mod:`scorehouse.estimators`.
"""
