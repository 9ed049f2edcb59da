"""Webhook delivery under the review's reproductions: only http(s) is posted to, alerts
recorded without a webhook are posted once one is set, no secret of a URL is printed or
stored, the warehouse is free while the webhook is called, and every attempt of one alert
carries the same delivery id within a bounded time."""

from __future__ import annotations

import base64
import contextlib
import importlib
import subprocess
import sys
import time
from pathlib import Path

import pytest

from scorehouse.errors import ScorehouseError
from scorehouse.monitoring.monitor import monitor, monitor_with
from scorehouse.monitoring.summary import format_report
from scorehouse.monitoring.webhook import (
    DELIVERY_HEADER,
    WebhookSettings,
    post_json,
    redact,
    webhook_url,
)
from tests.unit import test_monitor_cli, test_monitor_fixtures
from tests.unit.test_monitor_cli import scorehouse, warehouse
from tests.unit.test_monitor_fixtures import Clock, alerts, make_spec, passport
from tests.unit.test_monitor_webhook import Receiver, degraded

FAST = WebhookSettings(timeout=2.0, attempts=3, backoff=0.01)
# the module, not the function scorehouse.monitoring exports under the same name
delivery = importlib.import_module("scorehouse.monitoring.delivery")

fx = test_monitor_fixtures.fx  # the warehouse fixtures, shared
project = test_monitor_cli.project
stubs = test_monitor_cli.stubs


@pytest.fixture(autouse=True)
def no_env_webhook(monkeypatch) -> None:
    monkeypatch.delenv("SCOREHOUSE_WEBHOOK_URL", raising=False)


def run(fx, specs, clock, url: str | None = None):
    return monitor(fx.con, fx.schema, specs, webhook=url, settings=FAST, clock=clock)


def tables(fx) -> set[str]:
    return {r[0] for r in fx.con.fetchall("SELECT table_name FROM information_schema.tables")}


# ---------------------------------------------------------------------------------------
# 1. Only http and https


@pytest.mark.parametrize("url", ["file:///{file}", "ftp://127.0.0.1:9/hook", "data:,hello"])
def test_post_json_refuses_every_other_scheme(tmp_path, url):
    secret = tmp_path / "secret.txt"
    secret.write_text("not for the webhook")
    url = url.format(file=str(secret).lstrip("/"))
    scheme = url.split(":")[0]
    with pytest.raises(ScorehouseError, match=rf"scheme '{scheme}'.*only http and https"):
        post_json(url, {"text": "hello"}, FAST)


def test_a_file_webhook_is_refused_before_anything_is_written(fx, tmp_path):
    spec = degraded(fx)
    target = tmp_path / "hook.json"
    target.write_text("{}")
    with pytest.raises(ScorehouseError, match=r"--webhook file://.*scheme 'file'"):
        monitor(fx.con, fx.schema, {"toy": spec}, webhook=target.as_uri(), clock=Clock())
    assert "ml_alerts" not in tables(fx)
    assert passport(fx)["serving"] == "model"  # no action either
    assert target.read_text() == "{}"


def test_alert_channel_and_environment_urls_are_checked_too(fx, monkeypatch):
    spec = make_spec(on_breach="fallback", alert_channel="file:///etc/hostname")
    fx.add_champion(spec)
    fx.healthy(spec)
    fx.set_auc(spec, model=0.70, rule=0.68)
    with pytest.raises(ScorehouseError, match=r"alert_channel of model 'toy'.*scheme 'file'"):
        monitor(fx.con, fx.schema, {"toy": spec}, clock=Clock())
    monkeypatch.setenv("SCOREHOUSE_WEBHOOK_URL", "ftp://files.example/drop")
    channel = make_spec(on_breach="fallback", alert_channel="#ml-alerts")
    with pytest.raises(ScorehouseError, match=r"SCOREHOUSE_WEBHOOK_URL.*scheme 'ftp'"):
        monitor(fx.con, fx.schema, {"toy": channel}, clock=Clock())
    assert "ml_alerts" not in tables(fx) and passport(fx)["serving"] == "model"

    # A channel name is not a URL: the alert goes to the environment's webhook, naming it.
    with Receiver([]) as server:
        monkeypatch.setenv("SCOREHOUSE_WEBHOOK_URL", server.url)
        monitor(fx.con, fx.schema, {"toy": channel}, settings=FAST, clock=Clock())
    (request,) = server.posts()
    fields = [f["text"] for f in request["json"]["blocks"][2]["fields"]]
    assert "*Channel*\n#ml-alerts" in fields
    assert alerts(fx)[0]["delivery_status"] == "delivered"


def test_which_webhook_refuses_what_is_not_http():
    assert webhook_url(None, "#ml-alerts") is None
    assert webhook_url("HTTPS://hooks.example/x", None) == "HTTPS://hooks.example/x"
    for explicit, channel, where in (
        ("file:///etc/passwd", None, "--webhook"),
        (None, "gopher://old.example/1", "alert_channel"),
        ("http:///no-host", None, "names no host"),
    ):
        with pytest.raises(ScorehouseError, match=where):
            webhook_url(explicit, channel)


def test_the_cli_refuses_a_file_webhook_before_writing(project, stubs, tmp_path):
    url = (tmp_path / "hook.json").as_uri()
    result = scorehouse(project, "monitor", "--webhook", url)
    assert result.exit_code != 0
    assert "scheme 'file'" in result.output and "only http and https" in result.output
    loop = scorehouse(project, "run", "--webhook", url)
    assert loop.exit_code != 0 and "scheme 'file'" in loop.output
    assert stubs.calls == []  # refused before dbt or training ran
    with warehouse(project) as fx:
        assert "ml_alerts" not in tables(fx)


def test_the_loop_checks_the_environment_webhook_before_it_builds(project, stubs, monkeypatch):
    monkeypatch.setenv("SCOREHOUSE_WEBHOOK_URL", "file:///etc/passwd")
    result = scorehouse(project, "run")
    assert result.exit_code != 0 and "scheme 'file'" in result.output
    assert stubs.calls == []


def test_redirects_are_not_followed():
    with Receiver([]) as other:
        for location in (other.url, "ftp://127.0.0.1:9/drop", "file:///etc/passwd"):
            for code in (301, 302, 303, 307, 308):
                with Receiver([(code, "Moved", location)]) as server:
                    delivery = post_json(server.url, {"text": "hello"}, FAST)
                assert (delivery.ok, delivery.attempts) == (False, 1)
                assert f"HTTP {code}" in delivery.error and "not followed" in delivery.error
                assert "secret-token" not in delivery.error
        assert other.requests == []  # neither re-posted nor fetched with GET


# ---------------------------------------------------------------------------------------
# 2. Alerts recorded without a webhook are posted once one is set


def test_an_alert_recorded_without_webhook_is_posted_once_a_webhook_is_set(fx):
    spec = degraded(fx)
    clock = Clock()
    first = monitor(fx.con, fx.schema, {"toy": spec}, clock=clock)
    assert alerts(fx)[0]["delivery_status"] == "not_configured"
    assert "none configured; 1 new alert(s)" in "\n".join(format_report(first))
    waiting = monitor(fx.con, fx.schema, {"toy": spec}, clock=clock)
    assert "1 alert(s) wait for a webhook" in "\n".join(format_report(waiting))
    with Receiver([]) as server:
        monitor(
            fx.con, fx.schema, {"toy": spec}, webhook=server.url, settings=FAST, clock=clock
        )
        monitor(
            fx.con, fx.schema, {"toy": spec}, webhook=server.url, settings=FAST, clock=clock
        )
    (request,) = server.posts()  # once, not again on the run after
    (row,) = alerts(fx)
    assert request["json"]["delivery_id"] == row["alert_id"]
    assert (row["status"], row["delivery_status"], row["delivery_attempts"]) == (
        "open",
        "delivered",
        1,
    )


def test_a_resolved_alert_never_delivered_is_posted_as_resolved(fx):
    spec = degraded(fx)
    clock = Clock()
    monitor(fx.con, fx.schema, {"toy": spec}, clock=clock)
    fx.set_auc(spec, model=0.79, rule=0.68)
    monitor(fx.con, fx.schema, {"toy": spec}, clock=clock)
    assert [(a["status"], a["delivery_status"]) for a in alerts(fx)] == [
        ("resolved", "not_configured")
    ]
    with Receiver([]) as server:
        report = monitor(
            fx.con, fx.schema, {"toy": spec}, webhook=server.url, settings=FAST, clock=clock
        )
    (request,) = server.posts()
    assert "(resolved since: no longer observed)" in request["json"]["text"]
    assert "switched to the rule baseline" in request["json"]["text"]
    (row,) = alerts(fx)
    assert (row["status"], row["delivery_status"]) == ("resolved", "delivered")
    assert not report.needs_human


def test_alerts_of_a_model_this_run_does_not_monitor_wait_for_its_run(fx):
    specs = {name: make_spec(name) for name in ("a", "b")}
    for spec in specs.values():
        fx.add_champion(spec)
        fx.healthy(spec)
        fx.set_auc(spec, model=0.70, rule=0.68)
    clock = Clock()
    monitor(fx.con, fx.schema, specs, clock=clock)
    with Receiver([]) as server:
        only_a = {"a": specs["a"]}
        monitor(fx.con, fx.schema, only_a, webhook=server.url, settings=FAST, clock=clock)
        assert [r["json"]["text"].split(":")[0] for r in server.posts()] == ["[error] a v1"]
        status = {a["model_name"]: a["delivery_status"] for a in alerts(fx)}
        assert status == {"a": "delivered", "b": "not_configured"}
        monitor(fx.con, fx.schema, specs, webhook=server.url, settings=FAST, clock=clock)
    assert [r["json"]["text"].split(":")[0] for r in server.posts()] == [
        "[error] a v1",
        "[error] b v1",
    ]
    assert {a["delivery_status"] for a in alerts(fx)} == {"delivered"}


# ---------------------------------------------------------------------------------------
# 3. No secret of a URL is printed or stored

SECRETS = ("scorer", "s3cr3t")


def credentialed(server: Receiver) -> str:
    host = server.base.removeprefix("http://")
    return f"http://scorer:s3cr3t-pw@{host}/services/T0/B0/s3cr3t-path?token=s3cr3t-q"


def test_a_url_with_credentials_is_redacted_everywhere(fx):
    spec = degraded(fx)
    clock = Clock()
    settings = WebhookSettings(timeout=2.0, attempts=2, backoff=0.01)
    echo = (500, "Failed /services/T0/B0/s3cr3t-path?token=s3cr3t-q")  # a reason echoing it
    with Receiver([], default=echo) as server:
        url = credentialed(server)
        failed = monitor(
            fx.con, fx.schema, {"toy": spec}, webhook=url, settings=settings, clock=clock
        )
    (request, _) = server.posts()
    assert request["path"] == "/services/T0/B0/s3cr3t-path?token=s3cr3t-q"
    assert (
        request["headers"]["Authorization"]
        == "Basic " + base64.b64encode(b"scorer:s3cr3t-pw").decode()
    )
    printed = "\n".join(format_report(failed))
    (row,) = alerts(fx)
    assert "HTTP 500" in row["delivery_error"] and "NOT delivered" in printed
    stored = " ".join(str(v) for v in row.values())
    (delivery,) = failed.deliveries
    for text in (printed, stored, str(delivery), "\n".join(failed.attention())):
        for secret in SECRETS:
            assert secret not in text, (secret, text)
    with Receiver([]) as server:
        url = credentialed(server)
        done = monitor(
            fx.con, fx.schema, {"toy": spec}, webhook=url, settings=settings, clock=clock
        )
    printed = "\n".join(format_report(done))
    assert f"1 alert(s) delivered to {server.base}/…" in printed
    assert not any(secret in printed for secret in SECRETS)


def test_errors_of_urllib_and_refusals_do_not_echo_the_url():
    # http.client rejects a path with a space, quoting the path in its message
    delivery = post_json("http://127.0.0.1:9/services/s3cr3t-path x", {}, FAST)
    assert not delivery.ok and "InvalidURL" in delivery.error
    assert "s3cr3t" not in delivery.error
    with pytest.raises(ScorehouseError) as refused:
        post_json("ftp://scorer:s3cr3t-pw@files.example/s3cr3t-path?k=s3cr3t-q", {}, FAST)
    assert "scheme 'ftp'" in str(refused.value)
    assert not any(secret in str(refused.value) for secret in SECRETS)
    assert redact("https://scorer:s3cr3t@hooks.example:8443/x/s3cr3t?t=s3cr3t#s3cr3t") == (
        "https://hooks.example:8443/…"
    )


def test_the_cli_does_not_print_credentials(project):
    with warehouse(project) as fx:
        fx.set_auc(make_spec(), model=0.70, rule=0.68)
    with Receiver([], default=(503, "Down /services/T0/B0/s3cr3t-path")) as server:
        result = scorehouse(
            project, "monitor", "--webhook", credentialed(server), "--webhook-attempts", "1"
        )
    assert result.exit_code == 1 and "NOT delivered to http://127.0.0.1:" in result.output
    assert not any(secret in result.output for secret in SECRETS), result.output
    refused = scorehouse(project, "monitor", "--webhook", "file://scorer:s3cr3t@host/s3cr3t")
    assert refused.exit_code != 0 and "scheme 'file'" in refused.output
    assert not any(secret in refused.output for secret in SECRETS), refused.output


# ---------------------------------------------------------------------------------------
# 4. The warehouse is not held while the webhook is called

PROBE = """
import sys, duckdb
con = duckdb.connect(sys.argv[1])
con.execute("CREATE OR REPLACE TABLE main.probe AS SELECT 1 AS x")
con.close()
"""


def test_the_duckdb_file_is_free_while_the_webhook_is_called(project: Path):
    with warehouse(project) as fx:
        fx.set_auc(make_spec(), model=0.70, rule=0.68)
    database = project / "warehouse.duckdb"
    probes: list[subprocess.CompletedProcess] = []

    def open_the_file_meanwhile(request: dict) -> int:
        # another process opens the file read-write while the monitor waits for this answer
        probes.append(
            subprocess.run(
                [sys.executable, "-c", PROBE, str(database)],
                capture_output=True,
                text=True,
                timeout=60,
            )
        )
        return 200

    with Receiver([], default=open_the_file_meanwhile) as server:
        result = scorehouse(project, "monitor", "--webhook", server.url, "--webhook-timeout", "60")
    (probe,) = probes
    assert probe.returncode == 0, probe.stderr
    assert "1 alert(s) delivered" in result.output, result.output
    with warehouse(project) as fx:
        (row,) = alerts(fx)
        assert (row["delivery_status"], row["delivery_attempts"]) == ("delivered", 1)
        assert fx.con.fetchall('SELECT x FROM "main"."probe"') == [(1,)]


def test_outcomes_that_cannot_be_recorded_are_reported_and_posted_again(fx, monkeypatch):
    monkeypatch.setattr(delivery, "RECORD_WAITS", (0.0, 0.0))
    spec = degraded(fx)
    clock = Clock()
    opened: list[str] = []

    @contextlib.contextmanager
    def locked_after_first():
        opened.append("open")
        if len(opened) > 1:
            raise ScorehouseError("the DuckDB file warehouse.duckdb is locked by another process")
        yield fx.con

    with Receiver([]) as server:
        report = monitor_with(
            locked_after_first,
            fx.schema,
            {"toy": spec},
            webhook=server.url,
            settings=FAST,
            clock=clock,
        )
        assert len(opened) == 4  # evaluate, then 3 tries to record
        assert report.needs_human
        assert any("could not be recorded" in r and "locked" in r for r in report.attention())
        assert "could not be recorded" in "\n".join(format_report(report))
        (row,) = alerts(fx)
        assert row["delivery_status"] == "pending"  # not lost: posted again next run
        monitor(
            fx.con, fx.schema, {"toy": spec}, webhook=server.url, settings=FAST, clock=clock
        )
    first, again = server.posts()
    assert first["headers"][DELIVERY_HEADER] == again["headers"][DELIVERY_HEADER] == row["alert_id"]
    assert alerts(fx)[0]["delivery_status"] == "delivered"


# ---------------------------------------------------------------------------------------
# 5. One delivery id per alert, and a bounded time per alert


def test_a_hanging_webhook_gets_one_delivery_id_per_alert_and_others_get_their_turn(fx):
    specs = {name: make_spec(name) for name in ("a", "b")}
    for spec in specs.values():
        fx.add_champion(spec)
        fx.healthy(spec)
        fx.set_auc(spec, model=0.70, rule=0.68)
    settings = WebhookSettings(timeout=0.3, attempts=3, backoff=0.05)

    def hang_for_a(request: dict):
        return "hang" if request["json"]["text"].startswith("[error] a ") else 200

    with Receiver([], default=hang_for_a) as server:
        started = time.perf_counter()
        report = monitor(
            fx.con, fx.schema, specs, webhook=server.url, settings=settings, clock=Clock()
        )
        elapsed = time.perf_counter() - started
    rows = {a["model_name"]: a for a in alerts(fx)}
    posts = server.posts()
    to_a = [p for p in posts if p["json"]["text"].startswith("[error] a ")]
    assert len(to_a) == 3
    assert {p["headers"][DELIVERY_HEADER] for p in to_a} == {rows["a"]["alert_id"]}
    assert {p["json"]["delivery_id"] for p in to_a} == {rows["a"]["alert_id"]}
    (to_b,) = [p for p in posts if p not in to_a]
    assert to_b["headers"][DELIVERY_HEADER] == to_b["json"]["delivery_id"] == rows["b"]["alert_id"]
    assert rows["a"]["delivery_status"] == "failed" and "timed out" in rows["a"]["delivery_error"]
    assert rows["b"]["delivery_status"] == "delivered"
    assert [d.ok for _, d, _ in report.deliveries] == [False, True]
    # 3 attempts of 0.3 s and backoff 0.05 + 0.1 s for a, one quick post for b
    assert elapsed < 3 * 0.3 + 0.15 + 1.5, elapsed


def test_an_answer_trickling_in_is_cut_at_the_timeout():
    settings = WebhookSettings(timeout=0.3, attempts=2, backoff=0.01)
    with Receiver([], default="trickle", slow_seconds=4.0) as server:
        started = time.perf_counter()
        delivery = post_json(server.url, {"text": "hello", "delivery_id": "abc"}, settings)
        elapsed = time.perf_counter() - started
    assert not delivery.ok and delivery.attempts == 2 and "timed out" in delivery.error
    assert elapsed < 2 * 0.3 + 0.01 + 1.0, elapsed  # not the 2 x 4 s of the trickle
    assert [p["headers"][DELIVERY_HEADER] for p in server.posts()] == ["abc", "abc"]
