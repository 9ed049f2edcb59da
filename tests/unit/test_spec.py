"""Model specs: a valid one parses to what it says; a bad one is refused with a message
that names the file, the model and the offending key or column."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import pytest
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.impute import SimpleImputer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder

from scorehouse.engines import connect
from scorehouse.spec import SpecError, find_specs, load_spec
from scorehouse.training.data import read_training_rows
from scorehouse.training.estimator import build_estimator
from tests.support.project import TOY_SPEC, target_of, toy_project, write_spec


def spec_with(**changes: Any) -> dict[str, Any]:
    """TOY_SPEC with keys replaced; a dotted key reaches into nested mappings, and the value
    ``DROP`` removes the key."""
    block = copy.deepcopy(TOY_SPEC)
    for dotted, value in changes.items():
        *parents, key = dotted.split("__")
        mapping = block
        for parent in parents:
            mapping = mapping[parent]
        if value is DROP:
            del mapping[key]
        else:
            mapping[key] = value
    return block


DROP = object()


def load(tmp_path: Path, block: Any):
    write_spec(tmp_path / "models", "toy", block)
    return load_spec([tmp_path / "models"], "toy")


def refused(tmp_path: Path, block: Any, *names: str, build: bool = False) -> str:
    """The message a bad spec is refused with; it names the file, the model and ``names``."""
    with pytest.raises(SpecError) as caught:
        spec = load(tmp_path, block)
        if build:
            build_estimator(spec)
    return names_all(caught.value, tmp_path / "models" / "ml" / "toy.yml", *names)


def names_all(error: BaseException, path: Path, *names: str) -> str:
    """The error's message, checked to name the spec's file, its model and ``names``."""
    message = str(error)
    for expected in (str(path), "model 'toy'", *names):
        assert expected in message, f"{expected!r} not in: {message}"
    return message


# ---------------------------------------------------------------------------------------
# A valid spec


def test_valid_spec_parses_to_its_values(tmp_path):
    spec = load(tmp_path, TOY_SPEC)
    assert (spec.name, spec.scores_model, spec.task) == ("toy", "toy_scores", "binary")
    assert spec.path == tmp_path / "models" / "ml" / "toy.yml"
    assert spec.decisions == ("who gets the toy offer",)
    assert spec.people.kill_switch_owner == "head-of-crm@example.com"
    d = spec.data
    assert (d.entity_key, d.relation, d.score_relation) == (
        "customer_id",
        "toy_features",
        "toy_features",
    )
    assert (d.label, d.cutoff) == ("label", "cutoff_date")
    assert d.features == ("x1", "x2", "seg") and d.categorical == ("seg",)
    assert spec.estimator.model.cls == "LogisticRegression"
    assert spec.estimator.model.params == {"C": 1.0, "max_iter": 200}
    assert spec.estimator.entry_point is None
    assert [s.cls for s in spec.estimator.numeric_steps] == ["SimpleImputer"]
    assert spec.holdout_cutoffs == 1
    assert (spec.baseline_name, spec.baseline_sql) == ("x1_rule", "rule_score")
    assert spec.primary_metric == "roc_auc" and spec.thresholds == {"roc_auc": 0.6}
    assert spec.sla.refresh_days == 30 and spec.sla.max_staleness_days == 35
    assert [r.describe() for r in spec.sla.degradation] == [
        "roc_auc below the passport's value minus 0.05"
    ]
    assert (spec.sla.on_breach, spec.sla.alert_channel) == ("fallback", "#toys")
    assert (spec.maintenance_cost_per_month, spec.currency) == (120.0, "EUR")


def test_valid_spec_builds_its_pipeline(tmp_path):
    spec = load(
        tmp_path,
        spec_with(
            estimator__model={
                "class": "HistGradientBoostingClassifier",
                "params": {"max_iter": 20, "max_depth": 3},
            }
        ),
    )
    pipeline = build_estimator(spec)
    assert isinstance(pipeline, Pipeline)
    preprocess, model = pipeline.named_steps["preprocess"], pipeline.named_steps["model"]
    assert isinstance(preprocess, ColumnTransformer)
    branches = {name: (step, columns) for name, step, columns in preprocess.transformers}
    assert isinstance(branches["numeric"][0], SimpleImputer)
    assert branches["numeric"][0].strategy == "median" and branches["numeric"][1] == ["x1", "x2"]
    assert isinstance(branches["categorical"][0], OneHotEncoder)
    assert branches["categorical"][1] == ["seg"]
    assert isinstance(model, HistGradientBoostingClassifier)
    assert (model.max_iter, model.max_depth) == (20, 3)


@pytest.mark.parametrize(("value", "days"), [("weekly", 7), ("45 days", 45), ("10d", 10), (14, 14)])
def test_cadences(tmp_path, value, days):
    assert load(tmp_path, spec_with(sla__refresh_cadence=value)).sla.refresh_days == days


def test_every_spec_in_the_model_folders_is_found(tmp_path):
    write_spec(tmp_path / "models", "toy", TOY_SPEC)
    write_spec(tmp_path / "models", "other", TOY_SPEC, file="sub/other.yml")
    assert sorted(find_specs([tmp_path / "models"])) == ["other", "toy"]
    with pytest.raises(
        SpecError, match=r"no model spec named 'churn' \(specs in this project: other, toy\)"
    ):
        load_spec([tmp_path / "models"], "churn")


def test_the_project_specs_parse_and_build():
    from tests.support.project import EXAMPLE

    specs = find_specs([EXAMPLE / "models"])
    assert {"churn", "purchase"} <= set(specs)
    for spec in specs.values():
        build_estimator(spec)


# ---------------------------------------------------------------------------------------
# Bad specs


def test_unknown_top_level_key(tmp_path):
    message = refused(tmp_path, spec_with(colour="blue"), "unknown key(s) colour")
    assert "known here:" in message and "people" in message


@pytest.mark.parametrize(
    ("changes", "where", "key"),
    [
        ({"people__phone": "+33"}, ".people", "phone"),
        ({"data__features__text": ["notes"]}, ".data.features", "text"),
        (
            {"estimator__model": {"class": "LogisticRegression", "parms": {}}},
            ".estimator.model",
            "parms",
        ),
        (
            {"sla__degradation": [{"metric": "roc_auc", "below": 0.6, "window": 3}]},
            ".sla.degradation[0]",
            "window",
        ),
        ({"cost__per_month": 10}, ".cost", "per_month"),
    ],
)
def test_unknown_nested_key(tmp_path, changes, where, key):
    refused(tmp_path, spec_with(**changes), f"{where}: unknown key(s) {key}")


@pytest.mark.parametrize("person", ["owner", "kill_switch_owner", "business_owner"])
def test_missing_people(tmp_path, person):
    refused(tmp_path, spec_with(**{f"people__{person}": DROP}), f".people: '{person}' is required")
    refused(tmp_path, spec_with(**{f"people__{person}": ""}), f".people: '{person}' is required")


def test_missing_people_section(tmp_path):
    refused(tmp_path, spec_with(people=DROP), "'people' is required")


@pytest.mark.parametrize("cadence", ["fortnightly", "0d", -3, 0, "3 weeks", True, 7.5])
@pytest.mark.parametrize("key", ["refresh_cadence", "max_staleness"])
def test_bad_cadence(tmp_path, cadence, key):
    message = refused(tmp_path, spec_with(**{f"sla__{key}": cadence}), f".sla.{key}", repr(cadence))
    assert "weekly" in message  # says what a cadence looks like


def test_missing_cadence(tmp_path):
    refused(tmp_path, spec_with(sla__refresh_cadence=DROP), "'refresh_cadence' is required")


@pytest.mark.parametrize("task", ["classification", "multiclass", "", None])
def test_wrong_task(tmp_path, task):
    refused(tmp_path, spec_with(task=task), "task")


def test_model_and_entry_point_are_exclusive(tmp_path):
    both = spec_with(estimator__entry_point="my_package.models:build")
    refused(tmp_path, both, ".estimator: give either 'model'", "'entry_point'")
    neither = spec_with(estimator__model=DROP)
    refused(tmp_path, neither, ".estimator: give either 'model'", "'entry_point'")


def test_entry_point_that_cannot_load(tmp_path):
    block = spec_with(estimator__model=DROP, estimator__entry_point="no_such_module_xyz:build")
    refused(tmp_path, block, "entry_point", "no_such_module_xyz", build=True)


@pytest.mark.parametrize(
    ("changes", "where", "named"),
    [
        (
            {"estimator__model": {"class": "SVC", "params": {}}},
            "estimator.model",
            "'SVC' cannot be compiled to SQL",
        ),
        (
            {"estimator__preprocess__numeric": [{"class": "PolynomialFeatures"}]},
            "estimator.preprocess.numeric",
            "'PolynomialFeatures' cannot be compiled to SQL",
        ),
    ],
)
def test_estimator_the_compiler_cannot_translate(tmp_path, changes, where, named):
    message = refused(tmp_path, spec_with(**changes), where, named, build=True)
    assert "LogisticRegression" in message  # lists what can be used


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"C": 1.0, "penalty_typo": "l2"}, "penalty_typo"),
        ({"max_iter": -5}, "max_iter"),
        ({"C": "high"}, "'C'"),
        ("C=1", "params"),
    ],
)
def test_bad_params(tmp_path, params, named):
    block = spec_with(estimator__model={"class": "LogisticRegression", "params": params})
    refused(tmp_path, block, "estimator.model", named, build=True)


def test_bad_function_for_function_transformer(tmp_path):
    block = spec_with(
        estimator__preprocess__numeric=[{"class": "FunctionTransformer", "params": {"func": "exp"}}]
    )
    refused(tmp_path, block, "estimator.preprocess.numeric", "func 'exp'", "log1p", build=True)


@pytest.mark.parametrize(
    ("changes", "named"),
    [
        ({"validation__holdout_cutoffs": 0}, ".validation.holdout_cutoffs"),
        ({"sla__on_breach": "page"}, ".sla.on_breach: 'page'"),
        (
            {"sla__degradation": [{"metric": "roc_auc", "below": 0.6, "above": 0.9}]},
            ".sla.degradation[0]: give exactly one",
        ),
        ({"data__features__numeric": ["x1", "x1"]}, ".data.features: listed twice: x1"),
        (
            {"data__features": {"numeric": [], "categorical": []}},
            ".data.features: list at least one",
        ),
        ({"data__label": DROP}, ".data: 'label' is required"),
        ({"baseline__sql": DROP}, ".baseline: 'sql' is required"),
        ({"metrics__thresholds": {"roc_auc": "high"}}, ".metrics.thresholds.roc_auc"),
        ({"metrics__primary": "auc"}, ".metrics.primary: 'auc'"),
        ({"cost__maintenance_per_month": "cheap"}, ".cost.maintenance_per_month"),
        ({"decisions": "who gets the offer"}, ".decisions: expected a list"),
    ],
)
def test_other_bad_values(tmp_path, changes, named):
    refused(tmp_path, spec_with(**changes), named)


def test_spec_that_is_not_a_mapping(tmp_path):
    refused(tmp_path, "churn model", "expected a mapping")


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (
            "models:\n  - name: toy\n    config:\n      meta:\n        scorehouse: {}\n",
            "the scorehouse spec sits on model 'toy'",
        ),
        ("models: [\n", "is not valid YAML"),
    ],
)
def test_unusable_properties_file(tmp_path, text, problem):
    path = tmp_path / "models" / "ml" / "toy.yml"
    path.parent.mkdir(parents=True)
    path.write_text(text)
    with pytest.raises(SpecError, match=re.escape(str(path)) + ".*" + re.escape(problem)):
        find_specs([tmp_path / "models"])


def test_spec_declared_twice(tmp_path):
    first = write_spec(tmp_path / "models", "toy", TOY_SPEC)
    second = write_spec(tmp_path / "models", "toy", TOY_SPEC, file="again.yml")
    with pytest.raises(SpecError, match="model 'toy' is declared twice") as caught:
        find_specs([tmp_path / "models"])
    assert str(first) in str(caught.value) and str(second) in str(caught.value)


# ---------------------------------------------------------------------------------------
# Against the warehouse


@pytest.fixture
def toy_warehouse(tmp_path):
    """A project whose DuckDB holds main.toy_features; yields a connection to it."""
    project = toy_project(tmp_path, customers=50)
    with connect(target_of(project)) as con:
        yield con


@pytest.mark.parametrize(
    ("changes", "missing"),
    [
        ({"data__features__numeric": ["x1", "x9"]}, "x9"),
        ({"data__features__categorical": ["segment"]}, "segment"),
        ({"data__label": "converted"}, "converted"),
        ({"data__entity_key": "lead_id"}, "lead_id"),
    ],
)
def test_column_not_in_the_relation(tmp_path, toy_warehouse, changes, missing):
    spec = load(tmp_path, spec_with(**changes))
    with pytest.raises(SpecError) as caught:
        read_training_rows(toy_warehouse, spec, "main")
    names_all(caught.value, spec.path, f"column(s) {missing} are not in", "'toy_features'")


def test_relation_not_in_the_warehouse(tmp_path, toy_warehouse):
    spec = load(tmp_path, spec_with(data__relation="toy_training"))
    with pytest.raises(
        SpecError, match=r"relation main\.toy_training is not in the warehouse.*dbt build"
    ):
        read_training_rows(toy_warehouse, spec, "main")


def test_baseline_sql_that_does_not_run(tmp_path, toy_warehouse):
    spec = load(tmp_path, spec_with(baseline__sql="1.0 - rfm_points"))
    with pytest.raises(SpecError) as caught:
        read_training_rows(toy_warehouse, spec, "main")
    names_all(caught.value, spec.path, "baseline.sql '1.0 - rfm_points'", "rfm_points")


def test_rows_read_from_the_warehouse(tmp_path, toy_warehouse):
    """Every labelled row, the rule computed in the warehouse, NULL categories as NaN."""
    spec = load(tmp_path, TOY_SPEC)
    rows = read_training_rows(toy_warehouse, spec, "main").sort_values(
        ["cutoff_date", "customer_id"]
    )
    table = toy_warehouse.read_arrow('SELECT * FROM "main"."toy_features"').to_pandas()
    table = table.sort_values(["cutoff_date", "customer_id"])
    assert len(rows) == len(table) == 150
    assert (rows["__baseline_score"].to_numpy() == table["rule_score"].to_numpy()).all()
    missing = rows.loc[rows["seg"].isna(), "seg"]
    assert len(missing) > 0 and all(isinstance(v, float) for v in missing)
