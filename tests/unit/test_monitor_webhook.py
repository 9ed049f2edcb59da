"""Webhook delivery against a real HTTP server on 127.0.0.1: the Slack-compatible JSON, retries
with backoff, timeouts, and an alert that stays recorded and is posted again next run."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from scorehouse.monitoring.monitor import monitor
from scorehouse.monitoring.summary import format_report
from scorehouse.monitoring.webhook import WebhookSettings, post_json, redact, webhook_url
from tests.unit import test_monitor_fixtures
from tests.unit.test_monitor_fixtures import Clock, alerts, make_spec, passport

FAST = WebhookSettings(timeout=2.0, attempts=3, backoff=0.01)

fx = test_monitor_fixtures.fx  # the warehouse fixture, shared


class Receiver:
    """An HTTP server answering each POST with the next scripted reply.

    A reply is a status code; ``(code, reason)``; ``(code, reason, location)`` (a redirect);
    ``"slow"`` (answer 200 after longer than the client waits); ``"hang"`` (never answer,
    until the server stops); ``"trickle"`` (send the answer a byte at a time for
    ``slow_seconds``); or a function of the request (a dict) returning one of these. Each
    request is recorded with its method, path, headers and JSON body; a GET answers 405.
    """

    def __init__(self, replies: list, default: object = 200, slow_seconds: float = 0.6):
        self.replies = list(replies)
        self.default = default
        self.slow_seconds = slow_seconds
        self.requests: list[dict] = []
        self.stopping = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                receiver.requests.append({"method": "GET", "path": self.path, "json": None})
                self._answer(405, "Method Not Allowed", None)

            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                request = {
                    "method": "POST",
                    "path": self.path,
                    "content_type": self.headers["Content-Type"],
                    "headers": dict(self.headers.items()),
                    "json": json.loads(body),
                    "at": time.perf_counter(),
                }
                receiver.requests.append(request)
                reply = receiver.replies.pop(0) if receiver.replies else receiver.default
                if callable(reply):
                    reply = reply(request)
                if reply == "slow":
                    time.sleep(receiver.slow_seconds)
                    reply = 200
                if reply == "hang":
                    receiver.stopping.wait(30)
                    return
                if reply == "trickle":
                    self._trickle()
                    return
                code, reason, location = (
                    (*reply, None, None)[:3] if isinstance(reply, tuple) else (reply, None, None)
                )
                self._answer(int(code), reason, location)

            def _answer(self, code: int, reason: str | None, location: str | None) -> None:
                try:
                    self.send_response(code, reason)
                    if location:
                        self.send_header("Location", location)
                    self.send_header("Content-Length", "2")
                    self.end_headers()
                    self.wfile.write(b"ok")
                except OSError:
                    pass  # the client gave up waiting

            def _trickle(self) -> None:
                answer = b"HTTP/1.1 200 OK\r\nX-Padding: " + b"x" * 10_000
                until = time.perf_counter() + receiver.slow_seconds
                try:
                    for byte in answer:
                        if time.perf_counter() > until or receiver.stopping.is_set():
                            break
                        self.wfile.write(bytes([byte]))
                        time.sleep(0.02)
                except OSError:
                    pass

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def base(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def url(self) -> str:
        return f"{self.base}/services/T000/B000/secret-token"

    def posts(self) -> list[dict]:
        return [r for r in self.requests if r["method"] == "POST"]

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stopping.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(autouse=True)
def no_env_webhook(monkeypatch) -> Iterator[None]:
    monkeypatch.delenv("SCOREHOUSE_WEBHOOK_URL", raising=False)
    yield


def degraded(fx, on_breach: str = "fallback"):
    spec = make_spec(on_breach=on_breach)
    fx.add_champion(spec)
    fx.healthy(spec)
    fx.set_auc(spec, model=0.70, rule=0.68)
    return spec


def test_the_webhook_receives_the_alert(fx):
    spec = degraded(fx)
    with Receiver([]) as server:
        report = monitor(
            fx.con, fx.schema, {"toy": spec}, webhook=server.url, settings=FAST, clock=Clock()
        )
    (request,) = server.requests
    assert request["path"] == "/services/T000/B000/secret-token"
    assert request["content_type"] == "application/json"
    message = request["json"]
    text = message["text"]
    for part in (
        "toy v1",
        "roc_auc below the passport's value minus 0.05",
        "observed 0.7 vs threshold 0.75",
        "switched to the rule baseline",
        "Owner: ae@example.com",
        "Kill switch: head-of-crm@example.com",
        "[error]",
    ):
        assert part in text, part
    assert [b["type"] for b in message["blocks"]] == ["header", "section", "section", "context"]
    fields = {
        f["text"].split("\n")[0]: f["text"].split("\n", 1)[1]
        for f in message["blocks"][2]["fields"]
    }
    assert fields["*Owner*"] == "ae@example.com"
    assert fields["*Kill-switch owner*"] == "head-of-crm@example.com"
    assert fields["*Rule*"] == "`roc_auc below_passport_minus 0.05`"
    assert fields["*Observed vs threshold*"] == "0.7 vs 0.75"
    assert fields["*Channel*"] == "#toys"
    assert "scorehouse enable toy" in message["blocks"][3]["elements"][0]["text"]
    (row,) = alerts(fx)
    assert (row["delivery_status"], row["delivery_attempts"], row["delivery_error"]) == (
        "delivered",
        1,
        None,
    )
    summary = "\n".join(format_report(report))
    assert "1 alert(s) delivered to http://127.0.0.1:" in summary
    assert "secret-token" not in summary


def test_a_failed_post_is_retried_until_it_passes():
    with Receiver([500, 503]) as server:
        delivery = post_json(server.url, {"text": "hello"}, FAST)
    assert (delivery.ok, delivery.attempts) == (True, 3)
    assert [r["json"] for r in server.requests] == [{"text": "hello"}] * 3


def test_a_client_error_is_not_retried():
    with Receiver([404]) as server:
        delivery = post_json(server.url, {"text": "hello"}, FAST)
    assert (delivery.ok, delivery.attempts, delivery.error) == (False, 1, "HTTP 404 Not Found")


def test_backoff_doubles_between_attempts():
    waits: list[float] = []
    with Receiver([], default=500) as server:
        delivery = post_json(
            server.url, {}, WebhookSettings(timeout=1, attempts=4, backoff=0.5), sleep=waits.append
        )
    assert waits == [0.5, 1.0, 2.0]
    assert not delivery.ok and delivery.error == "HTTP 500 Internal Server Error (after 4 attempts)"


@pytest.mark.parametrize("failure", [500, "slow"])
def test_an_undelivered_alert_stays_recorded_and_is_posted_next_run(fx, failure):
    spec = degraded(fx)
    clock = Clock()
    settings = WebhookSettings(timeout=0.2, attempts=2, backoff=0.01)
    with Receiver([], default=failure) as server:
        started = time.perf_counter()
        report = monitor(
            fx.con, fx.schema, {"toy": spec}, webhook=server.url, settings=settings, clock=clock
        )
        elapsed = time.perf_counter() - started
    assert len(server.requests) == 2 and elapsed < 5
    (row,) = alerts(fx)
    assert (row["status"], row["delivery_status"], row["delivery_attempts"]) == (
        "open",
        "failed",
        2,
    )
    expected = "HTTP 500" if failure == 500 else "timed out"
    assert expected in row["delivery_error"] and "after 2 attempts" in row["delivery_error"]
    assert "1 alert(s) could not be delivered to the webhook" in report.attention()
    summary = "\n".join(format_report(report))
    assert "NOT delivered" in summary and "posted again on the next run" in summary
    assert passport(fx)["serving"] == "rule"  # the action does not wait for the webhook

    # Next run, the webhook works again: the same alert is posted, once, and marked delivered.
    with Receiver([]) as server:
        again = monitor(
            fx.con, fx.schema, {"toy": spec}, webhook=server.url, settings=settings, clock=clock
        )
    (request,) = server.requests
    assert "roc_auc below the passport's value minus 0.05" in request["json"]["text"]
    (row,) = alerts(fx)
    assert (row["delivery_status"], row["delivery_attempts"], row["delivery_error"]) == (
        "delivered",
        3,
        None,
    )
    assert not any("could not be delivered" in r for r in again.attention())


def test_which_webhook(monkeypatch):
    monkeypatch.setenv("SCOREHOUSE_WEBHOOK_URL", "https://env.example/hook")
    assert (
        webhook_url("https://flag.example/x", "https://model.example/y") == "https://flag.example/x"
    )
    assert webhook_url(None, "https://model.example/y") == "https://model.example/y"
    assert webhook_url(None, "#crm-models") == "https://env.example/hook"
    monkeypatch.delenv("SCOREHOUSE_WEBHOOK_URL")
    assert webhook_url(None, "#crm-models") is None
    assert redact("https://hooks.slack.com/services/T0/B0/XYZ") == "https://hooks.slack.com/…"
