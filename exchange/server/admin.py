"""What `procex admin` and `procex serve` do: members, agreements, tokens, schema, integrity, serving.

Each function opens the library database named by ``db`` (a SQLite file path or a
postgresql:// URL), does one thing and returns plain data for cli.py to print. ``seed`` sets up
members and tokens in one call, for tests and the demo.
"""

import os

from procex.exchange.library.licenses import check_license
from procex.exchange.server.settings import Settings
from procex.exchange.server.storage.store import Store


def _store(db):
    return Store(db)


def member_add(db, slug, name, ags, contact=None):
    store = _store(db)
    try:
        return store.add_member(slug, name, ags, contact)
    finally:
        store.close()


def member_agree(db, slug, license):
    """Record the sharing agreement under ``license``, one of exchange.licenses.LICENSES (any case;
    stored in its canonical spelling). Any other id is refused before the database is opened."""
    license = check_license(license, "--license")
    store = _store(db)
    try:
        return store.agree(slug, license)
    finally:
        store.close()


def member_list(db):
    store = _store(db)
    try:
        return store.list_members()
    finally:
        store.close()


def token_create(db, slug, label=None):
    """Returns (token, record); the token is shown once and only its hash is stored."""
    store = _store(db)
    try:
        return store.create_token(slug, label)
    finally:
        store.close()


def token_list(db, slug=None):
    store = _store(db)
    try:
        return store.list_tokens(slug)
    finally:
        store.close()


def token_revoke(db, id_or_prefix):
    store = _store(db)
    try:
        return store.revoke_token(id_or_prefix)
    finally:
        store.close()


def upgrade(db):
    """Upgrade the database schema; returns (from_version, to_version)."""
    from procex.exchange.server.storage import migrations
    from procex.exchange.server.storage.store import database_errors, make_engine

    engine = make_engine(db)
    try:
        with database_errors(engine):
            return migrations.upgrade(engine)
    finally:
        engine.dispose()


def check(db):
    """Every integrity problem of the library (models missing or not matching their sha256)."""
    store = _store(db)
    try:
        return {
            "problems": store.integrity_problems(),
            "counts": store.counts(),
            "schema_version": store.schema_version(),
        }
    finally:
        store.close()


def seed(db, members):
    """Add members (dicts: slug, name, ags, contact?, license? = agreed) and one token each.

    Returns {slug: token}. Members that exist already get a new token.
    """
    licenses = {m["slug"]: check_license(m["license"], f"member {m['slug']}") for m in members if m.get("license")}
    store = _store(db)
    tokens = {}
    try:
        known = {member["slug"] for member in store.list_members()}
        for member in members:
            if member["slug"] not in known:
                store.add_member(member["slug"], member["name"], member["ags"], member.get("contact"))
            if member.get("license"):
                store.agree(member["slug"], licenses[member["slug"]])
            tokens[member["slug"]], _ = store.create_token(member["slug"], member.get("label", "seed"))
    finally:
        store.close()
    return tokens


GRACEFUL_SHUTDOWN_S = 30


def event_loop_and_parser():
    """uvicorn's event loop and HTTP parser: uvloop and httptools (both in C) when installed,
    else asyncio and h11 (pure Python). At 1,000,000 processes on PostgreSQL they cut the server's
    own CPU per search by about 15 % (4.0 -> 3.3 ms); a platform without them (uvloop has no
    Windows build) still serves."""
    import importlib.util

    loop = "uvloop" if importlib.util.find_spec("uvloop") else "asyncio"
    http = "httptools" if importlib.util.find_spec("httptools") else "h11"
    return loop, http


def serve(
    db,
    host="127.0.0.1",
    port=8080,
    policy="reciprocal",
    max_upload_mib=32,
    workers=1,
    log_level="info",
    operator_contact="",
    compare_slots=1,
    compare_wait=10.0,
):
    """Upgrade the schema once, then run uvicorn with ``workers`` processes sharing the database."""
    import uvicorn

    from procex.exchange.server.storage.store import database_url

    settings = Settings(
        db=database_url(db),
        policy=policy,
        max_upload_bytes=int(max_upload_mib * 1024 * 1024),
        operator_contact=operator_contact or "",
        compare_slots=compare_slots,
        compare_wait=compare_wait,
    )
    upgrade(settings.db)
    os.environ.update(settings.to_env())
    loop, http = event_loop_and_parser()
    uvicorn.run(
        "procex.exchange.server.api.app:create_app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers if workers > 1 else None,
        log_level=log_level,
        loop=loop,
        http=http,
        proxy_headers=True,
        server_header=False,
        # On SIGTERM, requests in flight get this long; a client that stopped reading a
        # streamed answer would otherwise keep the server from ever exiting.
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_S,
    )
