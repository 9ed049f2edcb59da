"""``scorehouse report``: one self-contained HTML page per model, rendered by a real browser.

The warehouse is filled directly with the rows the registry, monitoring and uplift steps
write (the uplift rows from a simulated randomised campaign, scored by a T-learner and by a
rule), so the report is tested on its own, whatever stage those steps are at.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import shutil
import subprocess
from html import escape
from importlib import resources
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from sklearn.linear_model import LogisticRegression

from scorehouse.catalogue import PASSPORTS
from scorehouse.cli.main import cli
from scorehouse.estimators import TwoModelUplift
from scorehouse.metrics.curves import qini_curve, uplift_by_decile, uplift_curve
from scorehouse.registry.passport import join_reasons
from scorehouse.report import ReportData, render_report
from scorehouse.spec import Degradation
from tests.support.project import duckdb_output, write_profile

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)
CUTOFFS = [dt.date(2025, m, 1) for m in (6, 7, 8, 9)]
CAMPAIGN = {"campaign_id": 7, "campaign_name": "New collection", "channel": "email"}
REASONS = (
    "beats the rule by 44 conversions (95 % CI 12 to 76)",
    "earns 1 830 EUR a month against 400 EUR upkeep",
)
# the churn model's sla.degradation: its own score PSI limit, not the usual 0.25
DEGRADATION = (
    Degradation("score_psi", above=0.2),
    Degradation("roc_auc", below_passport_minus=0.05),
)


def _degradation_rules(rules: tuple[Degradation, ...]) -> str:
    """ml_passports.degradation_rules as the registry writes it from the spec."""
    return json.dumps([r.describe() for r in rules])


def _campaign(n: int = 6000, seed: int = 0) -> tuple[np.ndarray, ...]:
    """A randomised campaign whose uplift depends on x1; the rule ranks by x0 instead."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 2))
    t = (rng.random(n) < 0.5).astype(int)
    logit = -1.0 + 0.8 * X[:, 0] + t * (0.9 * X[:, 1])
    y = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    model = TwoModelUplift(LogisticRegression()).fit(X[: n // 2], y[: n // 2], t[: n // 2])
    test = slice(n // 2, n)
    return y[test], t[test], model.predict(X[test]), X[test, 0]


def _uplift_rows() -> dict[str, list[dict]]:
    y, t, model_score, rule_score = _campaign()
    key = {"model_name": "churn", "model_version": 2, "campaign_id": CAMPAIGN["campaign_id"]}
    deciles, curves = [], []
    for subject, score in (("model", model_score), ("rule", rule_score)):
        deciles += [{**key, "subject": subject, **row} for row in uplift_by_decile(y, score, t)]
        n, qini = qini_curve(y, score, t)
        _, uplift = uplift_curve(y, score, t)
        keep = np.unique(np.r_[0, np.linspace(0, len(n) - 1, 60).astype(int)])
        curves += [
            {
                **key,
                "subject": subject,
                "ordering": "actual",
                "n_targeted": int(n[i]),
                "share_targeted": n[i] / n[-1],
                "qini": qini[i],
                "uplift": uplift[i],
            }
            for i in keep
        ]
    rt, rc = y[t == 1].mean(), y[t == 0].mean()
    lift = {
        **CAMPAIGN,
        "n_treatment": int(t.sum()),
        "n_control": int((1 - t).sum()),
        "rate_treatment": rt,
        "rate_control": rc,
        "absolute_lift": rt - rc,
        "absolute_lift_ci_low": rt - rc - 0.02,
        "absolute_lift_ci_high": rt - rc + 0.02,
        "relative_lift": rt / rc - 1,
        "incremental_conversions": (rt - rc) * t.sum(),
        "incremental_revenue": 41.5 * (rt - rc) * t.sum(),
        "contact_cost": 0.02 * t.sum(),
        "romi": 3.1,
        "srm_status": "ok",
    }
    return {
        "uplift_campaign_lift": [lift],
        "uplift_campaign_tests": [{"campaign_id": 7, "z_p_value": 0.0004, "srm_p_value": 0.61}],
        "uplift_by_decile": deciles,
        "uplift_curves": curves,
        "uplift_ranking": [
            {
                **key,
                "subject": "model",
                "customers": len(y),
                "qini_coefficient": 0.21,
                "auuc": 0.19,
            },
            {**key, "subject": "rule", "customers": len(y), "qini_coefficient": 0.02, "auuc": 0.03},
        ],
        "uplift_model_vs_rule": [
            {
                **key,
                "budget_share": 0.3,
                "contacts": 900,
                "model_incremental_conversions": 61.0,
                "rule_incremental_conversions": 17.0,
                "conversions_difference": 44.0,
                "conversions_difference_ci_low": 12.0,
                "conversions_difference_ci_high": 76.0,
                "model_romi": 2.4,
                "rule_romi": 0.3,
            },
        ],
        "uplift_verdicts": [
            {
                "model_name": "churn",
                "model_version": 2,
                "verdict": "keep",
                # stored as the registry stores reasons, so the fixture cannot drift from it
                "verdict_reasons": join_reasons(REASONS),
                "budget_share": 0.3,
                "campaigns": 1,
                "conversions_difference": 44.0,
                "conversions_difference_ci_low": 12.0,
                "conversions_difference_ci_high": 76.0,
                "monthly_gain": 1830.0,
                "maintenance_per_month": 400.0,
                "verdict_at": dt.datetime(2025, 10, 2),
            },
        ],
    }


def _registry_rows() -> dict[str, list[dict]]:
    passport = dict.fromkeys(PASSPORTS.names)
    passport.update(
        model_name="churn",
        task="binary",
        champion_version=2,
        serving="model",
        description="Who is about to stop buying, so retention offers reach them in time.",
        decisions='["who gets the monthly retention offer"]',
        owner="analytics-engineering@retailer.example",
        business_owner="head-of-crm@retailer.example",
        kill_switch_owner="head-of-crm@retailer.example",
        refresh_cadence_days=30,
        trained_at=dt.datetime(2025, 5, 30),
        maintenance_cost_per_month=400.0,
        currency="EUR",
        degradation_rules=_degradation_rules(DEGRADATION),
    )
    bare = {
        **dict.fromkeys(PASSPORTS.names),
        "model_name": "purchase",
        "task": "binary",
    }
    metrics = [
        {
            "model_name": "churn",
            "version": 2,
            "subject": s,
            "split": "holdout",
            "metric": m,
            "at": None,
            "value": v,
            "computed_at": dt.datetime(2025, 5, 30),
        }
        for s, m, v in [
            ("model", "roc_auc", 0.78),
            ("baseline", "roc_auc", 0.69),
            ("model", "brier", 0.16),
            ("baseline", "brier", 0.19),
        ]
    ]
    return {"ml_passports": [passport, bare], "ml_metrics": metrics}


def _monitoring_rows() -> dict[str, list[dict]]:
    key = {"model_name": "churn", "model_version": 2}
    calibration = [
        {
            **key,
            "cutoff": c,
            "decile": d,
            "n_rows": 100,
            "mean_predicted": d / 11,
            "observed_rate": d / 11 * (1 + 0.05 * i),
            "calibration_gap": d / 11 - d / 11 * (1 + 0.05 * i),
        }
        for i, c in enumerate(CUTOFFS)
        for d in range(1, 11)
    ]
    score_drift = [
        {**key, "cutoff": c, "n_rows": 1000, "psi": 0.02 + 0.04 * i} for i, c in enumerate(CUTOFFS)
    ]
    feature_drift = [
        {
            **key,
            "cutoff": c,
            "feature": f,
            "kind": "numeric",
            "n_rows": 1000,
            "psi": 0.01 * (k + 1) * (i + 1),
            "null_rate": 0.0,
            "reference_null_rate": 0.0,
        }
        for i, c in enumerate(CUTOFFS)
        for k, f in enumerate(["recency_days", "frequency", "monetary"])
    ]
    quality = [
        {**key, "cutoff": c, "subject": s, "n_rows": 1000, "roc_auc": v - 0.01 * i}
        for i, c in enumerate(CUTOFFS[:3])
        for s, v in (("model", 0.77), ("baseline", 0.68))
    ]
    return {
        "ml_calibration": calibration,
        "ml_score_drift": score_drift,
        "ml_feature_drift": feature_drift,
        "ml_quality": quality,
    }


def _project(root: Path, tables: dict[str, list[dict]]) -> Path:
    (root / "dbt_project.yml").write_text("name: scorehouse\nprofile: scorehouse\n")
    write_profile(root, {"duckdb": duckdb_output(root / "warehouse.duckdb", threads=1)})
    con = duckdb.connect(str(root / "warehouse.duckdb"))
    try:
        for name, rows in tables.items():
            frame = pd.DataFrame(rows)  # noqa: F841 (read by DuckDB below)
            con.execute(f"CREATE TABLE {name} AS SELECT * FROM frame")
    finally:
        con.close()
    return root


def _report(root: Path, *args: str) -> str:
    result = CliRunner().invoke(
        cli, ["--project-dir", str(root), "report", *args, "--out", str(root / "out")]
    )
    assert result.exit_code == 0, result.output + repr(result.exception)
    return result.output


@pytest.fixture(scope="module")
def full(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("report")
    _project(root, {**_registry_rows(), **_monitoring_rows(), **_uplift_rows()})
    _report(root)  # every model with a passport
    return root


def test_one_file_per_model_with_every_section(full):
    assert sorted(p.name for p in (full / "out").iterdir()) == ["churn.html", "purchase.html"]
    html = (full / "out" / "churn.html").read_text()
    for heading in (
        "Passport",
        "Quality against the rule",
        "Campaign lift",
        "Uplift by decile",
        "Qini and uplift curves",
        "Calibration over time",
        "Drift over time",
        "Verdict",
    ):
        assert f">{heading}</h2>" in html, heading
    assert "head-of-crm@retailer.example" in html and "New collection" in html
    assert "Keep the model" in html and "beats the rule by 44 conversions" in html
    assert html.count('<svg class="chart"') >= 7  # deciles, 2 curves, calibration ×2, drift ×2, AUC
    assert "No campaign with a control group" not in html


def test_it_needs_no_network(full):
    html = (full / "out" / "churn.html").read_text()
    assert "<script" not in html
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    assert "@import" not in html and "url(" not in html


def test_sections_without_data_say_so_in_words(full):
    html = (full / "out" / "purchase.html").read_text()
    assert "New collection" in html  # the campaigns' own lift is not a model's
    assert "No campaign with a control group scored by this model yet." in html
    assert "No quality measured yet" in html and "No verdict yet" in html
    assert "No calibration yet" in html and "No drift measured yet" in html
    assert "<svg" not in html


def test_a_warehouse_without_monitoring_or_uplift_tables(tmp_path):
    root = _project(tmp_path, _registry_rows())
    output = _report(root, "churn")
    assert output.strip().endswith("churn.html")
    html = (root / "out" / "churn.html").read_text()
    assert "No campaign with a control group yet." in html
    assert "<code>uplift_campaign_lift</code>" in html  # named as not there yet


def test_an_unknown_model_is_named(full):
    result = CliRunner().invoke(cli, ["--project-dir", str(full), "report", "nope"])
    assert result.exit_code != 0
    assert "no model nope" in result.output


SECTION_ORDER = ["passport", "quality", "lift", "deciles", "curves", "calibration", "drift",
                 "verdict"]  # fmt: skip


def _section(html: str, anchor: str) -> str:
    return html.split(f'<section id="{anchor}">')[1].split("</section>")[0]


def _chart(html: str, title: str) -> str:
    (chart,) = re.findall(
        rf'<svg class="chart"[^>]*aria-label="{re.escape(title)}".*?</svg>', html, flags=re.S
    )
    return chart


def _series(chart: str) -> dict[str, list[float]]:
    """The y of each series' points, by series name, in the order drawn."""
    groups = re.findall(r'<g class="series" data-name="([^"]*)">(.*?)</g>', chart, flags=re.S)
    return {name: [float(y) for y in re.findall(r'data-y="([^"]+)"', g)] for name, g in groups}


def test_the_sections_come_in_their_order(full):
    html = (full / "out" / "churn.html").read_text()
    assert re.findall(r'<section id="([^"]+)">', html) == SECTION_ORDER
    assert html.index('id="verdict-summary"') < html.index('<section id="passport">')


def test_the_stylesheet_is_the_packaged_css_inlined(full):
    css = resources.files("scorehouse.report").joinpath("report.css").read_text(encoding="utf-8")
    html = (full / "out" / "churn.html").read_text()
    (style,) = re.findall(r"<style>(.*?)</style>", html, flags=re.S)
    assert style.strip() == css.strip() and "td.text" in css


def test_a_verdict_with_several_reasons_shows_each_as_a_bullet(full):
    verdict = _section((full / "out" / "churn.html").read_text(), "verdict")
    assert re.findall(r"<li>(.*?)</li>", verdict) == list(REASONS)


def test_the_score_drift_chart_marks_the_models_own_psi_limit(full):
    chart = _chart((full / "out" / "churn.html").read_text(), "Score drift over time")
    assert _series(chart) == {
        "score PSI": pytest.approx([0.02, 0.06, 0.10, 0.14]),
        "degraded above 0.2": [0.2, 0.2],
    }


@pytest.mark.parametrize(
    ("passport", "limit"),
    [
        (None, None),  # no passport: no limit, and none made up
        ({"degradation_rules": None}, None),
        ({"degradation_rules": _degradation_rules(())}, None),
        (
            {"degradation_rules": _degradation_rules(
                (Degradation("roc_auc", below=0.7), Degradation("feature_psi", above=0.1))
            )},
            None,
        ),
        ({"degradation_rules": _degradation_rules((Degradation("score_psi", above=0.3),))}, 0.3),
        (
            {"degradation_rules": _degradation_rules(
                (Degradation("score_psi", above=0.3), Degradation("score_psi", above=0.15))
            )},
            0.15,
        ),
    ],
)  # fmt: skip
def test_the_psi_limit_drawn_is_the_passports_score_psi_rule(passport, limit):
    sections = {"score_drift": _monitoring_rows()["ml_score_drift"]}
    if passport is not None:
        sections["passport"] = [{"model_name": "churn", **passport}]
    data = ReportData("churn", dt.datetime(2025, 10, 2), 2, sections)
    series = _series(_chart(render_report(data), "Score drift over time"))
    expected = {} if limit is None else {f"degraded above {limit:g}": [limit, limit]}
    assert {name: ys for name, ys in series.items() if name != "score PSI"} == expected


def test_the_calibration_gap_is_the_warehouses(full):
    """The gap charted per date is the rows' calibration_gap (from ml_calibration), sized and
    averaged by rows: the report computes no gap of its own."""
    html = (full / "out" / "churn.html").read_text()
    chart = _series(_chart(html, "Calibration gap over time"))
    assert chart == {"calibration gap": pytest.approx([0.0, 0.025, 0.05, 0.075])}
    # a warehouse whose gap differs from mean_predicted − observed_rate is taken at its word
    key = {"model_name": "churn", "model_version": 2, "mean_predicted": 0.3, "observed_rate": 0.3}
    rows = [
        {**key, "cutoff": CUTOFFS[0], "decile": 1, "n_rows": 100, "calibration_gap": 0.1},
        {**key, "cutoff": CUTOFFS[0], "decile": 2, "n_rows": 300, "calibration_gap": -0.02},
        {**key, "cutoff": CUTOFFS[1], "decile": 1, "n_rows": 100, "calibration_gap": 0.05},
    ]
    data = ReportData("churn", dt.datetime(2025, 10, 2), 2, {"calibration": rows})
    chart = _series(_chart(render_report(data), "Calibration gap over time"))
    assert chart == {"calibration gap": pytest.approx([(10 + 6) / 400, 0.05])}


def _chromium(profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )


@pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (apt-get install -y chromium)"
)
def test_chromium_renders_the_report_with_its_charts(full, tmp_path):
    page = (full / "out" / "churn.html").as_uri()
    dom = _chromium(tmp_path / "dom-profile", "--dump-dom", page).stdout
    assert "Uplift by decile" in dom
    charts = re.findall(r'<svg class="chart".*?</svg>', dom, flags=re.S)
    assert len(charts) >= 7
    for chart in charts:
        points = re.findall(r'class="point"[^>]*data-y="([^"]+)"', chart)
        assert len(points) >= 2, chart[:200]
        assert all(np.isfinite(float(v)) for v in points)
    shot = tmp_path / "report.png"
    _chromium(tmp_path / "shot-profile", f"--screenshot={shot}", "--window-size=1200,2400", page)
    from PIL import Image

    image = Image.open(io.BytesIO(shot.read_bytes())).convert("RGB")
    assert image.size == (1200, 2400)
    colours = image.getcolors(maxcolors=1 << 20)
    assert colours is not None and len(colours) > 50, "the screenshot is blank"
    # the chart palette's blue is on screen: the charts were drawn, not just the text
    assert any(
        abs(r - 0x1B) < 8 and abs(g - 0x6C) < 8 and abs(b - 0xA8) < 8 for _, (r, g, b) in colours
    )


@pytest.mark.parametrize(
    "backend", ["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def test_the_report_reads_the_uplift_tables_dbt_builds(backend, tmp_path, request):
    """The uplift tables as ``scorehouse uplift`` builds them (the uplift SQL tests' own
    campaigns and toy model), read and charted by the report."""
    from scorehouse import pipeline
    from scorehouse.dbt import run_dbt
    from scorehouse.uplift.lift import run_uplift
    from tests.e2e.test_uplift_sql import load, synthetic, toy_models
    from tests.support.project import copy_project, postgres_output, target_of

    if backend == "duckdb":
        output = duckdb_output(tmp_path / "warehouse.duckdb")
    else:
        server = request.getfixturevalue("postgres_server")
        output = postgres_output(server.create_database("scorehouse_report"))
    project = copy_project(tmp_path, {backend: output})
    target = target_of(project)
    load(target, synthetic())
    toy_models(project)
    parents = ("stg_raw__campaigns", "stg_raw__campaign_assignments", "toy_scores",
               "toy_score_history", "toy_features")  # fmt: skip
    run_dbt(target, "run", "--select", *parents, quiet=True)
    pipeline.build(project, target, "uplift", quiet=True)
    judged = run_uplift(project, target, ["toy"]).verdicts["toy"][1]
    verdict = judged.verdict

    _report(tmp_path, "toy")
    html = (tmp_path / "out" / "toy.html").read_text()
    assert "No passport yet" in html  # the toy model was scored, never trained here
    assert f'<div class="verdict {verdict}" id="verdict">' in html
    # the reasons as scorehouse uplift wrote them: one bullet each
    bullets = re.findall(r"<li>(.*?)</li>", _section(html, "verdict"))
    assert bullets == [escape(r) for r in judged.reasons]
    for section in ("lift", "deciles", "curves", "verdict"):
        body = html.split(f'<section id="{section}">')[1].split("</section>")[0]
        assert 'class="empty"' not in body, section
    charts = re.findall(r'<svg class="chart".*?</svg>', html, flags=re.S)
    assert len(charts) >= 3  # a decile chart and two curves per campaign scored
    assert all(len(re.findall(r'class="point"', chart)) >= 10 for chart in charts)
