"""The sign-in session: a signed, HttpOnly cookie holding the sha256 of the member's token.

The signing key is the same for every worker of one library (an environment variable or a key
file created once); the member is looked up again on every request, so revoking the token ends
the session at once.
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

from . import auth, store as store_module

SESSION_COOKIE = "procex_session"
SESSION_SECONDS = 12 * 3600

_secret_lock = threading.Lock()
_secret_cache = {}


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
        path = Path(db[len("sqlite:///"):] + ".session-key")
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


def caller(request):
    """The signed-in member (session cookie, else an Authorization header as the API reads it)."""
    store, settings = request.app.state.store, request.app.state.settings
    header = request.headers.get("authorization")
    if header:
        return auth.caller(store, header)  # raises ApiError 401 for a bad token, as the API does
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        return None
    payload = unsign(session_secret(settings), cookie)
    if not payload or not isinstance(payload.get("h"), str):
        return None
    return store.member_for_token_hash(payload["h"])


def session_cookie(secret, token):
    """The cookie value of a new session for the member holding ``token``."""
    return sign(secret, {"h": store_module.hash_token(token), "t": int(time.time())})
