"""The sign-in session, and the same-site check of the pages' form posts.

A session is a row in the database (``web_sessions``: the sha256 of a random session id, the
token it was opened with, when) and a signed, HttpOnly cookie holding that id, never the token.
The member is looked up through the row on every request, so signing out (the row is deleted) or
revoking the token ends the session at once, on every worker and host sharing the database. The
signing key is the same for every worker of one library (an environment variable or a key file
created once); the signature only spares the database lookups of forged cookies.

Form posts of the pages must come from the site's own pages (``same_site``): their Origin, or
without one their Referer, names this site. A cross-site form can otherwise sign a visitor in as
someone else (login CSRF) or out.
"""

import base64
import hashlib
import hmac
import json
import os
import secrets
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

from procex.exchange.server import auth

SESSION_COOKIE = "procex_session"
SESSION_SECONDS = 12 * 3600

_secret_lock = threading.Lock()
_secret_cache: dict[str, bytes] = {}


def session_secret(settings):
    """The key that signs session cookies, the same for every worker of one library.

    PROCEX_SESSION_SECRET when set; else a random key kept in a file beside the SQLite database
    (``<db>.session-key``) or, for a PostgreSQL URL, in ``~/.local/state/procex/``; created once
    with mode 0600.
    """
    env = os.environ.get("PROCEX_SESSION_SECRET")
    if env:
        return env.encode("utf-8")
    db = str(settings.db)
    if db.startswith("sqlite:///"):
        path = Path(db[len("sqlite:///") :] + ".session-key")
    elif "://" not in db:
        path = Path(db + ".session-key")
    else:
        state = Path(os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state") / "procex"
        state.mkdir(parents=True, exist_ok=True, mode=0o700)
        path = state / f"session-{hashlib.sha256(db.encode('utf-8')).hexdigest()[:16]}.key"
    path = path.expanduser().resolve()
    with _secret_lock:
        if path in _secret_cache:
            return _secret_cache[path]
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_hex(32))
        for _ in range(50):  # another worker may be writing it right now
            key = path.read_text().strip()
            if len(key) == 64:
                break
            time.sleep(0.02)
        _secret_cache[path] = key.encode("ascii")
        return _secret_cache[path]


def _b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign(secret, payload):
    """``payload`` (JSON) and its HMAC-SHA256 under ``secret``, as ``<base64url>.<base64url>``."""
    body = _b64(json.dumps(payload, separators=(",", ":")).encode("utf-8"))
    mac = _b64(hmac.new(secret, body.encode("ascii"), hashlib.sha256).digest())
    return f"{body}.{mac}"


def unsign(secret, value):
    """The payload of a signed value; None when forged, malformed or older than the session lifetime."""
    try:
        body, mac = value.split(".", 1)
        expected = _b64(hmac.new(secret, body.encode("ascii"), hashlib.sha256).digest())
        if not hmac.compare_digest(mac, expected):
            return None
        payload = json.loads(_unb64(body))
    except (ValueError, TypeError):
        return None
    if not isinstance(payload, dict) or time.time() - payload.get("t", 0) > SESSION_SECONDS:
        return None
    return payload


def session_id(request):
    """The session id the request's cookie holds when its signature holds and it is not too old;
    None otherwise (also for cookies of before the session table, which held a token's sha256)."""
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        return None
    payload = unsign(session_secret(request.app.state.settings), cookie)
    if not payload or not isinstance(payload.get("s"), str) or not 20 <= len(payload["s"]) <= 100:
        return None
    return payload["s"]


def caller(request):
    """The signed-in member (session cookie, else an Authorization header as the API reads it)."""
    store = request.app.state.store
    header = request.headers.get("authorization")
    if header:
        return auth.caller(store, header)  # raises ApiError 401 for a bad token, as the API does
    sid = session_id(request)
    return store.member_for_session(sid, SESSION_SECONDS) if sid else None


def session_cookie(secret, sid):
    """The cookie value of the session ``sid`` (from Store.start_session)."""
    return sign(secret, {"s": sid, "t": int(time.time())})


_DEFAULT_PORTS = {"http": 80, "https": 443}


def _origin(url):
    """(scheme, host, port) of an absolute http(s) URL; None for anything else (also "null")."""
    try:
        parts = urlsplit(url.strip())
        scheme, host, port = parts.scheme.lower(), parts.hostname, parts.port
    except ValueError:  # a port that is no number or out of range
        return None
    if scheme not in _DEFAULT_PORTS or not host:
        return None
    return scheme, host.lower(), port or _DEFAULT_PORTS[scheme]


def same_site(request):
    """Whether a form post comes from this site: its Origin header (or, when a browser sent none,
    its Referer) has the request's own scheme, host and port.

    The request's scheme and host are what the app already trusts: the Host header, and the scheme
    uvicorn sets from X-Forwarded-Proto when a trusted proxy sends it (``procex serve`` turns proxy
    headers on; ``FORWARDED_ALLOW_IPS`` names the proxies, 127.0.0.1 and ::1 by default).
    X-Forwarded-Host is read nowhere, so a proxy passes the site's name in Host.

    ``Origin: null`` (a page that hid where it is) and a post with neither header are refused:
    browsers send Origin with every form post, so only old browsers and scripts send neither, and
    an old browser's missing Referer can be the attacking page's doing (``referrerpolicy=
    "no-referrer"``).
    """
    sent = request.headers.get("origin")
    if sent is None:
        sent = request.headers.get("referer")
    if not sent:
        return False
    own = _origin(str(request.url))  # None for a Host header that is no host[:port]
    return own is not None and _origin(sent) == own
