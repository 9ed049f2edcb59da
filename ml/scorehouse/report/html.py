"""A model's report as one self-contained HTML page: inline CSS and SVG, no script, no
network, readable offline by someone who has never seen the warehouse."""

from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

from scorehouse.report.data import ReportData, Rows
from scorehouse.report.svg import Series, bar_chart, line_chart
from scorehouse.urls import shown

MAX_CAMPAIGN_CHARTS = 4
MAX_DRIFT_FEATURES = 5
CSS = """
body{font:15px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1d1d1f;
  max-width:1040px;margin:0 auto;padding:24px 28px 60px;background:#fafafa}
h1{font-size:26px;margin:0 0 4px}
h2{font-size:20px;margin:36px 0 6px;border-bottom:2px solid #ddd;padding-bottom:4px}
h3{font-size:16px;margin:18px 0 6px}
.lead{color:#444;margin:4px 0 12px}
.muted{color:#777}
.empty{color:#777;font-style:italic;background:#f0f0f0;padding:10px 14px;border-radius:6px}
table{border-collapse:collapse;margin:8px 0 14px;background:#fff;font-size:13px}
th,td{border:1px solid #ddd;padding:4px 8px;text-align:right}
th{background:#f3f3f3}
td.text,th.text{text-align:left}
.scroll{overflow-x:auto;max-width:100%}
.chart{background:#fff;border:1px solid #e3e3e3;margin:6px 0 12px;max-width:100%;height:auto}
.verdict{font-size:18px;padding:12px 16px;border-radius:8px;margin:10px 0}
.keep{background:#e3f4ea;border:1px solid #7cc39a}
.rebuild{background:#fff4dd;border:1px solid #e0b050}
.switch_off{background:#fde5e5;border:1px solid #d77}
.unknown{background:#eee;border:1px solid #bbb}
dl{display:grid;grid-template-columns:220px 1fr;gap:4px 16px;margin:8px 0}
dt{color:#555}
dd{margin:0}
"""
VERDICT_WORDS = {
    "keep": "Keep the model: its uplift over the rule is stable and pays for its upkeep.",
    "rebuild": "Rebuild the model: it does not add uplift over the simple rule.",
    "switch_off": "Switch the model off: it costs more than it earns, or it loses to the rule.",
}


# ------------------------------------------------------------------------------ formatting


def _number(value: Any, kind: str = "number") -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if not isinstance(value, int | float):
        return escape(str(value))
    if isinstance(value, float) and not math.isfinite(value):
        return "—"
    if kind == "percent":
        return f"{100 * value:.1f} %"
    if kind == "points":
        return f"{100 * value:+.2f} pp"
    if kind == "p":
        return "< 0.001" if value < 0.001 else f"{value:.3f}"
    digits = 0 if float(value).is_integer() or abs(value) >= 100 else 1 if abs(value) >= 10 else 3
    return f"{value:,.{digits}f}".replace(",", " ")


def _table(rows: Rows, columns: Sequence[tuple[str, str, str]]) -> str:
    """columns: (key, heading, kind); columns no row has are left out."""
    shown = [c for c in columns if any(c[0] in r for r in rows)]
    head = "".join(
        f'<th class="{"text" if kind == "text" else ""}">{escape(title)}</th>'
        for _, title, kind in shown
    )
    body = []
    for row in rows:
        cells = "".join(
            f'<td class="text">{escape(_plain(row.get(key)))}</td>'
            if kind == "text"
            else f"<td>{_number(row.get(key), kind)}</td>"
            for key, _, kind in shown
        )
        body.append(f"<tr>{cells}</tr>")
    return (
        f'<div class="scroll"><table><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>"
    )


def _plain(value: Any) -> str:
    """A value in words: whole numbers without a decimal point (DuckDB reads a column with
    NULLs back as floats), nothing as a dash."""
    if value is None:
        return "—"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _words(value: Any) -> Any:
    """A passport field stored as JSON, in words: a list joined by semicolons, a mapping
    as "name: description"."""
    if not isinstance(value, str) or not value.startswith(("[", "{")):
        return value
    try:
        parsed = json.loads(value)
    except ValueError:
        return value
    if isinstance(parsed, dict):
        name, description = parsed.get("name"), parsed.get("description")
        return f"{name}: {description}" if name and description else (name or description)
    if isinstance(parsed, list):
        return "; ".join(str(item) for item in parsed) or None
    return value


def _empty(text: str) -> str:
    return f'<p class="empty">{escape(text)}</p>'


@dataclass(frozen=True)
class Section:
    """One part of the report: ``body`` gives its content, or "" when there is nothing to
    show yet, and then ``empty`` says so in words."""

    anchor: str
    title: str
    lead: str
    empty: str
    body: Callable[[ReportData], str]

    def render(self, data: ReportData) -> str:
        return _section(self.anchor, self.title, self.lead, self.body(data) or _empty(self.empty))


def _section(anchor: str, title: str, lead: str, body: str) -> str:
    return (
        f'<section id="{anchor}"><h2>{escape(title)}</h2><p class="lead">{lead}</p>{body}</section>'
    )


def _float(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _group(rows: Rows, key: str) -> dict[Any, Rows]:
    groups: dict[Any, Rows] = defaultdict(list)
    for row in rows:
        groups[row.get(key)].append(row)
    return groups


def _campaign_names(data: ReportData) -> dict[Any, str]:
    names = {r.get("campaign_id"): r.get("campaign_name") for r in data.rows("lift")}
    return {k: str(v) if v else f"campaign {k}" for k, v in names.items()}


def _recent_campaigns(rows: Rows) -> list[Any]:
    ids = sorted({r.get("campaign_id") for r in rows}, key=lambda c: (c is None, c), reverse=True)
    return ids[:MAX_CAMPAIGN_CHARTS]


# -------------------------------------------------------------------------------- sections


def _summary(data: ReportData) -> str:
    passport = data.passport or {}
    verdict = _latest(data.rows("verdicts"))
    what = passport.get("description") or "No passport was found for this model."
    code = str(verdict.get("verdict")) if verdict else "unknown"
    words = VERDICT_WORDS.get(code, "No verdict yet: no campaign with a control group judged it.")
    version = f"version {data.version}" if data.version is not None else "no registered version"
    return (
        f"<h1>{escape(data.model_name)}</h1>"
        f'<p class="muted">Model report, {version}, generated '
        f"{data.generated_at:%Y-%m-%d %H:%M} UTC by <code>scorehouse report</code>.</p>"
        f'<p class="lead">{escape(str(what))}</p>'
        f'<div class="verdict {escape(code)}" id="verdict-summary"><strong>Verdict:</strong> '
        f"{escape(words)}</div>"
    )


def _passport(data: ReportData) -> str:
    p = data.passport
    if p is None:
        return ""
    cost = p.get("maintenance_cost_per_month")
    items = [
        ("Task", p.get("task")),
        ("Decisions it informs", _words(p.get("decisions"))),
        ("Owner", p.get("owner")),
        ("Business owner", p.get("business_owner")),
        ("Who may switch it off", p.get("kill_switch_owner")),
        (
            "Serving now",
            f"{p.get('serving')}"
            + (f" ({p['serving_reason']})" if p.get("serving_reason") else ""),
        ),
        ("Champion version", p.get("champion_version")),
        ("Trained", p.get("trained_at")),
        ("Retraining due", p.get("due_at")),
        (
            "Refresh every",
            f"{_plain(p['refresh_cadence_days'])} days" if p.get("refresh_cadence_days") else None,
        ),
        ("Business metric", _words(p.get("business_metric"))),
        (
            "Upkeep per month",
            f"{_number(cost)} {p.get('currency') or ''}" if cost is not None else None,
        ),
        ("When it counts as degraded", _words(p.get("degradation_rules"))),
        ("Alerts go to", shown(p.get("alert_channel"))),
    ]
    body = (
        "<dl>"
        + "".join(f"<dt>{escape(k)}</dt><dd>{escape(_plain(v))}</dd>" for k, v in items)
        + "</dl>"
    )
    return body


def _quality(data: ReportData) -> str:
    metrics = [r for r in data.rows("metrics") if r.get("at") is None]
    by_metric: dict[str, dict[str, Any]] = defaultdict(dict)
    for r in metrics:
        by_metric[str(r.get("metric"))][str(r.get("subject"))] = r.get("value")
    rows = []
    for metric, values in sorted(by_metric.items()):
        model, rule = _float(values.get("model")), _float(values.get("baseline"))
        better = None
        if model is not None and rule is not None:
            lower_is_better = metric in ("brier", "log_loss")
            better = "model" if (model < rule) == lower_is_better and model != rule else "rule"
        rows.append(
            {
                "metric": metric,
                "model": model,
                "rule": rule,
                "difference": None if model is None or rule is None else model - rule,
                "better": better,
            }
        )
    body = (
        _table(
            rows,
            [
                ("metric", "Measure", "text"),
                ("model", "Model", "number"),
                ("rule", "Rule", "number"),
                ("difference", "Model − rule", "number"),
                ("better", "Better", "text"),
            ],
        )
        if rows
        else ""
    )
    quality = data.rows("quality")
    if quality:
        series = []
        for subject, rows_ in _by_subject(quality):
            points = sorted((_ordinal(r.get("cutoff")), _float(r.get("roc_auc"))) for r in rows_)
            series.append(
                Series(_subject_name(subject), [(x, y) for x, y in points if y is not None])
            )
        body += "<h3>AUC on each scoring date, once outcomes are known</h3>" + _dated_note(quality)
        body += line_chart(
            series,
            title="AUC over time",
            x_label="scoring date",
            x_dates=True,
            y_label="ROC AUC",
            zero=False,
        )
    return body


LIFT_COLUMNS = [
    ("campaign_name", "Campaign", "text"),
    ("channel", "Channel", "text"),
    ("n_treatment", "Treated", "number"),
    ("n_control", "Control", "number"),
    ("rate_treatment", "Conversion treated", "percent"),
    ("rate_control", "Conversion control", "percent"),
    ("absolute_lift", "Lift", "points"),
    ("absolute_lift_ci_low", "95 % CI low", "points"),
    ("absolute_lift_ci_high", "95 % CI high", "points"),
    ("relative_lift", "Relative lift", "percent"),
    ("z_p_value", "p-value", "p"),
    ("incremental_conversions", "Extra conversions", "number"),
    ("incremental_revenue", "Extra revenue", "number"),
    ("contact_cost", "Contact cost", "number"),
    ("romi", "ROMI", "percent"),
    ("cost_per_incremental_conversion", "Cost per extra conversion", "number"),
    ("srm_status", "Randomisation", "text"),
]


def _lift(data: ReportData) -> str:
    rows = data.rows("lift")
    if not rows:
        return ""
    tests = {r.get("campaign_id"): r for r in data.rows("tests")}
    merged = [
        {**r, **{k: v for k, v in tests.get(r.get("campaign_id"), {}).items() if v is not None}}
        for r in sorted(rows, key=lambda r: r.get("campaign_id") or 0)
    ]
    return _table(merged, LIFT_COLUMNS)


def _subject_name(subject: Any) -> str:
    return {"model": "model", "rule": "rule", "baseline": "rule"}.get(str(subject), str(subject))


def _by_subject(rows: Rows) -> list[tuple[Any, Rows]]:
    """Rows grouped by subject: the model first, then the rule, then any other."""
    order = {"model": 0, "rule": 1, "baseline": 1}
    groups = _group(rows, "subject").items()
    return sorted(groups, key=lambda kv: (order.get(str(kv[0]), 2), str(kv[0])))


def _deciles(data: ReportData) -> str:
    rows = data.rows("deciles")
    if not rows:
        return ""
    names = _campaign_names(data)
    body = ""
    by_campaign = _group(rows, "campaign_id")
    for campaign in _recent_campaigns(rows):
        series = []
        for subject, part in _by_subject(by_campaign[campaign]):
            part = sorted(part, key=lambda r: r.get("decile") or 0)
            series.append(
                Series(
                    _subject_name(subject),
                    [(float(r["decile"]), _float(r.get("uplift"))) for r in part],
                    [
                        (_float(r.get("uplift_ci_low")), _float(r.get("uplift_ci_high")))
                        for r in part
                    ],
                )
            )
        deciles = sorted({int(r["decile"]) for r in by_campaign[campaign]})
        title = names.get(campaign, f"campaign {campaign}")
        body += f"<h3>{escape(title)}</h3>" + bar_chart(
            [str(d) for d in deciles],
            series,
            title=f"Uplift by decile, {title}",
            x_label="decile of the score (1 = highest)",
            y_label="uplift (treated − control)",
        )
    return body


def _curves(data: ReportData) -> str:
    rows = data.rows("curves")
    ranking = data.rows("ranking")
    if not rows and not ranking:
        return ""
    names = _campaign_names(data)
    body = ""
    if ranking:
        shown = [
            {
                **r,
                "campaign": names.get(r.get("campaign_id"), r.get("campaign_id")),
                "subject": _subject_name(r.get("subject")),
            }
            for r in ranking
        ]
        body += _table(
            shown,
            [
                ("campaign", "Campaign", "text"),
                ("subject", "Ranking by", "text"),
                ("customers", "Customers", "number"),
                ("qini_coefficient", "Qini coefficient", "number"),
                ("auuc", "AUUC", "number"),
            ],
        )
    actual = [r for r in rows if r.get("ordering") in (None, "actual")]
    by_campaign = _group(actual, "campaign_id")
    for campaign in _recent_campaigns(actual):
        title = names.get(campaign, f"campaign {campaign}")
        for measure, label in (
            ("qini", "extra conversions (Qini)"),
            ("uplift", "uplift × customers"),
        ):
            series = []
            for subject, part in _by_subject(by_campaign[campaign]):
                pts = sorted(
                    (_float(r.get("share_targeted")), _float(r.get(measure))) for r in part
                )
                series.append(
                    Series(
                        _subject_name(subject),
                        [(x, y) for x, y in pts if x is not None and y is not None],
                        markers=False,
                    )
                )
            end = max((s.points[-1][1] for s in series if s.points), default=0.0)
            series.append(Series("random", [(0.0, 0.0), (1.0, end)], dashed=True, markers=False))
            name = "Qini curve" if measure == "qini" else "Uplift curve"
            body += f"<h3>{escape(title)}: {name}</h3>" + line_chart(
                series,
                title=f"{name}, {title}",
                x_label="share of customers contacted",
                y_label=label,
            )
    return body


def _calibration(data: ReportData) -> str:
    rows = data.rows("calibration")
    if not rows:
        return ""
    by_cutoff = _group(rows, "cutoff")
    latest = max(by_cutoff, key=_ordinal)
    part = sorted(by_cutoff[latest], key=lambda r: _float(r.get("mean_predicted")) or 0.0)
    pts = [(_float(r.get("mean_predicted")), _float(r.get("observed_rate"))) for r in part]
    pts = [(x, y) for x, y in pts if x is not None and y is not None]
    top = max([v for p in pts for v in p] + [0.0])
    chart = line_chart(
        [
            Series("model", pts),
            Series("perfect", [(0.0, 0.0), (top, top)], dashed=True, markers=False),
        ],
        title=f"Calibration on {latest}",
        x_label="average score in the decile",
        y_label="observed rate",
    )
    gaps = []
    for cutoff, part in by_cutoff.items():
        weights = [(_float(r.get("n_rows")) or 0.0) for r in part]
        diffs = [
            abs((_float(r.get("mean_predicted")) or 0.0) - (_float(r.get("observed_rate")) or 0.0))
            for r in part
        ]
        total = sum(weights)
        if total:
            gaps.append(
                (_ordinal(cutoff), sum(w * d for w, d in zip(weights, diffs, strict=True)) / total)
            )
    body = f"<h3>Latest: {escape(str(latest))}</h3>" + chart
    if len(gaps) > 1:
        body += "<h3>Average gap between score and outcome, by date</h3>" + _dated_note(rows)
        body += line_chart(
            [Series("calibration gap", sorted(gaps))],
            title="Calibration gap over time",
            x_label="scoring date",
            x_dates=True,
            y_label="mean |score − observed|",
        )
    return body


def _drift(data: ReportData) -> str:
    score = data.rows("score_drift")
    features = data.rows("feature_drift")
    if not score and not features:
        return ""
    body = ""
    if score:
        pts = sorted((_ordinal(r.get("cutoff")), _float(r.get("psi"))) for r in score)
        body += (
            "<h3>The score</h3>"
            + _dated_note(score)
            + line_chart(
                [
                    Series("score PSI", [(x, y) for x, y in pts if y is not None]),
                    Series(
                        "0.25: real change",
                        [(pts[0][0], 0.25), (pts[-1][0], 0.25)],
                        dashed=True,
                        markers=False,
                    ),
                ],
                title="Score drift over time",
                x_label="scoring date",
                x_dates=True,
                y_label="PSI",
            )
        )
    if features:
        by_feature = _group(features, "feature")
        latest = max((r.get("cutoff") for r in features), key=_ordinal)
        ranked = sorted(
            (r for r in features if r.get("cutoff") == latest),
            key=lambda r: -(_float(r.get("psi")) or 0.0),
        )
        top = [r.get("feature") for r in ranked[:MAX_DRIFT_FEATURES]]
        series = [
            Series(
                str(f),
                [
                    (x, y)
                    for x, y in sorted(
                        (_ordinal(r.get("cutoff")), _float(r.get("psi"))) for r in by_feature[f]
                    )
                    if y is not None
                ],
            )
            for f in top
        ]
        body += (
            "<h3>The features that moved most</h3>"
            + line_chart(
                series,
                title="Feature drift over time",
                x_label="scoring date",
                x_dates=True,
                y_label="PSI",
            )
            + f'<p class="muted">On {escape(str(latest))}:</p>'
            + _table(
                ranked[:10],
                [
                    ("feature", "Feature", "text"),
                    ("psi", "PSI", "number"),
                    ("null_rate", "Missing now", "percent"),
                    ("reference_null_rate", "Missing in training", "percent"),
                    ("new_category_examples", "New categories", "text"),
                ],
            )
        )
    return body


def _verdict(data: ReportData) -> str:
    verdict = _latest(data.rows("verdicts"))
    comparison = data.rows("model_vs_rule")
    if verdict is None and not comparison:
        return ""
    body = ""
    if verdict is not None:
        code = str(verdict.get("verdict"))
        reasons = verdict.get("verdict_reasons") or ""
        try:
            reasons_list = (
                json.loads(reasons)
                if isinstance(reasons, str) and reasons.startswith("[")
                else [reasons]
            )
        except ValueError:
            reasons_list = [reasons]
        body += (
            f'<div class="verdict {escape(code)}" id="verdict">'
            f"<strong>{escape(code.replace('_', ' ').capitalize())}.</strong> "
            f"{escape(VERDICT_WORDS.get(code, ''))}<ul>"
            + "".join(f"<li>{escape(str(r))}</li>" for r in reasons_list if r)
            + "</ul></div>"
        )
        body += _table(
            [verdict],
            [
                ("campaigns", "Campaigns judged", "number"),
                ("budget_share", "Budget (share contacted)", "percent"),
                ("conversions_difference", "Extra conversions, model − rule", "number"),
                ("conversions_difference_ci_low", "95 % CI low", "number"),
                ("conversions_difference_ci_high", "95 % CI high", "number"),
                ("monthly_gain", "Gain per month", "number"),
                ("maintenance_per_month", "Upkeep per month", "number"),
            ],
        )
    if comparison:
        names = _campaign_names(data)
        shown = [
            {**r, "campaign": names.get(r.get("campaign_id"), r.get("campaign_id"))}
            for r in comparison
        ]
        body += "<h3>Model against the rule, campaign by campaign, at equal budget</h3>" + _table(
            shown,
            [
                ("campaign", "Campaign", "text"),
                ("contacts", "Contacts", "number"),
                ("model_incremental_conversions", "Extra conversions, model", "number"),
                ("rule_incremental_conversions", "Extra conversions, rule", "number"),
                ("conversions_difference", "Difference", "number"),
                ("conversions_difference_ci_low", "95 % CI low", "number"),
                ("conversions_difference_ci_high", "95 % CI high", "number"),
                ("model_incremental_revenue", "Extra revenue, model", "number"),
                ("rule_incremental_revenue", "Extra revenue, rule", "number"),
                ("model_romi", "ROMI, model", "percent"),
                ("rule_romi", "ROMI, rule", "percent"),
            ],
        )
    return body


# ----------------------------------------------------------------------------------- page


def _ordinal(value: Any) -> float:
    """Dates (and timestamps) as days since 1970, so they can be plotted on a number line."""
    if value is None:
        return float("-inf")
    if hasattr(value, "toordinal"):
        return float(value.toordinal() - 719163)
    return _float(value) or 0.0


def _dated_note(rows: Rows) -> str:
    cutoffs = sorted({r.get("cutoff") for r in rows if r.get("cutoff") is not None}, key=_ordinal)
    if not cutoffs:
        return ""
    first, last = escape(str(cutoffs[0])), escape(str(cutoffs[-1]))
    return f'<p class="muted">Scoring dates from {first} to {last}.</p>'


def _latest(rows: Rows) -> dict[str, Any] | None:
    if not rows:
        return None
    return max(rows, key=lambda r: str(r.get("verdict_at") or r.get("computed_at") or ""))


SECTIONS = (
    Section(
        "passport",
        "Passport",
        lead="Who owns the model, what it decides, and how it is kept alive.",
        empty="No passport yet: train the model with scorehouse train.",
        body=_passport,
    ),
    Section(
        "quality",
        "Quality against the rule",
        lead=(
            "How well the model ranks customers on data it did not learn from, next to the "
            "simple rule (RFM) it must beat. Higher is better for AUC and lift, lower for "
            "Brier and log loss."
        ),
        empty="No quality measured yet: the model has not been trained and evaluated.",
        body=_quality,
    ),
    Section(
        "lift",
        "Campaign lift",
        lead=(
            "Each campaign against its randomly chosen control group: how many more customers "
            "bought because they were contacted. A lift whose interval includes 0 may be chance. "
            "A campaign whose split between groups is broken is flagged and its lift not reported."
        ),
        empty="No campaign with a control group yet.",
        body=_lift,
    ),
    Section(
        "deciles",
        "Uplift by decile",
        lead=(
            "Customers split into ten equal groups by the model's score, best first. In each, "
            "conversion of the contacted minus conversion of the control group: the customers "
            "the campaign moved. Bars that fall from left to right mean the score finds them; "
            "the whiskers are 95 % intervals."
        ),
        empty="No campaign with a control group scored by this model yet.",
        body=_deciles,
    ),
    Section(
        "curves",
        "Qini and uplift curves",
        lead=(
            "Contacting customers in the order of the score, how many extra conversions the "
            "campaign gains (Qini curve) as more of the list is contacted. The straight dashed "
            "line is contacting at random; the higher the curve above it, the better the ranking. "
            "The Qini coefficient and AUUC sum that up (0 = random, 1 = perfect)."
        ),
        empty="No campaign with a control group scored by this model yet.",
        body=_curves,
    ),
    Section(
        "calibration",
        "Calibration over time",
        lead=(
            "Does a score of 30 % mean 30 %? On the latest scoring date whose outcomes are known, "
            "the average score of each decile against what actually happened; the dashed line is "
            "perfect agreement. Below, how far apart they are on each date."
        ),
        empty="No calibration yet: monitoring has not seen outcomes for this model's scores.",
        body=_calibration,
    ),
    Section(
        "drift",
        "Drift over time",
        lead=(
            "Do today's customers look like the ones the model learned from? The population "
            "stability index (PSI) compares distributions: below 0.1 stable, 0.1 to 0.25 a shift "
            "worth watching, above 0.25 a real change that can degrade the model."
        ),
        empty="No drift measured yet: monitoring has not run on this model's scores.",
        body=_drift,
    ),
    Section(
        "verdict",
        "Verdict",
        lead=(
            "The test every model must pass: does it add uplift over the simple rule at the "
            "same budget (the same number of contacts), and does that uplift pay for its "
            "upkeep? If not, rebuild it or switch it off."
        ),
        empty=(
            "No verdict yet: no campaign with a control group judged this model against the rule."
        ),
        body=_verdict,
    ),
)


def render_report(data: ReportData) -> str:
    body = _summary(data) + "".join(section.render(data) for section in SECTIONS)
    if data.absent:
        body += (
            '<p class="muted">Not in the warehouse yet: '
            + ", ".join(f"<code>{escape(t)}</code>" for t in data.absent)
            + ".</p>"
        )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(data.model_name)}: model report</title>"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<style>{CSS}</style></head><body>{body}</body></html>\n"
    )
