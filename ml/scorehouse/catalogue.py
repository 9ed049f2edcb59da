"""Every table scorehouse itself writes, declared once: its columns and their portable types.

The registry (``ml_`` tables), the alerts and the uplift tests and verdicts are written by
the Python side through :class:`scorehouse.gateway.Gateway`, which renders the portable
types for the engine at hand. The audience tables that reverse-ETL tools sync are built by
dbt; their contracts (``data_type`` in models/segments/_segments.yml) are checked against
the entries here by the tests, so both sides hold the same facts.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[tuple[str, str], ...]  # (name, portable type)

    @property
    def names(self) -> list[str]:
        return [c for c, _ in self.columns]


def _table(name: str, *columns: str) -> Table:
    """Columns written ``name:type``."""
    return Table(name, tuple((c.split(":")[0], c.split(":")[1]) for c in columns))


MODEL_VERSIONS = _table(
    "ml_model_versions",
    "model_name:text", "version:integer", "status:text", "task:text",
    "trained_at:timestamp", "promoted_at:timestamp", "train_rows:integer",
    "holdout_rows:integer", "train_cutoffs:text", "holdout_cutoffs:text",
    "primary_metric:text", "model_value:double", "baseline_value:double",
    "beats_baseline:boolean", "classes:text", "features:text", "spec_hash:text",
    "data_hash:text", "sql_hash:text", "git_commit:text", "library_versions:text",
    "artifact_dir:text", "artifact_hash:text",
)  # fmt: skip
PASSPORTS = _table(
    "ml_passports",
    "model_name:text", "task:text", "description:text", "decisions:text", "owner:text",
    "business_owner:text", "kill_switch_owner:text", "champion_version:integer",
    "challenger_version:integer", "serving:text", "serving_reason:text",
    "trained_at:timestamp", "due_at:timestamp", "refresh_cadence_days:integer",
    "max_staleness_days:integer", "degradation_rules:text", "on_breach:text",
    "alert_channel:text", "primary_metric:text", "model_value:double", "baseline_name:text",
    "baseline_value:double", "beats_baseline:boolean", "business_metric:text",
    "maintenance_cost_per_month:double", "currency:text", "spec_path:text",
    "updated_at:timestamp",
    # the latest keep / rebuild / switch_off verdict of `scorehouse uplift`
    "verdict:text", "verdict_reasons:text", "verdict_version:integer", "verdict_at:timestamp",
    # what a reader must know about the champion (e.g. that it loses to the rule)
    "warnings:text",
)  # fmt: skip
METRICS = _table(
    "ml_metrics",
    "model_name:text", "version:integer", "subject:text", "split:text", "metric:text",
    "at:double", "value:double", "computed_at:timestamp",
)  # fmt: skip
REFERENCE_DISTRIBUTIONS = _table(
    "ml_reference_distributions",
    "model_name:text", "version:integer", "column_name:text", "kind:text", "bin:integer",
    "lower_bound:double", "upper_bound:double", "category:text", "is_null:boolean",
    "share:double",
)  # fmt: skip
# This warehouse's identity: the key of its folder under artifacts/ (one row).
WAREHOUSE = _table("ml_warehouse", "warehouse_id:text", "created_at:timestamp")
# Every change of a passport's serving mode: who threw the kill switch, who enabled it.
SERVING_CHANGES = _table(
    "ml_serving_changes",
    "model_name:text", "champion_version:integer", "serving_from:text", "serving_to:text",
    "reason:text", "changed_by:text", "changed_at:timestamp",
)  # fmt: skip
ALERTS = _table(
    "ml_alerts",
    "alert_id:text", "model_name:text", "model_version:integer", "rule:text",
    "description:text", "metric:text", "cutoff:date", "observed:double", "threshold:double",
    "detail:text", "severity:text", "on_breach:text", "action_taken:text", "status:text",
    "opened_at:timestamp", "last_seen_at:timestamp", "last_observed:double",
    "resolved_at:timestamp", "resolution:text", "acknowledged_by:text",
    "acknowledged_at:timestamp", "delivery_status:text", "delivery_attempts:integer",
    "delivery_error:text", "delivered_at:timestamp",
)  # fmt: skip
CAMPAIGN_TESTS = _table(
    "uplift_campaign_tests",
    "campaign_id:integer", "z_p_value:double", "revenue_p_value:double",
    "revenue_lift_ci_low:double", "revenue_lift_ci_high:double", "srm_p_value:double",
    "computed_at:timestamp",
)  # fmt: skip
VERDICTS = _table(
    "uplift_verdicts",
    "model_name:text", "model_version:integer", "verdict:text", "verdict_reasons:text",
    "budget_share:double", "campaigns:integer", "conversions_difference:double",
    "conversions_difference_ci_low:double", "conversions_difference_ci_high:double",
    "monthly_gain:double", "maintenance_per_month:double", "verdict_at:timestamp",
)  # fmt: skip

# The registry's tables, created together
REGISTRY = (MODEL_VERSIONS, PASSPORTS, METRICS, REFERENCE_DISTRIBUTIONS, WAREHOUSE, SERVING_CHANGES)

# Built by dbt, synced by reverse-ETL tools: their dbt contracts hold these types.
AUDIENCE_SYNC = _table(
    "seg_audience_sync",
    "member_key:text", "audience:text", "destination_type:text", "destination:text",
    "crm_id:text", "email:text", "email_sha256:text", "phone_e164:text", "phone_sha256:text",
    "model_name:text", "model_version:integer", "score:double", "decile:integer",
    "entered_at:timestamp", "updated_at:timestamp",
)  # fmt: skip

TABLES: dict[str, Table] = {
    t.name: t for t in (*REGISTRY, ALERTS, CAMPAIGN_TESTS, VERDICTS, AUDIENCE_SYNC)
}
