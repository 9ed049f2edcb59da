"""The declarative model spec: one per model, kept beside its dbt models.

A spec is the ``meta.scorehouse`` block of the scoring model in a dbt properties file
(wherever the project keeps its models), so dbt's docs show it and the project holds it
in one place::

    models:
      - name: churn_scores
        config:
          meta:
            scorehouse:
              task: binary
              ...

Every key is checked: an unknown key, a missing owner, a bad cadence or a wrong type is
rejected with a message naming the file, the model and the key.

The package: :mod:`model` (what a spec holds), :mod:`reader` (reading one mapping, key by
key), :mod:`sections` (one reader per section), :mod:`files` (finding the specs).
"""

from scorehouse.spec.files import find_specs, load_spec
from scorehouse.spec.model import (
    ACTIONS,
    BUSINESS_METRIC_KEYS,
    CADENCES,
    DEGRADATION_METRICS,
    SCORES_SUFFIX,
    TASKS,
    TODO,
    UPLIFT_METHODS,
    Data,
    Degradation,
    Estimator,
    People,
    Sla,
    Spec,
    SpecError,
    Step,
)
from scorehouse.spec.reader import parse_days
from scorehouse.spec.sections import parse_spec

__all__ = [
    "ACTIONS",
    "BUSINESS_METRIC_KEYS",
    "CADENCES",
    "DEGRADATION_METRICS",
    "SCORES_SUFFIX",
    "TASKS",
    "TODO",
    "UPLIFT_METHODS",
    "Data",
    "Degradation",
    "Estimator",
    "People",
    "Sla",
    "Spec",
    "SpecError",
    "Step",
    "find_specs",
    "load_spec",
    "parse_days",
    "parse_spec",
]
