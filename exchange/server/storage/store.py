"""The library's storage: members, tokens, processes, versions with their models, yanks, adoptions.

SQLAlchemy Core over SQLite (the embedded default: one file, WAL mode) or PostgreSQL (psycopg 3),
where several server processes share one database. A version row and its model blob are written
in one transaction, so a crash at any moment leaves every version with its model. Versions are
immutable: a second publish of the same version is compared with the stored one, never written.
All functions return plain dicts; the HTTP layer (app.py) and `procex admin` (admin.py) share them.
"""

import hashlib
import json
import secrets
import time
from collections import namedtuple
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as postgresql_dialect
from sqlalchemy.dialects import sqlite as sqlite_dialect

from procex.core.errors import ProcexError
from procex.exchange.library import package
from procex.exchange.server.storage import derivations as derivation_index
from procex.exchange.server.storage import migrations, search, search_index, suggest_index
from procex.exchange.server.storage.search import SearchPage, SearchQuery

DEFAULT_DB = "procex-library.sqlite"
INDEX_FORMAT = 2  # bump when the index items change shape: every cached copy is then stale
INDEX_TASKS = 50  # activity labels per process in the index (suggest needs the first few)
INDEX_LABEL_CHARS = 200
TOKEN_PREFIX = "pxl_"

meta = sa.MetaData()
members = sa.Table(
    "members",
    meta,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("slug", sa.String(64), nullable=False, unique=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("ags", sa.String(8), nullable=False),
    sa.Column("contact", sa.String(300)),
    sa.Column("created_at", sa.String(32), nullable=False),
    sa.Column("agreed_at", sa.String(32)),
    sa.Column("agreement_license", sa.String(100)),
)
tokens = sa.Table(
    "tokens",
    meta,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("member_id", sa.Integer, sa.ForeignKey("members.id"), nullable=False),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("prefix", sa.String(16), nullable=False),
    sa.Column("label", sa.String(200)),
    sa.Column("created_at", sa.String(32), nullable=False),
    sa.Column("revoked_at", sa.String(32)),
)
processes = sa.Table(
    "processes",
    meta,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("publisher", sa.String(64), nullable=False),
    sa.Column("slug", sa.String(64), nullable=False),
    sa.Column("name", sa.String(300), nullable=False),
    sa.Column("created_at", sa.String(32), nullable=False),
    sa.Column("latest_version", sa.String(32)),
    sa.Column("latest_version_id", sa.Integer),
    sa.Column("updated_at", sa.String(32)),
    # Search (storage/search_index.py); PostgreSQL adds the tsvector columns vec_a ... vec_all.
    sa.Column("name_sort", sa.String(300)),
    sa.Column("name_key", sa.String(300)),
    sa.Column("region_ags", sa.String(8)),
    sa.Column("land", sa.String(2)),
    sa.Column("fim_status", sa.Integer),
    sa.Column("detaillierungsstufe", sa.Integer),
    sa.Column("adoptions", sa.Integer),
    sa.Column("boost", sa.BigInteger),
    sa.Column("serial", sa.BigInteger),
    sa.Column("terms_a", sa.Text),
    sa.Column("terms_ab", sa.Text),
    sa.Column("terms_abc", sa.Text),
    sa.Column("terms_all", sa.Text),
)
# One row per Leistungsschlüssel of a listed process (exact and prefix lookups by btree range).
process_keys = sa.Table(
    "process_keys",
    meta,
    sa.Column("key", sa.String(14), primary_key=True),
    sa.Column("process_id", sa.Integer, sa.ForeignKey("processes.id"), primary_key=True),
    sa.Column("themenfeld", sa.String(100)),
)
# Known words of names, keywords and LeiKa names: the typo fallback's candidates.
search_terms = sa.Table("search_terms", meta, sa.Column("term", sa.String(64), primary_key=True))
# One row (id 1): the library's change counter and how many processes are listed.
library_state = sa.Table(
    "library_state",
    meta,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("serial", sa.BigInteger, nullable=False),
    sa.Column("listed", sa.BigInteger, nullable=False),
)
versions = sa.Table(
    "versions",
    meta,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("process_id", sa.Integer, sa.ForeignKey("processes.id"), nullable=False),
    sa.Column("publisher", sa.String(64), nullable=False),
    sa.Column("slug", sa.String(64), nullable=False),
    sa.Column("version", sa.String(32), nullable=False),
    sa.Column("version_sort", sa.String(32), nullable=False),
    sa.Column("manifest", sa.Text, nullable=False),
    sa.Column("model_sha256", sa.String(64), nullable=False),
    sa.Column("model_size", sa.BigInteger, nullable=False),
    sa.Column("published_at", sa.String(32), nullable=False),
    sa.Column("yanked_at", sa.String(32)),
    sa.Column("yank_reason", sa.Text),
    sa.Column("yanked_by", sa.String(64)),
    sa.Column("task_labels", sa.Text),
    # The validation summary, fixed at publish (checks.review_model): NULL when not known.
    sa.Column("validation_errors", sa.Integer),
    sa.Column("validation_warnings", sa.Integer),
)
models = sa.Table(
    "models",
    meta,
    sa.Column("version_id", sa.Integer, sa.ForeignKey("versions.id"), primary_key=True, autoincrement=False),
    sa.Column("data", sa.LargeBinary, nullable=False),
)
# What a version was derived from (storage/derivations.py): the process page's "derived from this one".
derivations = sa.Table(
    "derivations",
    meta,
    sa.Column("version_id", sa.Integer, sa.ForeignKey("versions.id"), primary_key=True, autoincrement=False),
    sa.Column("from_publisher", sa.String(64), nullable=False),
    sa.Column("from_slug", sa.String(64), nullable=False),
    sa.Column("from_version", sa.String(32), nullable=False),
    sa.Index("ix_derivations_source", "from_publisher", "from_slug"),
)
# One row per signed-in browser (web pages): the sha256 of the random session id its cookie holds.
web_sessions = sa.Table(
    "web_sessions",
    meta,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("session_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("token_id", sa.Integer, sa.ForeignKey("tokens.id"), nullable=False),
    sa.Column("created_at", sa.String(32), nullable=False),
)
adoptions = sa.Table(
    "adoptions",
    meta,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("version_id", sa.Integer, sa.ForeignKey("versions.id"), nullable=False),
    sa.Column("member_id", sa.Integer, sa.ForeignKey("members.id"), nullable=False),
    sa.Column("adopted_at", sa.String(32), nullable=False),
)


# The suggest index (schema step 6, storage/suggest_index.py): what ranking a catalogue's candidates
# reads, per listed process, so that the server answers without reading the whole library.
suggest_names = sa.Table(  # one row per distinct normalised name of a listed process
    "suggest_names",
    meta,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name_key", sa.Text, nullable=False, unique=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("stems", sa.Text, nullable=False),  # its stems, space-separated
    sa.Column("tokens", sa.Integer, nullable=False),  # how many stems the name has
    sa.Column("refs", sa.Integer, nullable=False),  # how many listed processes carry it
)
suggest_postings = sa.Table(  # stem -> the names that have it
    "suggest_postings",
    meta,
    sa.Column("stem", sa.Text, primary_key=True),
    sa.Column("name_id", sa.Integer, primary_key=True),
)
suggest_processes = sa.Table(
    "suggest_processes",
    meta,
    sa.Column("process_id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("publisher", sa.String(64), nullable=False),
    sa.Column("slug", sa.String(64), nullable=False),
    sa.Column("name_id", sa.Integer, nullable=False),
    sa.Column("extra", sa.Text, nullable=False),  # stems of keywords and task labels, space-separated
    sa.Column("leika_keys", sa.Text, nullable=False),  # its 14-digit Leistungsschlüssel, space-separated
    sa.Column("adoptions", sa.Integer, nullable=False),  # members that adopted any version
)
suggest_group_stems = sa.Table(  # schema step 8: (stem, name, keys) -> processes whose keywords or tasks hold it
    "suggest_group_stems",
    meta,
    sa.Column("stem", sa.Text, primary_key=True),  # a stem of keywords or task labels the name lacks
    sa.Column("name_id", sa.Integer, primary_key=True),
    sa.Column("leika_keys", sa.Text, primary_key=True),  # as suggest_processes.leika_keys
    sa.Column("processes", sa.Integer, nullable=False),  # how many listed processes of the group hold it
)

suggest_key_groups = sa.Table(  # schema step 10: key -> the groups (name, keys) that carry it
    "suggest_key_groups",
    meta,
    sa.Column("key", sa.Text, primary_key=True),  # one of the group's 14-digit keys
    sa.Column("name_id", sa.Integer, primary_key=True),
    sa.Column("leika_keys", sa.Text, primary_key=True),  # as suggest_processes.leika_keys
    sa.Column("processes", sa.Integer, nullable=False),  # how many listed processes the group has
)
suggest_groups = sa.Table(  # schema step 11: every group (name, keys) and its number of processes
    "suggest_groups",
    meta,
    sa.Column("name_id", sa.Integer, primary_key=True),
    sa.Column("leika_keys", sa.Text, primary_key=True),  # as suggest_processes.leika_keys ('' for none)
    sa.Column("processes", sa.Integer, nullable=False),  # how many listed processes the group has
)


class StoreError(ProcexError):
    """A library database operation was refused (unknown member, duplicate slug, bad URL, ...)."""


class NotFound(StoreError):
    """The member, token, process or version named does not exist."""


def database_url(db):
    """Turn ``--db`` into an SQLAlchemy URL: a file path means SQLite, postgresql:// uses psycopg 3."""
    db = str(db or DEFAULT_DB)
    if db.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + db.split("://", 1)[1]
    if "://" in db:
        return db
    return "sqlite:///" + str(Path(db).expanduser().resolve())


def make_engine(db):
    url = database_url(db)
    if url.startswith("sqlite"):
        if url in ("sqlite://", "sqlite:///:memory:"):
            raise StoreError("an in-memory SQLite database cannot be shared; give a file path to --db")
        engine = sa.create_engine(
            url, pool_size=8, max_overflow=32, pool_timeout=60, connect_args={"timeout": 60, "check_same_thread": False}
        )

        @sa.event.listens_for(engine, "connect")
        def _sqlite_connect(dbapi_connection, _record):
            # Take over transaction control so that writers can BEGIN IMMEDIATE (below).
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA busy_timeout = 60000")
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")  # WAL + NORMAL survives process crashes
            cursor.execute("PRAGMA foreign_keys = ON")
            cursor.close()

        @sa.event.listens_for(engine, "begin")
        def _sqlite_begin(conn):
            # A writer takes the write lock at BEGIN: no deadlock upgrading a read lock later.
            immediate = conn.get_execution_options().get("procex_write")
            conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

        return engine
    try:
        # Custom plans always: a generic plan of a prepared search cannot know how common a word is.
        engine = sa.create_engine(
            url,
            pool_size=10,
            max_overflow=20,
            connect_args={"options": "-c plan_cache_mode=force_custom_plan"},
        )
    except (sa.exc.ArgumentError, ModuleNotFoundError) as error:
        raise StoreError(f"cannot use database URL {db!r}: {error}") from None
    _ping_after_idle(engine)
    return engine


PING_AFTER_IDLE_S = 1.0


def _ping_after_idle(engine):
    """Check a pooled PostgreSQL connection before use only when it sat idle ``PING_AFTER_IDLE_S``
    or longer, instead of before every use (pool_pre_ping): a search request takes a connection
    twice (token check, search) and each ping is a round trip. A connection that went away while
    idle (PostgreSQL restarted, an idle timeout) is replaced before the request uses it, as with
    pool_pre_ping. One used within the last second that has died since fails its request once
    (503, like the requests in flight when PostgreSQL went down); SQLAlchemy then sees the
    disconnect and replaces every connection of the pool."""

    @sa.event.listens_for(engine, "checkin")
    def _idle_from(_dbapi_connection, record):
        record.info["procex_idle_since"] = time.monotonic()

    @sa.event.listens_for(engine, "checkout")
    def _ping_if_idle(dbapi_connection, record, _proxy):
        idle_since = record.info.pop("procex_idle_since", None)
        if idle_since is None or time.monotonic() - idle_since < PING_AFTER_IDLE_S:
            return  # new, or in use a moment ago
        try:
            engine.dialect.do_ping(dbapi_connection)  # psycopg: SELECT 1 outside a transaction
        except engine.dialect.loaded_dbapi.Error as error:
            # The pool connects anew, and replaces its other connections older than this one too.
            raise sa.exc.InvalidatePoolError(str(error)) from error


def hash_token(token):
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


_MemberRow = namedtuple("_MemberRow", "slug name ags contact created_at agreed_at agreement_license")


def _member_dict(row):
    return {
        "slug": row.slug,
        "name": row.name,
        "ags": row.ags,
        "contact": row.contact,
        "created_at": row.created_at,
        "agreement": ({"accepted_at": row.agreed_at, "license": row.agreement_license} if row.agreed_at else None),
    }


def _version_summary(row):
    return {
        "version": row.version,
        "published_at": row.published_at,
        "yanked": {"reason": row.yank_reason, "at": row.yanked_at} if row.yanked_at else None,
        "model": {"sha256": row.model_sha256, "size": row.model_size},
    }


def version_manifest(row):
    """The manifest of a version row as served: stored fields plus the yank mark, if any."""
    manifest = json.loads(row.manifest)
    if row.yanked_at:
        manifest["yanked"] = {"reason": row.yank_reason, "at": row.yanked_at}
    return manifest


@contextmanager
def database_errors(engine):
    """Turn "cannot connect / cannot open" into one StoreError sentence naming the database."""
    try:
        yield
    except sa.exc.OperationalError as error:
        engine.dispose()
        reason = str(error.orig).strip().splitlines()[0] if error.orig else str(error).splitlines()[0]
        where = engine.url.render_as_string(hide_password=True)
        raise StoreError(
            f"cannot open the library database {where}: {reason}; check --db (a SQLite "
            "file's folder must exist and be writable; a PostgreSQL server must be "
            "reachable and the database exist)"
        ) from None


class Store:
    """One library database. ``upgrade=True`` brings an older schema up to date on open."""

    def __init__(self, db=None, upgrade=True):
        self.url = database_url(db)
        self.engine = make_engine(db)
        self.dialect = self.engine.dialect.name
        self._counts = search.CountCache()  # search totals and facets per library state
        with database_errors(self.engine):
            if upgrade:
                migrations.upgrade(self.engine)
            else:
                with self.engine.connect():
                    pass

    def close(self):
        self.engine.dispose()

    @contextmanager
    def write(self):
        """A write transaction (SQLite: BEGIN IMMEDIATE)."""
        with self.engine.connect() as conn:
            conn = conn.execution_options(procex_write=True)
            with conn.begin():
                yield conn

    @contextmanager
    def read(self):
        with self.engine.connect() as conn:
            with conn.begin():
                yield conn

    @contextmanager
    def quick_read(self):
        """A connection for reads that need no common snapshot across their statements (a token
        check, a search). PostgreSQL runs it in autocommit: under READ COMMITTED each statement
        takes its own snapshot inside a transaction too, so this changes no answer and only saves
        the BEGIN and COMMIT round trips. SQLite reads in a transaction, which costs nothing."""
        if self.dialect != "postgresql":
            with self.read() as conn:
                yield conn
            return
        with self.engine.connect() as conn:
            yield conn.execution_options(isolation_level="AUTOCOMMIT")

    def schema_version(self):
        with self.read() as conn:
            return migrations.current_version(conn)

    # --- members and tokens ---------------------------------------------------------------

    def add_member(self, slug, name, ags, contact=None):
        package.check_slug(slug, "member slug")
        if not (isinstance(ags, str) and len(ags) == 8 and ags.isdigit()):
            raise StoreError(f"AGS {ags!r} is not valid: an AGS has exactly 8 digits, e.g. 07211000")
        if not name or not name.strip():
            raise StoreError("a member needs a name, e.g. --name 'Stadt Trier'")
        try:
            with self.write() as conn:
                conn.execute(
                    members.insert().values(
                        slug=slug, name=name.strip(), ags=ags, contact=contact, created_at=package.utc_now()
                    )
                )
        except sa.exc.IntegrityError:
            raise StoreError(f"member {slug!r} exists already; see `procex admin member list`") from None
        return self.get_member(slug)

    def _member_row(self, conn, slug):
        row = conn.execute(members.select().where(members.c.slug == slug)).first()
        if row is None:
            raise NotFound(f"no member {slug!r}; add it with `procex admin member add {slug} ...`")
        return row

    def get_member(self, slug):
        with self.read() as conn:
            return _member_dict(self._member_row(conn, slug))

    def agree(self, slug, license):
        """Record that member ``slug`` accepted the sharing agreement under ``license``."""
        if not license or not license.strip():
            raise StoreError("name the licence the member accepted, e.g. --license dl-de/by-2-0")
        with self.write() as conn:
            self._member_row(conn, slug)
            conn.execute(
                members.update()
                .where(members.c.slug == slug)
                .values(agreed_at=package.utc_now(), agreement_license=license.strip())
            )
        return self.get_member(slug)

    def list_members(self):
        with self.read() as conn:
            rows = conn.execute(members.select().order_by(members.c.slug)).fetchall()
            counts = dict(
                conn.execute(
                    sa.select(processes.c.publisher, sa.func.count()).group_by(processes.c.publisher)
                ).fetchall()
            )
            active = dict(
                conn.execute(
                    sa.select(tokens.c.member_id, sa.func.count())
                    .where(tokens.c.revoked_at.is_(None))
                    .group_by(tokens.c.member_id)
                ).fetchall()
            )
        return [
            dict(_member_dict(row), processes=counts.get(row.slug, 0), tokens=active.get(row.id, 0)) for row in rows
        ]

    def create_token(self, slug, label=None):
        """Create a token for member ``slug``: returns (token, record). Only its hash is stored."""
        token = TOKEN_PREFIX + secrets.token_urlsafe(30)
        with self.write() as conn:
            member = self._member_row(conn, slug)
            result = conn.execute(
                tokens.insert().values(
                    member_id=member.id,
                    token_hash=hash_token(token),
                    prefix=token[:12],
                    label=label,
                    created_at=package.utc_now(),
                )
            )
            token_id = result.inserted_primary_key[0]
        return token, {"id": token_id, "member": slug, "prefix": token[:12], "label": label}

    def list_tokens(self, slug=None):
        query = (
            sa.select(tokens, members.c.slug).join(members, members.c.id == tokens.c.member_id).order_by(tokens.c.id)
        )
        if slug:
            query = query.where(members.c.slug == slug)
        with self.read() as conn:
            return [
                {
                    "id": row.id,
                    "member": row.slug,
                    "prefix": row.prefix,
                    "label": row.label,
                    "created_at": row.created_at,
                    "revoked_at": row.revoked_at,
                }
                for row in conn.execute(query)
            ]

    def revoke_token(self, id_or_prefix):
        """Revoke one token named by its id, by the whole token, or by its first 8 to 12 characters."""
        text = str(id_or_prefix).strip()
        with self.write() as conn:
            if text.isdigit():
                rows = conn.execute(tokens.select().where(tokens.c.id == int(text))).fetchall()
            elif len(text) > 12:  # the whole token
                rows = conn.execute(tokens.select().where(tokens.c.token_hash == hash_token(text))).fetchall()
            elif len(text) >= 8:
                rows = conn.execute(
                    tokens.select().where(tokens.c.prefix.like(f"{_like_escape(text)}%", escape="\\"))
                ).fetchall()
            else:
                raise StoreError("name the token by its id or by its first 8 or more characters")
            if not rows:
                raise NotFound(f"no token {text!r}; see `procex admin token list`")
            if len(rows) > 1:
                raise StoreError(f"{text!r} matches {len(rows)} tokens; name it by its id")
            row = rows[0]
            if row.revoked_at is None:
                conn.execute(tokens.update().where(tokens.c.id == row.id).values(revoked_at=package.utc_now()))
        return {"id": row.id, "prefix": row.prefix, "label": row.label}

    def member_for_token(self, token):
        """The member dict for a valid, unrevoked token; None for anything else."""
        if not token or not token.startswith(TOKEN_PREFIX) or len(token) > 200:
            return None
        return self.member_for_token_hash(hash_token(token))

    def member_for_token_hash(self, token_hash):
        """The member of an unrevoked token given by its sha256 (every API request asks: one
        statement on the driver's cursor, no transaction on PostgreSQL)."""
        placeholder = "%(hash)s" if self.dialect == "postgresql" else ":hash"
        sql = (
            "SELECT m.slug, m.name, m.ags, m.contact, m.created_at, m.agreed_at, m.agreement_license "
            f"FROM tokens t JOIN members m ON m.id = t.member_id WHERE t.token_hash = {placeholder} "
            "AND t.revoked_at IS NULL"
        )
        with self.quick_read() as conn:
            found = search.fetch_rows(conn, sql, {"hash": token_hash})
        return _member_dict(_MemberRow._make(found[0])) if found else None

    # --- web sessions ---------------------------------------------------------------------

    def start_session(self, token, lifetime):
        """A new web session for an unrevoked ``token``: (member dict, session id), None for a bad token.

        The id is random (256 bits); only its sha256 is stored. Sessions older than ``lifetime``
        seconds are deleted on the way, so the table holds at most one lifetime of sign-ins.
        """
        if not token or not token.startswith(TOKEN_PREFIX) or len(token) > 200:
            return None
        query = (
            sa.select(members, tokens.c.id.label("token_id"))
            .join(tokens, tokens.c.member_id == members.c.id)
            .where(tokens.c.token_hash == hash_token(token), tokens.c.revoked_at.is_(None))
        )
        with self.read() as conn:  # a wrong token costs a read, never the write lock
            row = conn.execute(query).first()
        if row is None:
            return None
        session_id = secrets.token_urlsafe(32)
        with self.write() as conn:
            conn.execute(web_sessions.delete().where(web_sessions.c.created_at < _utc_before(lifetime)))
            conn.execute(
                web_sessions.insert().values(
                    session_hash=hash_token(session_id), token_id=row.token_id, created_at=package.utc_now()
                )
            )
        return _member_dict(row), session_id

    def member_for_session(self, session_id, lifetime):
        """The member of a live web session: started less than ``lifetime`` seconds ago, not ended,
        its token not revoked; None for anything else."""
        query = (
            sa.select(members)
            .join(tokens, tokens.c.member_id == members.c.id)
            .join(web_sessions, web_sessions.c.token_id == tokens.c.id)
            .where(
                web_sessions.c.session_hash == hash_token(session_id),
                tokens.c.revoked_at.is_(None),
                web_sessions.c.created_at >= _utc_before(lifetime),
            )
        )
        with self.read() as conn:
            row = conn.execute(query).first()
        return _member_dict(row) if row else None

    def end_session(self, session_id):
        """End one web session (sign-out): its cookie is no session from now on, on every worker
        and host sharing this database. Whether there was one to end."""
        with self.write() as conn:
            result = conn.execute(web_sessions.delete().where(web_sessions.c.session_hash == hash_token(session_id)))
        return result.rowcount > 0

    # --- publishing -----------------------------------------------------------------------

    def find_version(self, publisher, slug, version, conn=None):
        """The version row (without its model), or None. ``version`` may be 'latest'."""
        if conn is None:
            with self.read() as conn:
                return self.find_version(publisher, slug, version, conn)
        if version == "latest":
            return conn.execute(
                versions.select()
                .join(processes, processes.c.latest_version_id == versions.c.id)
                .where(processes.c.publisher == publisher, processes.c.slug == slug)
            ).first()
        return conn.execute(
            versions.select().where(
                versions.c.publisher == publisher, versions.c.slug == slug, versions.c.version == version
            )
        ).first()

    def publish(self, manifest, model, labels=(), validation=None):
        """Store a validated manifest and its model bytes as a new version.

        ``labels`` are the model's task labels (search, index), ``validation`` its validation
        summary {"errors": n, "warnings": n} (checks.review_model) or None when not known.
        Returns (outcome, manifest, differences): outcome "created", "same" (this version exists
        with the same model and manifest) or "conflict" (it exists with other content).
        """
        for _attempt in range(5):
            try:
                return self._publish_once(manifest, model, labels, validation)
            except sa.exc.IntegrityError:
                continue  # a concurrent publisher created the process row first: look again
        raise StoreError(
            f"could not publish {package.ref_of(manifest)}: the database kept refusing the new rows; try again"
        )

    def _publish_once(self, manifest, model, labels, validation):
        publisher, slug, version = manifest["publisher"], manifest["slug"], manifest["version"]
        now = package.utc_now()
        with self.write() as conn:
            # Lock the process row: publishers of one process take turns (PostgreSQL).
            process = conn.execute(
                processes.select().where(processes.c.publisher == publisher, processes.c.slug == slug).with_for_update()
            ).first()
            if process is None:
                process_id = conn.execute(
                    processes.insert().values(
                        publisher=publisher, slug=slug, name=manifest["name"], created_at=now, updated_at=now
                    )
                ).inserted_primary_key[0]
            else:
                process_id = process.id
                existing = self.find_version(publisher, slug, version, conn)
                if existing is not None:
                    return self._compare(existing, manifest)
            stored = dict(package.publisher_fields(manifest), published_at=now)
            version_id = conn.execute(
                versions.insert().values(
                    process_id=process_id,
                    publisher=publisher,
                    slug=slug,
                    version=version,
                    version_sort=package.version_sort_text(version),
                    manifest=json.dumps(stored, ensure_ascii=False, sort_keys=True),
                    model_sha256=package.sha256_bytes(model),
                    model_size=len(model),
                    published_at=now,
                    task_labels="\n".join(labels),
                    **_validation_columns(validation),
                )
            ).inserted_primary_key[0]
            conn.execute(models.insert().values(version_id=version_id, data=model))
            derivation_index.write(conn, version_id, stored)
            self._refresh_latest(conn, process_id)
        return "created", stored, []

    @staticmethod
    def _compare(row, manifest):
        stored = version_manifest(row)
        differences = package.differing_fields(stored, manifest)
        return ("same" if not differences else "conflict"), stored, differences

    def _refresh_latest(self, conn, process_id):
        """Point the process at its highest unyanked version, index it for search and count the
        change (search_index.next_serial)."""
        was_listed = (
            conn.execute(sa.select(processes.c.latest_version_id).where(processes.c.id == process_id)).scalar()
            is not None
        )
        latest = conn.execute(
            versions.select()
            .where(versions.c.process_id == process_id, versions.c.yanked_at.is_(None))
            .order_by(versions.c.version_sort.desc())
            .limit(1)
        ).first()
        listed_change = (latest is not None) - was_listed
        serial = search_index.next_serial(conn, listed_change)
        if latest is None:
            conn.execute(
                processes.update()
                .where(processes.c.id == process_id)
                .values(latest_version=None, latest_version_id=None, updated_at=package.utc_now())
            )
            search_index.remove(conn, process_id, serial)
            suggest_index.remove(conn, process_id)
            return
        manifest = json.loads(latest.manifest)
        conn.execute(
            processes.update()
            .where(processes.c.id == process_id)
            .values(
                latest_version=latest.version,
                latest_version_id=latest.id,
                name=manifest["name"],
                updated_at=package.utc_now(),
            )
        )
        labels = (latest.task_labels or "").split("\n")
        adopted = self._adopted_by(conn, process_id)
        search_index.write(conn, process_id, search_index.document(manifest, labels), adopted, serial)
        suggest_index.write(conn, process_id, latest.publisher, latest.slug, manifest, labels, adopted)

    @staticmethod
    def _adopted_by(conn, process_id):
        """How many members adopted any version of the process."""
        return conn.execute(
            sa.select(sa.func.count(sa.distinct(adoptions.c.member_id)))
            .join(versions, versions.c.id == adoptions.c.version_id)
            .where(versions.c.process_id == process_id)
        ).scalar()

    def model(self, version_id):
        with self.read() as conn:
            data = conn.execute(sa.select(models.c.data).where(models.c.version_id == version_id)).scalar()
        return bytes(data) if data is not None else None

    def version_and_model(self, publisher, slug, version, cached_sha256=()):
        """(version row, model bytes) in one statement; (None, None) when there is no such version.

        The bytes are None when the version's sha256 is in ``cached_sha256`` (or it holds "*"):
        the client's copy is current (304), and the database never reads the blob, since the
        CASE leaves the column unevaluated (SQLite) or un-detoasted (PostgreSQL).
        """
        cached = [sha for sha in cached_sha256 if sha != "*"]
        if "*" in cached_sha256:
            data = sa.null()
        elif cached:
            data = sa.case((versions.c.model_sha256.in_(cached), sa.null()), else_=models.c.data)
        else:
            data = models.c.data
        query = sa.select(versions, data.label("model_data"))
        if version == "latest":
            query = (
                query.select_from(processes)
                .join(versions, processes.c.latest_version_id == versions.c.id)
                .where(processes.c.publisher == publisher, processes.c.slug == slug)
            )
        else:
            query = query.where(
                versions.c.publisher == publisher, versions.c.slug == slug, versions.c.version == version
            )
        query = query.outerjoin(models, models.c.version_id == versions.c.id)
        with self.read() as conn:
            row = conn.execute(query).first()
        if row is None:
            return None, None
        return row, (bytes(row.model_data) if row.model_data is not None else None)

    def yank(self, publisher, slug, version, reason, by):
        """Mark a version as withdrawn (it stays downloadable by exact version)."""
        with self.write() as conn:
            row = self.find_version(publisher, slug, version, conn)
            if row is None:
                raise NotFound(f"no version {publisher}/{slug}@{version}")
            if row.yanked_at is None:
                conn.execute(
                    versions.update()
                    .where(versions.c.id == row.id)
                    .values(yanked_at=package.utc_now(), yank_reason=reason, yanked_by=by)
                )
                self._refresh_latest(conn, row.process_id)
            return version_manifest(self.find_version(publisher, slug, version, conn))

    def adopt(self, publisher, slug, version, adopter):
        """Record that member ``adopter`` adopted a version: returns (created, record)."""
        with self.write() as conn:
            row = self.find_version(publisher, slug, version, conn)
            if row is None:
                raise NotFound(f"no version {publisher}/{slug}@{version}")
            member = self._member_row(conn, adopter)
            # A member that sends the same adoption twice at once (a retry, two imports) gets one
            # record: the second insert waits for the first and then does nothing, instead of a
            # unique violation (PostgreSQL; SQLite's write transactions take turns anyway).
            inserted = conn.execute(
                self._insert(adoptions)
                .values(version_id=row.id, member_id=member.id, adopted_at=package.utc_now())
                .on_conflict_do_nothing(index_elements=["version_id", "member_id"])
                .returning(adoptions.c.id)
            ).first()
            created = inserted is not None
            found = conn.execute(
                adoptions.select().where(adoptions.c.version_id == row.id, adoptions.c.member_id == member.id)
            ).first()
            if created:
                self._count_adoption(conn, row.process_id)
                suggest_index.set_adoptions(conn, row.process_id, self._adopted_by(conn, row.process_id))
        return created, {"version": row.version, "adopter": _adopter(member), "adopted_at": found.adopted_at}

    def _count_adoption(self, conn, process_id):
        """A new adoption: the listing changed (serial), and the process's count and boost."""
        serial = search_index.next_serial(conn)
        current = conn.execute(
            sa.select(processes.c.name_key, processes.c.latest_version_id).where(processes.c.id == process_id)
        ).first()
        count = self._adopted_by(conn, process_id)
        values = {"adoptions": count, "serial": serial}
        if current.latest_version_id is not None:
            name_terms = search_index.name_term_count(current.name_key)
            values["boost"] = search_index.boost(count, name_terms, serial)
        conn.execute(processes.update().where(processes.c.id == process_id).values(**values))

    def _insert(self, table):
        """INSERT for this database's dialect, which has on_conflict_do_nothing (SQLite and PostgreSQL)."""
        dialect = sqlite_dialect if self.dialect == "sqlite" else postgresql_dialect
        return dialect.insert(table)

    def adoptions(self, publisher, slug):
        query = (
            sa.select(versions.c.version, adoptions.c.adopted_at, members)
            .join(versions, versions.c.id == adoptions.c.version_id)
            .join(members, members.c.id == adoptions.c.member_id)
            .where(versions.c.publisher == publisher, versions.c.slug == slug)
            .order_by(adoptions.c.adopted_at, adoptions.c.id)
        )
        with self.read() as conn:
            return [
                {"version": row.version, "adopter": _adopter(row), "adopted_at": row.adopted_at}
                for row in conn.execute(query)
            ]

    # --- reading ---------------------------------------------------------------------------

    def get_process(self, publisher, slug):
        with self.read() as conn:
            process = conn.execute(
                processes.select().where(processes.c.publisher == publisher, processes.c.slug == slug)
            ).first()
            if process is None:
                return None
            rows = conn.execute(
                versions.select().where(versions.c.process_id == process.id).order_by(versions.c.version_sort.desc())
            ).fetchall()
            adopted = conn.execute(
                sa.select(sa.func.count())
                .select_from(adoptions)
                .join(versions, versions.c.id == adoptions.c.version_id)
                .where(versions.c.process_id == process.id)
            ).scalar()
        return {
            "publisher": publisher,
            "slug": slug,
            "name": process.name,
            "latest": process.latest_version,
            "created_at": process.created_at,
            "updated_at": process.updated_at,
            "adoptions": adopted,
            "versions": [_version_summary(row) for row in rows],
        }

    def search_page(self, query: SearchQuery) -> SearchPage:
        """Ranked search (storage/search.py): a SearchPage; search_text.QueryError for a query
        that cannot be searched (its message names the field)."""
        with self.quick_read() as conn:
            return search.run(conn, query, vocabulary=lambda: self._vocabulary(conn), cache=self._counts)

    def _vocabulary(self, conn):
        """The known words, sorted; read once per library state (the serial) and kept."""
        serial = conn.execute(sa.select(library_state.c.serial)).scalar()
        cached = getattr(self, "_vocabulary_cache", None)
        if cached is None or cached[0] != serial:
            words = conn.execute(sa.select(search_terms.c.term).order_by(search_terms.c.term)).scalars().all()
            cached = (serial, list(words))
            self._vocabulary_cache = cached
        return cached[1]

    def search(self, q="", leistungsschluessel=None, publisher=None, page=1, per_page=20):
        """Earlier releases' search: (items as dicts, total), page-number paging (search_page pages
        by cursor)."""
        result = self.search_page(
            SearchQuery(
                text=q or "",
                keys=(leistungsschluessel,) if leistungsschluessel else (),
                publisher=publisher,
                limit=per_page,
                offset=(page - 1) * per_page,
            )
        )
        return [hit.as_dict() for hit in result.hits], result.total

    @contextmanager
    def snapshot(self):
        """A read transaction that sees one state throughout (PostgreSQL: REPEATABLE READ; SQLite
        in WAL mode gives every read transaction one snapshot anyway)."""
        with self.engine.connect() as conn:
            if self.dialect == "postgresql":
                conn = conn.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                yield conn

    def index_state(self, conn):
        """(ETag, count) of the library index as ``conn`` sees it, without reading the listing.

        Every change of the listing (publish, yank, adoption) counts one up in ``library_state``
        inside its own transaction, whose row lock orders the writers: the serial and the number
        of listed processes, with the schema version and the listing's format, name the state,
        and the ETag is their hash. One row read, however large the library. A version's
        validation summary is fixed when it is published, so it needs no number of its own.
        """
        serial, listed = conn.execute(sa.select(library_state.c.serial, library_state.c.listed)).one()
        state = [INDEX_FORMAT, migrations.SCHEMA_VERSION, int(serial), int(listed)]
        digest = hashlib.sha256(json.dumps(state).encode("ascii")).hexdigest()[:32]
        return f'"ix-{digest}"', int(listed)

    def library_serial(self, conn):
        """The serial of the library's last change (publish, yank, adoption) as ``conn`` sees it."""
        return int(conn.execute(sa.select(library_state.c.serial)).scalar())

    def table_rows(self, conn, table):
        """The number of rows of ``table`` as ``conn`` sees it, counted once per library state: for
        the suggest index's tables, which change only with the library's serial (a million-row count
        costs some 60 ms on PostgreSQL)."""
        key = ("rows", table.name, self.library_serial(conn))
        found = self._counts.get(key)
        if found is None:
            found = int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar())
            self._counts.put(key, found)
        return found

    def changes_since(self, conn, since, limit):
        """The processes whose listing line changed after serial ``since``, oldest change first.

        Each process carries the serial of its last change (``processes.serial``, indexed), so
        this reads at most ``limit`` processes by that index and their lines by id. Returns
        (changed, more): ``changed`` is [(serial, publisher, slug, line or None)] (None: no longer
        listed, every version yanked); ``more`` when processes were left for the next call.
        """
        rows = conn.execute(
            sa.select(processes.c.id, processes.c.serial, processes.c.publisher, processes.c.slug)
            .where(processes.c.serial > since)
            .order_by(processes.c.serial)
            .limit(limit + 1)
        ).fetchall()
        more = len(rows) > limit
        rows = rows[:limit]
        lines = {}
        ids = [row.id for row in rows]
        for start in range(0, len(ids), 500):
            for item in self._index_lines_of(conn, ids[start : start + 500]):
                lines[(item["publisher"], item["slug"])] = item
        changed = [(int(row.serial), row.publisher, row.slug, lines.get((row.publisher, row.slug))) for row in rows]
        return changed, more

    def _index_lines_of(self, conn, process_ids):
        """The listing lines (index form) of the listed processes among ``process_ids``."""
        query = _index_query(versions.c.process_id.in_(process_ids)).where(processes.c.id.in_(process_ids))
        return [_index_item(row) for row in conn.execute(query)]

    def index_items(self, conn, chunk=500):
        """Every process's latest unyanked version in the compact form of the index, by publisher
        and slug, read in chunks through ``conn`` (a server-side cursor on PostgreSQL), so memory
        stays flat however large the library is."""
        query = (
            _index_query()
            .order_by(processes.c.publisher, processes.c.slug)
            .execution_options(stream_results=True, max_row_buffer=chunk)
        )
        result = conn.execute(query)
        try:
            for rows in result.partitions(chunk):
                yield [_index_item(row) for row in rows]
        finally:
            result.close()

    def integrity_problems(self):
        """Every version whose model is missing or does not match its recorded sha256 and size."""
        problems = []
        query = (
            sa.select(
                versions.c.id,
                versions.c.publisher,
                versions.c.slug,
                versions.c.version,
                versions.c.model_sha256,
                versions.c.model_size,
                versions.c.manifest,
                models.c.data,
            )
            .outerjoin(models, models.c.version_id == versions.c.id)
            .order_by(versions.c.id)
        )
        with self.read() as conn:
            for row in conn.execute(query):
                ref = f"{row.publisher}/{row.slug}@{row.version}"
                if row.data is None:
                    problems.append(f"{ref}: model missing")
                    continue
                data = bytes(row.data)
                if package.sha256_bytes(data) != row.model_sha256 or len(data) != row.model_size:
                    problems.append(f"{ref}: model does not match its sha256/size")
                if json.loads(row.manifest)["model"]["sha256"] != row.model_sha256:
                    problems.append(f"{ref}: manifest sha256 differs from the stored model's")
            orphans = conn.execute(
                sa.select(sa.func.count())
                .select_from(models)
                .outerjoin(versions, versions.c.id == models.c.version_id)
                .where(versions.c.id.is_(None))
            ).scalar()
            if orphans:
                problems.append(f"{orphans} model(s) without a version")
        return problems

    def library_size(self):
        """{"processes": listed processes, "members": members that accepted the sharing agreement}:
        what a member without the agreement is told the library holds. The listed processes are
        library_state's count (one row), not a count over the processes table."""
        with self.read() as conn:
            listed = conn.execute(sa.select(library_state.c.listed)).scalar()
            agreed = conn.execute(
                sa.select(sa.func.count()).select_from(members).where(members.c.agreed_at.is_not(None))
            ).scalar()
        return {"processes": int(listed or 0), "members": int(agreed or 0)}

    def counts(self):
        with self.read() as conn:
            return {
                name: conn.execute(sa.select(sa.func.count()).select_from(table)).scalar()
                for name, table in (
                    ("members", members),
                    ("processes", processes),
                    ("versions", versions),
                    ("adoptions", adoptions),
                )
            }


def _utc_before(seconds):
    """The time ``seconds`` ago in utc_now's format (ISO 8601, 'Z'), which sorts as text."""
    when = datetime.now(timezone.utc) - timedelta(seconds=seconds)
    return when.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _like_escape(text):
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _adopter(row):
    return {"slug": row.slug, "name": row.name, "ags": row.ags}


def _index_query(adopted_where=None):
    """The index lines' select: each process's latest version with its adopters counted
    (``adopted_where`` narrows the adoptions counted to the processes asked for)."""
    counted = sa.select(
        versions.c.process_id, sa.func.count(sa.distinct(adoptions.c.member_id)).label("adoptions")
    ).join(adoptions, adoptions.c.version_id == versions.c.id)
    if adopted_where is not None:
        counted = counted.where(adopted_where)
    adopted = counted.group_by(versions.c.process_id).subquery()
    return (
        sa.select(
            processes.c.publisher,
            processes.c.slug,
            versions.c.manifest,
            versions.c.task_labels,
            versions.c.validation_errors,
            versions.c.validation_warnings,
            adopted.c.adoptions,
        )
        .join(versions, versions.c.id == processes.c.latest_version_id)
        .outerjoin(adopted, adopted.c.process_id == processes.c.id)
    )


def _index_item(row):
    manifest = json.loads(row.manifest)
    tasks = [label[:INDEX_LABEL_CHARS] for label in (row.task_labels or "").split("\n") if label]
    return {
        "publisher": row.publisher,
        "slug": row.slug,
        "latest": manifest["version"],
        "name": manifest["name"],
        "leistungsschluessel": manifest.get("leistungsschluessel", []),
        "keywords": manifest.get("keywords", []),
        "adoptions": row.adoptions or 0,
        "tasks": tasks[:INDEX_TASKS],
        "validation": _validation(row),
    }


def _validation(row):
    """The version's validation summary {"errors", "warnings"} (recommended preset), or None."""
    if row.validation_errors is None:
        return None
    return {"errors": row.validation_errors, "warnings": row.validation_warnings or 0}


def _validation_columns(summary):
    if not summary:
        return {"validation_errors": None, "validation_warnings": None}
    return {"validation_errors": int(summary["errors"]), "validation_warnings": int(summary["warnings"])}
