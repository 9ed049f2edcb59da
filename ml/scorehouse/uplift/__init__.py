"""Uplift and business impact: campaign lift, targeting metrics, verdicts, uplift models.

- ``lift``: ``scorehouse uplift`` (build the uplift_ tables, campaign tests, verdicts);
- ``metrics``: the p-values and t intervals finished in Python;
- ``verdict``: keep / rebuild / switch off;
- ``estimators``: the uplift estimators (T-learner, class transformation).
"""
