"""URLs that may carry a secret (webhooks): telling them from channel names, and showing
where they point without the secret. Used wherever such a URL is printed or stored."""

from __future__ import annotations

import urllib.parse

# Schemes that mark an alert_channel as a URL even without "//" (urllib opens them)
URL_SCHEMES = frozenset({"http", "https", "file", "ftp", "data"})
HIDDEN = "…"


def is_url(value: str | None) -> bool:
    """Whether ``value`` (an ``alert_channel``) is meant as a URL rather than a channel name:
    it has a scheme followed by ``//`` (``https://...``, ``gopher://...``), or a scheme urllib
    would open (``file:/...``, ``data:...``). ``#ml-alerts`` is a channel name."""
    text = (value or "").strip()
    scheme = urllib.parse.urlsplit(text).scheme
    if not scheme:
        return False
    return text[len(scheme) + 1 :].startswith("//") or scheme.lower() in URL_SCHEMES


def redact(url: str) -> str:
    """``https://hooks.slack.com/…``: where a URL points (scheme, host and port), without
    its user info, path, query or fragment."""
    try:
        parts = urllib.parse.urlsplit(str(url).strip())
    except ValueError:
        return HIDDEN
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:
        port = None
    if port is not None:
        host += f":{port}"
    scheme = parts.scheme.lower()
    if not scheme:
        return HIDDEN
    return f"{scheme}://{host}/{HIDDEN}"


def shown(channel: str | None) -> str | None:
    """An alert channel as it may be stored or printed: a URL redacted, a name as it is."""
    return redact(channel) if channel and is_url(channel) else channel
