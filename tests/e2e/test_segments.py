"""Audiences on the demo warehouse (DuckDB and PostgreSQL): stable keys and holdout, consent, hashed
identifiers, point-in-time history, the export log, offline conversions, the uplift tables'
control group, and the atomic export.

Three segments runs stand for three months of the retailer (the demo data's clock, given
with var scorehouse_segments_at): scores at the 2025-06-01, 2025-07-01 and 2025-08-01
snapshots. Between the first two, some members withdraw their consent.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import phonenumbers
import pyarrow.csv
import pyarrow.parquet
import pytest
import yaml
from click.testing import CliRunner
from threadpoolctl import threadpool_limits

from scorehouse.cli.main import cli
from scorehouse.dbt import run_dbt
from scorehouse.demo.load import load_demo
from scorehouse.errors import ScorehouseError
from scorehouse.project import Project, Target
from scorehouse.scoring.compile_models import compile_models
from scorehouse.segments import export as export_module
from scorehouse.segments.export import export_audience
from scorehouse.training.train import train_model
from tests.support.project import (
    Warehouse,
    edit_spec,
    project_on,
    target_of,
)

pytestmark = pytest.mark.slow

CUSTOMERS = 2500
SEED = 11
RUNS = ("2025-06-01", "2025-07-01", "2025-08-01")
WITHDRAWN = 25  # churn_retention_email members who withdraw email consent after run 1


def audiences(project: Project) -> dict[str, dict[str, Any]]:
    document = yaml.safe_load((project.root / "models/segments/audiences.yml").read_text())
    return {
        e["name"]: e["meta"]["scorehouse_audience"]
        for e in document["exposures"]
        if "scorehouse_audience" in (e.get("meta") or {})
    }


def holdout_draw(salt: str, customer_id: int) -> float:
    digest = hashlib.sha256(f"{salt}:{customer_id}".encode()).hexdigest()
    return int(digest[:8], 16) / 2**32


def sha256(text: str | None) -> str | None:
    return None if text is None else hashlib.sha256(text.encode()).hexdigest()


@dataclass
class Lab:
    project: Project
    target: Target
    members: list[pd.DataFrame] = field(default_factory=list)  # after each run
    synced: list[pd.DataFrame] = field(default_factory=list)
    conversions: list[pd.DataFrame] = field(default_factory=list)
    withdrawn: set[int] = field(default_factory=set)

    def table(self, name: str) -> pd.DataFrame:
        """A table of the warehouse; the audience and uplift tables hold every customer key as
        text (whatever its type in the project): the retailer's are whole numbers again here."""
        frame = Warehouse(self.target).read(self.target.schema, name)
        if name.startswith(("seg_", "uplift_")) and "customer_id" in frame:
            frame["customer_id"] = frame["customer_id"].astype("int64")
        return frame

    def execute(self, *sql: str) -> None:
        Warehouse(self.target).execute(*sql)

    def email_consent(self, customers: set[int], value: bool) -> None:
        ids = ", ".join(map(str, sorted(customers)))
        self.execute(
            f"update raw.customers set email_consent = {value} where customer_id in ({ids})"
        )

    def segments(self, at: str) -> None:
        run_dbt(
            self.target,
            "build",
            "--select",
            "scorehouse.segments",
            vars={"scorehouse_segments_at": at},
            quiet=True,
        )

    def score(self, cutoff: str) -> None:
        run_dbt(
            self.target,
            "build",
            "--select",
            "path:models/ml",
            vars={"scorehouse_score_cutoff": cutoff},
            quiet=True,
        )


@pytest.fixture(
    scope="module", params=["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def lab(request, tmp_path_factory) -> Iterator[Lab]:
    backend = request.param
    root = tmp_path_factory.mktemp(f"segments-{backend}")
    project = project_on(request, root, "scorehouse_segments")

    def small(block: dict[str, Any]) -> None:
        block["estimator"]["model"]["params"].update(max_iter=20)

    edit_spec(project, "churn", small)
    target = target_of(project)
    lab = Lab(project, target)
    with threadpool_limits(limits=1):
        load_demo(project, target, CUSTOMERS, SEED)
        run_dbt(
            target,
            "build",
            "--select",
            "path:models/staging",
            "path:models/features",
            "path:models/marketing",
            "--exclude",
            "resource_type:unit_test",
            "--indirect-selection",
            "cautious",
            quiet=True,
        )
        for name in ("churn", "purchase"):
            train_model(project, target, name)
            compile_models(project, target, name)
    for number, at in enumerate(RUNS):
        lab.score(at)
        lab.segments(at)
        lab.members.append(lab.table("seg_audience_members"))
        lab.synced.append(lab.table("seg_audience_sync"))
        lab.conversions.append(lab.table("seg_offline_conversions"))
        if number == 0:
            churners = lab.members[0][lab.members[0]["audience"] == "churn_retention_email"]
            lab.withdrawn = set(churners["customer_id"].sort_values().head(WITHDRAWN))
            lab.email_consent(lab.withdrawn, False)
    yield lab


def test_every_declared_audience_has_members_in_every_run(lab):
    declared = set(audiences(lab.project))
    for members in lab.members:
        assert set(members["audience"]) == declared
        assert members.groupby("audience").size().min() >= 20


def test_keys_are_unique_and_stable_across_runs(lab):
    for members in lab.members:
        assert members["member_key"].is_unique
        expected = members["audience"] + ":" + members["customer_id"].astype(str)
        assert (members["member_key"] == expected).all()
        assert (members["crm_id"] == members["customer_id"].astype(str)).all()
    first, second = (m.set_index(["audience", "customer_id"]) for m in lab.members[:2])
    both = first.index.intersection(second.index)
    assert len(both) > 100
    assert (first.loc[both, "member_key"] == second.loc[both, "member_key"]).all()
    # nobody's key moves with their score
    moved = first.loc[both, "score"] != second.loc[both, "score"]
    assert moved.any()


def test_the_holdout_is_the_declared_hash_stable_and_has_the_declared_share(lab):
    declared = audiences(lab.project)
    for members in lab.members:
        for audience, rows in members.groupby("audience"):
            salt = declared[audience]["holdout"].get("salt", audience)
            expected = [
                holdout_draw(salt, c) < rows["holdout_share"].iloc[0] for c in rows["customer_id"]
            ]
            assert rows["is_holdout"].tolist() == expected, audience
    first, second = (m.set_index(["audience", "customer_id"]) for m in lab.members[:2])
    both = first.index.intersection(second.index)
    assert (first.loc[both, "is_holdout"] == second.loc[both, "is_holdout"]).all()
    # the share: over every customer the draw could place, within 4 standard errors
    customers = lab.table("stg_raw__customers")["customer_id"]
    for audience, spec in declared.items():
        share = spec["holdout"]["share"]
        drawn = sum(holdout_draw(audience, c) < share for c in customers) / len(customers)
        assert abs(drawn - share) < 4 * math.sqrt(share * (1 - share) / len(customers)), audience
        observed = pd.concat(lab.members)
        observed = observed[observed["audience"] == audience].drop_duplicates("customer_id")
        sd = math.sqrt(share * (1 - share) / len(observed))
        assert abs(observed["is_holdout"].mean() - share) < 4 * sd, audience


def test_the_sync_view_holds_no_holdout_and_nobody_without_consent(lab):
    consent_column = {"email": "email_consent", "sms": "sms_consent", "ads": "ads_consent"}
    customers = Warehouse(lab.target).read("raw", "customers").set_index("customer_id")
    for number, (members, synced) in enumerate(zip(lab.members, lab.synced, strict=True)):
        synced_keys = set(synced["member_key"])
        held = set(members.loc[members["is_holdout"], "member_key"])
        assert not synced_keys & held
        # every synced row has the consent its audience needs, in the raw table as it is now
        # (the withdrawn customers still consented when run 1 was synced)
        columns = ["member_key", "customer_id", "consent_channel"]
        merged = synced.merge(members[columns], on="member_key")
        assert len(merged) == len(synced)
        for _, row in merged.iterrows():
            consents = customers.at[row["customer_id"], consent_column[row["consent_channel"]]]
            assert consents or (number == 0 and row["customer_id"] in lab.withdrawn)
    # the withdrawn customers are members no more, and were never synced after withdrawing
    email_audience = lab.members[1][lab.members[1]["audience"] == "churn_retention_email"]
    assert not set(email_audience["customer_id"]) & lab.withdrawn
    # a withdrawal after the build is honoured by the view at once, without a rebuild
    member = lab.synced[-1][lab.synced[-1]["audience"] == "churn_retention_email"].iloc[0]
    lab.email_consent({int(member["crm_id"])}, False)
    try:
        live = lab.table("seg_audience_sync")
        assert member["member_key"] not in set(live["member_key"])
    finally:
        lab.email_consent({int(member["crm_id"])}, True)


def test_identifiers_are_normalised_and_hashed_as_hashlib_does(lab):
    raw = Warehouse(lab.target).read("raw", "customers").set_index("customer_id")
    members = lab.members[-1]
    checked_phones = 0
    for _, row in members.iterrows():
        email = raw.at[row["customer_id"], "email"].strip().lower()
        assert row["email"] == email
        assert row["email_sha256"] == sha256(email)
        typed = raw.at[row["customer_id"], "phone"]
        expected = None
        if isinstance(typed, str):
            number = phonenumbers.parse(typed, "FR")
            if phonenumbers.is_possible_number(number):
                expected = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        found = row["phone_e164"] if isinstance(row["phone_e164"], str) else None
        assert found == expected, typed
        assert (row["phone_sha256"] if found else None) == sha256(expected)
        checked_phones += expected is not None
    assert checked_phones > 100


def spells_at(lab: Lab, when: str) -> set[tuple[str, int, bool]]:
    spells = lab.table("seg_membership_spells")
    at = pd.Timestamp(when)
    valid = (spells["valid_from"] <= at) & (spells["valid_to"].isna() | (spells["valid_to"] > at))
    rows = spells[valid]
    return set(zip(rows["audience"], rows["customer_id"], rows["is_holdout"], strict=True))


def as_set(members: pd.DataFrame) -> set[tuple[str, int, bool]]:
    return set(zip(members["audience"], members["customer_id"], members["is_holdout"], strict=True))


def test_the_history_answers_who_was_in_an_audience_on_a_date(lab):
    assert spells_at(lab, "2025-05-31") == set()
    assert spells_at(lab, "2025-06-15") == as_set(lab.members[0])
    assert spells_at(lab, "2025-07-01") == as_set(lab.members[1])
    assert spells_at(lab, "2025-12-31") == as_set(lab.members[2])
    members = lab.members[-1]
    entered = members["entered_at"].dt.strftime("%Y-%m-%d")
    # entered_at is the start of the current stay; updated_at the last change
    first = as_set(lab.members[0])
    second = as_set(lab.members[1])
    for (_, row), day in zip(members.iterrows(), entered, strict=True):
        key = (row["audience"], row["customer_id"], row["is_holdout"])
        if key in first and key in second:
            assert day == "2025-06-01"
        assert row["updated_at"] >= row["entered_at"]


def test_the_history_is_only_appended(lab):
    history = lab.table("seg_membership_history")
    assert set(history["run_at"].dt.strftime("%Y-%m-%d")) == set(RUNS)
    before = history.sort_values(["run_at", "audience", "customer_id"]).reset_index(drop=True)
    lab.segments(RUNS[-1])  # the same run again adds nothing
    again = lab.table("seg_membership_history").sort_values(["run_at", "audience", "customer_id"])
    pd.testing.assert_frame_equal(before, again.reset_index(drop=True))
    with pytest.raises(ScorehouseError, match="later than this run"):
        lab.segments("2025-07-15")


def synced_ids(members: pd.DataFrame, audience: str) -> set[int]:
    return set(members[(members["audience"] == audience) & ~members["is_holdout"]]["customer_id"])


def test_the_export_log_counts_added_removed_and_kept(lab):
    log = lab.table("seg_export_log")
    for number, at in enumerate(RUNS):
        now = lab.members[number]
        before = lab.members[number - 1] if number else now.iloc[0:0]
        for audience in audiences(lab.project):
            after = set(now[(now["audience"] == audience) & ~now["is_holdout"]]["customer_id"])
            prior = set(
                before[(before["audience"] == audience) & ~before["is_holdout"]]["customer_id"]
            )
            row = log[(log["audience"] == audience) & (log["run_at"] == pd.Timestamp(at))]
            assert len(row) == 1, (audience, at)
            row = row.iloc[0]
            assert (row["added"], row["removed"], row["kept"]) == (
                len(after - prior),
                len(prior - after),
                len(after & prior),
            ), (audience, at)
            assert row["synced"] == len(after)


def test_offline_conversions_are_appended_once_with_hashed_ids(lab):
    orders = Warehouse(lab.target).read("raw", "orders")
    customers = Warehouse(lab.target).read("raw", "customers").set_index("customer_id")
    for conversions, at in zip(lab.conversions, RUNS, strict=True):
        assert conversions["event_id"].is_unique
        placed = orders[orders["ordered_at"] <= pd.Timestamp(at)]
        consenting = placed[placed["customer_id"].map(customers["ads_consent"])]
        # consent is read when the row is added; later withdrawals do not erase an upload
        assert len(conversions) >= len(consenting) - 50
        assert set(conversions["event_id"]) <= {f"order-{o}" for o in placed["order_id"]}
    first, last = lab.conversions[0], lab.conversions[-1]
    kept = last.set_index("event_id").loc[first["event_id"]]
    assert (kept["loaded_at"] == pd.Timestamp(RUNS[0])).all()
    assert str(last["event_time"].dt.tz) in {"UTC", "Etc/UTC"}  # the name depends on the OS
    by_order = orders.set_index("order_id")
    sample = last.head(200)
    for _, row in sample.iterrows():
        order = by_order.loc[int(row["event_id"].removeprefix("order-"))]
        assert row["event_time"].tz_convert(None) == order["ordered_at"]
        assert row["value"] == order["amount"]
        assert row["email_sha256"] == sha256(
            customers.at[order["customer_id"], "email"].strip().lower()
        )
        assert row["currency"] == "EUR"


def test_the_uplift_tables_read_the_holdout_as_the_control_group(lab):
    run_dbt(
        lab.target,
        "build",
        "--select",
        "uplift_assignments",
        "uplift_campaigns",
        "uplift_campaign_design",
        "uplift_campaign_arms",
        quiet=True,
    )
    assignments = lab.table("uplift_assignments")
    declared = audiences(lab.project)
    history = lab.table("seg_membership_history")
    for audience, spec in declared.items():
        window = pd.Timedelta(days=spec.get("attribution_days", 30))
        entries = history[(history["audience"] == audience) & (history["change"] == "added")]
        first = entries.sort_values("run_at").drop_duplicates("customer_id")
        matured = first[first["run_at"] + window <= pd.Timestamp(RUNS[-1])]
        rows = assignments[assignments["campaign_id"] == spec["campaign_id"]]
        assert len(matured) > 0, audience
        control = set(rows.loc[rows["treatment_group"] == "control", "customer_id"])
        assert control == set(matured.loc[matured["is_holdout"], "customer_id"]), audience
        treated = set(rows.loc[rows["treatment_group"] == "treatment", "customer_id"])
        assert treated == set(matured.loc[~matured["is_holdout"], "customer_id"]), audience
    arms = lab.table("uplift_campaign_arms")
    design = lab.table("uplift_campaign_design").set_index("campaign_id")
    for spec in declared.values():
        cid = spec["campaign_id"]
        assert design.at[cid, "treatment_share"] == pytest.approx(1 - spec["holdout"]["share"])
        counts = arms[arms["campaign_id"] == cid].set_index("treatment_group")["customers"]
        rows = assignments[assignments["campaign_id"] == cid]
        assert counts.to_dict() == rows["treatment_group"].value_counts().to_dict()
    # conversions: an order within the attribution window after entering
    orders = Warehouse(lab.target).read("raw", "orders")
    spec = declared["churn_retention_email"]
    rows = assignments[assignments["campaign_id"] == spec["campaign_id"]]
    for _, row in rows.head(300).iterrows():
        theirs = orders[
            (orders["customer_id"] == row["customer_id"])
            & (orders["ordered_at"] > row["assigned_at"])
            & (orders["ordered_at"] <= row["assigned_at"] + pd.Timedelta(days=30))
        ]
        assert bool(row["is_converted"]) == (len(theirs) > 0)
        assert row["revenue"] == pytest.approx(theirs["amount"].sum(), abs=1e-9)


def test_export_writes_the_sync_view_to_csv_and_parquet(lab, tmp_path):
    synced = lab.table("seg_audience_sync")
    expected = synced[synced["audience"] == "high_risk_sms"].sort_values("member_key")
    args = ["--project-dir", str(lab.project.root), "export", "high_risk_sms"]
    for fmt, read in (("csv", pyarrow.csv.read_csv), ("parquet", pyarrow.parquet.read_table)):
        path = tmp_path / f"out.{fmt}"
        result = CliRunner().invoke(cli, [*args, "--format", fmt, "--output", str(path)])
        assert result.exit_code == 0, result.output
        assert f"{len(expected):,} rows" in result.output
        written = read(path).to_pandas()
        assert written["member_key"].tolist() == expected["member_key"].tolist()
        assert written["email_sha256"].tolist() == expected["email_sha256"].tolist()
        assert list(written.columns) == list(synced.columns)
    result = CliRunner().invoke(cli, [*args[:-1], "no_such_audience"])
    assert result.exit_code != 0
    assert "no audience 'no_such_audience' is declared" in result.output


def test_a_crash_while_exporting_leaves_no_partial_file(lab, tmp_path, monkeypatch):
    path = tmp_path / "audience.csv"
    path.write_text("the previous export\n")

    def crash(table, handle):
        handle.write(b"member_key,audience\nhalf a row")
        raise KeyboardInterrupt  # Ctrl-C, or any failure, mid-write

    monkeypatch.setattr(pyarrow.csv, "write_csv", crash)
    with pytest.raises(KeyboardInterrupt):
        export_audience(lab.project, lab.target, "high_risk_sms", "csv", path)
    assert path.read_text() == "the previous export\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["audience.csv"]
    fresh = tmp_path / "new.csv"
    with pytest.raises(KeyboardInterrupt):
        export_audience(lab.project, lab.target, "high_risk_sms", "csv", fresh)
    assert not fresh.exists()
    assert export_module.FORMATS == ("csv", "parquet")


def test_a_wrong_declaration_stops_the_build_naming_file_audience_and_key(lab):
    path = lab.project.root / "models/segments/audiences.yml"
    original = path.read_text()
    document = yaml.safe_load(original)
    del document["exposures"][0]["meta"]["scorehouse_audience"]["holdout"]
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    try:
        with pytest.raises(ScorehouseError) as error:
            run_dbt(lab.target, "run", "--select", "seg_audience_candidates", quiet=True)
        message = str(error.value)
        assert "models/segments/audiences.yml" in message
        assert "audience churn_retention_email: holdout.share is needed" in message
    finally:
        path.write_text(original)


def test_every_syncable_model_has_an_enforced_contract_and_an_exposure(lab):
    import json

    manifest = json.loads((lab.project.root / "target" / "manifest.json").read_text())
    syncable = {"seg_audience_sync", "seg_offline_conversions"}
    nodes = {n["name"]: n for n in manifest["nodes"].values() if n["resource_type"] == "model"}
    for name in syncable | {"seg_audience_members"}:
        assert nodes[name]["config"]["contract"]["enforced"], name
        assert all(c.get("data_type") for c in nodes[name]["columns"].values()), name
    exposed = {
        dependency.rsplit(".", 1)[-1]
        for exposure in manifest["exposures"].values()
        for dependency in exposure["depends_on"]["nodes"]
    }
    assert syncable <= exposed
    audience_exposures = {
        e["name"] for e in manifest["exposures"].values() if "scorehouse_audience" in e["meta"]
    }
    assert audience_exposures == set(audiences(lab.project))


def test_scores_that_vanish_under_an_audience_with_members_stop_the_build(lab):
    schema = lab.target.schema
    lab.execute(f"alter table {schema}.purchase_scores rename to purchase_scores_away")
    try:
        with pytest.raises(ScorehouseError, match="although the audience has members"):
            lab.segments(RUNS[-1])
    finally:
        lab.execute(f"alter table {schema}.purchase_scores_away rename to purchase_scores")
