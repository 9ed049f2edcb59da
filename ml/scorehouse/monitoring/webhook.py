"""Posting an alert to a Slack-compatible incoming webhook, with bounded retries.

The message is ``{"text": ..., "blocks": [...], "delivery_id": ...}``: Slack shows the
blocks, and ``text`` is the fallback other chat tools (and notifications) use. A post that
times out, cannot connect, or gets a 5xx, 408 or 429 answer is retried up to ``attempts``
times in all, waiting ``backoff``, ``2 * backoff``, ... seconds between tries. Any other 4xx
is not retried: the URL or the message is wrong, and trying again will not fix it.

**Only http and https.** A webhook URL, whether from ``--webhook``, a spec's
``alert_channel`` or ``$SCOREHOUSE_WEBHOOK_URL``, must be an ``http`` or ``https`` URL with a
host; anything else (``file:``, ``ftp:``, ``data:``...) is refused with an error naming its
scheme and where it came from. An ``alert_channel`` without a scheme (``#ml-alerts``) is a
channel name, not a URL. Redirects are not followed: urllib would turn the POST into a
body-less GET (a "delivery" nobody received) or follow it to another scheme or host, so a
3xx answer is a failed delivery, not retried.

**Delivery id.** Every attempt to post one alert carries the same id, the alert's
``alert_id``: in the ``X-Scorehouse-Delivery`` header and as ``delivery_id`` in the JSON.
It stays the same on a later run that posts the alert again (after a failure, or when its
outcome could not be recorded). A post that timed out may still have arrived, so a
receiver that keeps the ids it has seen can drop the duplicates.

**Bounded time.** One attempt (connect, send, and the whole answer) gets ``timeout``
seconds; past that its socket is shut and the attempt counts as timed out, even when the
receiver keeps trickling bytes. One alert therefore costs at most ``attempts * timeout``
plus the backoff waits, and the alerts after it still get their turn.

**Secrets.** Webhook URLs carry their secret in the path or query, sometimes in user info
(``https://user:token@host/...``, sent as HTTP Basic authorisation, never in the request
line). Only a URL's scheme, host and port are ever printed or stored (:func:`redact`), and
error messages, urllib's and the receiver's, are scrubbed of every other part of the URL
before they are shown or written to ``ml_alerts`` (:func:`scrub`).
"""

from __future__ import annotations

import base64
import contextlib
import http.client
import json
import os
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from scorehouse.errors import ScorehouseError
from scorehouse.urls import HIDDEN, is_url, redact

ENV_VAR = "SCOREHOUSE_WEBHOOK_URL"
SCHEMES = ("http", "https")
DELIVERY_HEADER = "X-Scorehouse-Delivery"
DELIVERY_FIELD = "delivery_id"
RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
MAX_ERROR_LENGTH = 300


@dataclass(frozen=True)
class WebhookSettings:
    timeout: float = 5.0
    attempts: int = 3
    backoff: float = 1.0


DEFAULT_SETTINGS = WebhookSettings()


@dataclass(frozen=True)
class Delivery:
    ok: bool
    attempts: int
    error: str | None = None


def check_url(url: str, source: str = "webhook URL") -> str:
    """``url`` when it may be posted to: http or https, with a host and a valid port.
    Otherwise a :class:`ScorehouseError` naming ``source`` (where the URL came from), the
    scheme and the URL redacted."""
    try:
        parts = urllib.parse.urlsplit(url.strip())
        parts.port  # noqa: B018 (raises ValueError for a port that is not a number)
    except ValueError:  # its message may quote a piece of the URL: not shown
        raise ScorehouseError(f"{source} {redact(url)} is not a valid URL") from None
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        what = f"scheme {scheme!r}" if scheme else "no scheme"
        raise ScorehouseError(
            f"{source} {redact(url)} has {what}: only http and https URLs are posted to"
        )
    if not parts.hostname:
        raise ScorehouseError(f"{source} {redact(url)} names no host")
    return url.strip()


def webhook_url(
    explicit: str | None, alert_channel: str | None, model: str | None = None
) -> str | None:
    """The URL to post a model's alerts to: ``--webhook`` first, then the model's
    ``alert_channel`` when it is a URL, then the ``SCOREHOUSE_WEBHOOK_URL`` environment
    variable; ``None`` when there is none. The one chosen must be an http(s) URL: any other
    is refused (:func:`check_url`), with an error saying where it came from."""
    channel_source = f"alert_channel of model {model!r}" if model else "alert_channel"
    for candidate, source in (
        (explicit, "--webhook"),
        (alert_channel if is_url(alert_channel) else None, channel_source),
        (os.environ.get(ENV_VAR), f"${ENV_VAR}"),
    ):
        if candidate and candidate.strip():
            return check_url(candidate, source)
    return None


def _secrets(url: str) -> list[str]:
    """The parts of ``url`` that may carry a secret, raw and percent-decoded, longest first:
    the user info, password, path, query and fragment, their longer pieces (path segments,
    query values, a user name of three characters or more) and the host with its user info.
    Pieces shorter than that are left alone: replacing them would garble messages."""
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:
        return []
    userinfo = parts.netloc.rpartition("@")[0]
    found = {userinfo, parts.password or "", parts.path, parts.query, parts.fragment}
    if userinfo:
        found.add(parts.netloc)
    if parts.username and len(parts.username) >= 3:
        found.add(parts.username)
    found |= {segment for segment in parts.path.split("/") if len(segment) >= 4}
    found |= {
        value
        for _, value in urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
        if len(value) >= 4
    }
    found |= {urllib.parse.unquote(s) for s in found}
    return sorted((s for s in found if s and s != "/"), key=len, reverse=True)


def scrub(text: str, url: str) -> str:
    """``text`` (an error message) without any part of ``url`` but its scheme, host and port:
    the URL itself, with or without its user info, becomes :func:`redact`'s form; its user
    info, path, query and fragment (and their longer pieces) become ``…``."""
    try:
        forms = {url, url.strip(), _without_credentials(url)[0]}
    except ValueError:
        forms = {url, url.strip()}
    for whole in sorted(forms, key=len, reverse=True):
        text = text.replace(whole, redact(url))
    for secret in _secrets(url.strip()):
        text = text.replace(secret, HIDDEN)
    return text


def _without_credentials(url: str) -> tuple[str, str | None]:
    """``url`` without its user info, and the ``Authorization`` header value it stood for."""
    parts = urllib.parse.urlsplit(url.strip())
    if "@" not in parts.netloc:
        return url.strip(), None
    userinfo, _, hostport = parts.netloc.rpartition("@")
    user, _, password = userinfo.partition(":")
    pair = f"{urllib.parse.unquote(user)}:{urllib.parse.unquote(password)}"
    header = "Basic " + base64.b64encode(pair.encode()).decode("ascii")
    return urllib.parse.urlunsplit(parts._replace(netloc=hostport)), header


def _recording(base: type[http.client.HTTPConnection], made: list) -> Callable[..., Any]:
    def connection(host: str, **kwargs: Any) -> http.client.HTTPConnection:
        made.append(conn := base(host, **kwargs))
        return conn

    return connection


class _HTTPHandler(urllib.request.HTTPHandler):
    """urllib's http handler, keeping the connections it makes so they can be shut."""

    def __init__(self, made: list) -> None:
        super().__init__()
        self.made = made

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(_recording(http.client.HTTPConnection, self.made), req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    """urllib's https handler (default certificate checks), keeping its connections."""

    def __init__(self, made: list) -> None:
        super().__init__()
        self.made = made

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(_recording(http.client.HTTPSConnection, self.made), req)


def _opener(made: list) -> urllib.request.OpenerDirector:
    """An opener for http and https only, following no redirect: a 3xx raises HTTPError."""
    opener = urllib.request.OpenerDirector()
    for handler in (
        urllib.request.ProxyHandler(),  # the environment's proxies, as urlopen uses them
        urllib.request.UnknownHandler(),  # any other scheme: URLError, never opened
        _HTTPHandler(made),
        _HTTPSHandler(made),
        urllib.request.HTTPDefaultErrorHandler(),
        urllib.request.HTTPErrorProcessor(),
    ):
        opener.add_handler(handler)
    return opener


def _shut(connections: list) -> None:
    for connection in connections:
        sock = getattr(connection, "sock", None)
        if sock is not None:
            with contextlib.suppress(OSError):  # already closed
                sock.shutdown(socket.SHUT_RDWR)


def _post_once(request: urllib.request.Request, timeout: float) -> None:
    """Send ``request`` and read its whole answer within ``timeout`` seconds in all.

    The exchange runs in a helper thread; when the time is up its socket is shut, which ends
    the thread's blocked read, and :class:`TimeoutError` is raised here. Raises what urllib
    raises for a failed exchange."""
    made: list = []
    outcome: list[BaseException | None] = []

    def exchange() -> None:
        try:
            with _opener(made).open(request, timeout=timeout) as response:
                response.read()
        except BaseException as error:  # handed to the calling thread
            outcome.append(error)
        else:
            outcome.append(None)

    worker = threading.Thread(target=exchange, name="scorehouse-webhook", daemon=True)
    worker.start()
    worker.join(timeout)
    if not outcome:
        _shut(made)
        raise TimeoutError(f"timed out: no complete answer within {timeout:g} s")
    if outcome[0] is not None:
        raise outcome[0]


def _http_error(failure: urllib.error.HTTPError, url: str) -> str:
    error = f"HTTP {failure.code} {failure.reason}"
    if 300 <= failure.code < 400:
        location = failure.headers.get("Location") if failure.headers else None
        to = f" to {redact(urllib.parse.urljoin(url, location))}" if location else ""
        error += f": redirect{to} not followed"
    return error


def post_json(
    url: str,
    payload: dict[str, Any],
    settings: WebhookSettings = DEFAULT_SETTINGS,
    sleep: Callable[[float], None] = time.sleep,
    *,
    delivery_id: str | None = None,
) -> Delivery:
    """POST ``payload`` as JSON to an http(s) ``url``; retry what may pass on a later try.

    Every attempt carries ``delivery_id`` (by default the payload's ``delivery_id``) in the
    ``X-Scorehouse-Delivery`` header. A URL of another scheme raises
    :class:`ScorehouseError`; the error of a failed delivery never shows the URL's secrets."""
    check_url(url)
    target, authorization = _without_credentials(url)
    delivery_id = delivery_id or payload.get(DELIVERY_FIELD)
    headers = {"Content-Type": "application/json", "User-Agent": "scorehouse-monitor"}
    if delivery_id:
        headers[DELIVERY_HEADER] = str(delivery_id)
    if authorization:
        headers["Authorization"] = authorization
    body = json.dumps(payload, default=str).encode()
    error = "not attempted"
    attempts = max(1, settings.attempts)
    for attempt in range(1, attempts + 1):
        try:
            request = urllib.request.Request(target, data=body, method="POST", headers=headers)
            _post_once(request, settings.timeout)
            return Delivery(True, attempt)
        except urllib.error.HTTPError as failure:
            error = _http_error(failure, target)
            failure.close()
            if failure.code not in RETRY_STATUSES:
                return Delivery(False, attempt, scrub(error, url)[:MAX_ERROR_LENGTH])
        except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as failure:
            reason = getattr(failure, "reason", failure)
            error = f"{type(reason).__name__}: {reason}" if str(reason) else type(reason).__name__
        if attempt < attempts:
            sleep(settings.backoff * 2 ** (attempt - 1))
    error = scrub(f"{error} (after {attempts} attempts)", url)
    return Delivery(False, attempts, error[:MAX_ERROR_LENGTH])
