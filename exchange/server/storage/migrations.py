"""The versioned database schema of the library server, and its upgrade steps.

The table ``schema_version`` holds one row: the number of the last step applied. Each step is a
function that takes a connection inside the upgrade transaction and moves the schema (and the
data) from version N-1 to N. Steps are never edited once released; a change is a new step.
``upgrade()`` runs under a lock (PostgreSQL advisory lock, SQLite write lock), so several server
processes starting at once against one database upgrade it exactly once.

Step 1 is the schema of the first release (members, tokens, processes, versions, model blobs).
Step 2 adds withdrawal (yank), adoptions and the search columns, and backfills them from the
stored manifests and models.
Step 3 adds each version's validation summary (errors and warnings of the recommended lint
preset, which publish computes from then on) and backfills it by checking every stored model once
(about 30 ms per version of municipal size on a busy 2-core machine: 500 versions of the example
models in 16 s); NULL where a model cannot be checked.
Step 4 adds the web sessions (``web_sessions``: the sha256 of each signed-in browser's random
session id, its token, when it began), so that signing out ends a session for every worker and
host sharing the database. Session cookies issued before it hold no session id: their members sign
in once more.
Step 5 replaces the substring search (``search_text``/``keys_text`` scanned with LIKE, and the
PostgreSQL trigram index over them) by indexed search (storage/search_index.py): term fields, a
full-text index per relevance tier (PostgreSQL tsvector + GIN, SQLite FTS5), the key table, filter
columns (Land, FIM status, Detaillierungsstufe), adoptions and rank boost, the vocabulary for the
typo fallback, and one change counter (``library_state``) that the listing's ETag reads instead
of counting four tables; ``processes.serial`` numbers each process's last change. It backfills
every listed process from its latest version (some 2 ms per process).
Step 6 adds the suggest index (storage/suggest_index.py): each listed process's name (one row per
distinct normalised name, with its stems as postings) and the stems of its keywords and task
labels, so that the server ranks candidates for a catalogue (keys through step 5's key table)
without reading the library; filled from every listed process's latest version.
Step 7 adds ``derivations`` (storage/derivations.py): per version, the version its manifest's
derived_from names, indexed by the source's publisher and slug, so that the process page finds
the processes derived from it by lookup instead of scanning every manifest with LIKE; filled from
the stored manifests, a thousand at a time.
Step 8 adds, per group of listed processes sharing a name and keys, the stems their keywords and
task labels hold that the name lacks (``suggest_group_stems``), so that suggest reads only the
processes of groups that hold a query word instead of every process of every candidate group;
filled from step 6's index.
Step 9 replaces the (name, keys) index of ``suggest_processes`` by one that goes on in the order
suggest ranks equal candidates (most adopted, then publisher and slug by code point), so that the
first processes of a group are read from the index with a LIMIT instead of every process of the
group read and sorted; it serves every read by name and keys as the old one did.
Step 10 adds, per key of each group of listed processes sharing a name and keys, the group and its
number of processes (``suggest_key_groups``), so that suggest finds the groups whose keys start
with an entry's prefix by a range over as many rows as groups, not by scanning every process;
filled from step 6's index.
Step 11 adds every such group with its number of processes (``suggest_groups``, keyed by name and
keys), so that suggest finds the groups of a name, and their sizes, in as many rows as groups,
instead of counting the processes of every candidate name; filled from step 6's index.
"""

import json

import sqlalchemy as sa

from procex.core.errors import ProcexError

ADVISORY_LOCK_ID = 0x70726F63  # "proc": one lock id for every procex library database


class SchemaError(ProcexError):
    """The database's schema is newer than this procex, or an upgrade step failed."""


def _step1(conn):
    meta = sa.MetaData()
    sa.Table(
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
    sa.Table(
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
    sa.Table(
        "processes",
        meta,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("publisher", sa.String(64), nullable=False),
        sa.Column("slug", sa.String(64), nullable=False),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.UniqueConstraint("publisher", "slug", name="uq_processes_publisher_slug"),
    )
    sa.Table(
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
        sa.UniqueConstraint("publisher", "slug", "version", name="uq_versions_ref"),
    )
    sa.Table(
        "models",
        meta,
        sa.Column("version_id", sa.Integer, sa.ForeignKey("versions.id"), primary_key=True, autoincrement=False),
        sa.Column("data", sa.LargeBinary, nullable=False),
    )
    meta.create_all(conn)


def _add_column(conn, table, name, type_):
    compiled = type_.compile(dialect=conn.dialect)
    conn.execute(sa.text(f"ALTER TABLE {table} ADD COLUMN {name} {compiled}"))


def _step2(conn):
    for name, type_ in (
        ("yanked_at", sa.String(32)),
        ("yank_reason", sa.Text()),
        ("yanked_by", sa.String(64)),
        ("task_labels", sa.Text()),
    ):
        _add_column(conn, "versions", name, type_)
    for name, type_ in (
        ("latest_version", sa.String(32)),
        ("latest_version_id", sa.Integer()),
        ("search_text", sa.Text()),
        ("keys_text", sa.Text()),
        ("updated_at", sa.String(32)),
    ):
        _add_column(conn, "processes", name, type_)
    meta = sa.MetaData()
    sa.Table("members", meta, sa.Column("id", sa.Integer, primary_key=True))
    sa.Table("versions", meta, sa.Column("id", sa.Integer, primary_key=True))
    adoptions = sa.Table(
        "adoptions",
        meta,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("version_id", sa.Integer, sa.ForeignKey("versions.id"), nullable=False),
        sa.Column("member_id", sa.Integer, sa.ForeignKey("members.id"), nullable=False),
        sa.Column("adopted_at", sa.String(32), nullable=False),
        sa.UniqueConstraint("version_id", "member_id", name="uq_adoptions_version_member"),
    )
    adoptions.create(conn)
    conn.execute(sa.text("CREATE INDEX ix_processes_latest ON processes (latest_version_id)"))
    conn.execute(sa.text("CREATE INDEX ix_versions_process ON versions (process_id)"))
    conn.execute(sa.text("CREATE INDEX ix_processes_order ON processes (name, publisher, slug)"))
    if conn.dialect.name == "postgresql":
        _trigram_index(conn)
    _backfill_search(conn)


def _trigram_index(conn):
    # Substring search (German compounds: "steuer" finds "Hundesteuer") over many processes is a
    # scan without it. pg_trgm ships with PostgreSQL but may be missing or not allowed: then the
    # library still works, searching by scan. Indexes change speed only, never answers.
    try:
        with conn.begin_nested():
            conn.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
            conn.execute(
                sa.text("CREATE INDEX ix_processes_search_trgm ON processes USING gin (search_text gin_trgm_ops)")
            )
    except sa.exc.DBAPIError:
        pass


def _backfill_search(conn):
    # Task labels come from the stored models; latest and search text from the manifests.
    from procex.exchange.server.checks import task_labels

    rows = conn.execute(sa.text("SELECT v.id, m.data FROM versions v JOIN models m ON m.version_id = v.id")).fetchall()
    for version_id, data in rows:
        try:
            labels = task_labels(bytes(data))
        except ProcexError:
            labels = []
        conn.execute(
            sa.text("UPDATE versions SET task_labels = :labels WHERE id = :id"),
            {"labels": "\n".join(labels), "id": version_id},
        )
    process_ids = [row[0] for row in conn.execute(sa.text("SELECT id FROM processes"))]
    for process_id in process_ids:
        versions = conn.execute(
            sa.text(
                "SELECT id, version, version_sort, manifest, task_labels, published_at FROM versions "
                "WHERE process_id = :id ORDER BY version_sort DESC"
            ),
            {"id": process_id},
        ).fetchall()
        if not versions:
            continue
        latest = versions[0]
        manifest = json.loads(latest.manifest)
        fields = _step2_search_fields(manifest, (latest.task_labels or "").split("\n"))
        conn.execute(
            sa.text(
                "UPDATE processes SET latest_version = :v, latest_version_id = :vid, name = :name, "
                "search_text = :search, keys_text = :keys, updated_at = :at WHERE id = :id"
            ),
            {
                "v": latest.version,
                "vid": latest.id,
                "name": manifest["name"],
                "search": fields["search_text"],
                "keys": fields["keys_text"],
                "at": latest.published_at,
                "id": process_id,
            },
        )


def _step2_normalize(text):
    folded = (text or "").casefold()
    for umlaut, spelled in (("ä", "ae"), ("ö", "oe"), ("ü", "ue")):
        folded = folded.replace(umlaut, spelled)
    return " ".join(folded.split())


def _step2_search_fields(manifest, labels):
    # Step 2's search columns as that release filled them (step 5 drops them again).
    parts = [
        manifest.get("name", ""),
        manifest.get("description", ""),
        " ".join(manifest.get("keywords", [])),
        " ".join(label for label in labels if label),
        manifest.get("publisher", ""),
        manifest.get("slug", ""),
        manifest.get("region", {}).get("name", ""),
        " ".join(manifest.get("leistungsschluessel", [])),
    ]
    keys = manifest.get("leistungsschluessel", [])
    return {"search_text": _step2_normalize(" ".join(parts)), "keys_text": " " + " ".join(keys) + " "}


def _step3(conn):
    # The summary belongs to the version (its model never changes), so every version gets it,
    # not only the latest: a yank can make an older one the latest again. Filled here, in the
    # upgrade transaction, so that the index never serves a half-filled listing under one ETag
    # (the ETag names the schema version, so every cached listing is refreshed once).
    from procex.exchange.server.checks import validation_summary

    for name in ("validation_errors", "validation_warnings"):
        _add_column(conn, "versions", name, sa.Integer())
    version_ids = [row[0] for row in conn.execute(sa.text("SELECT id FROM versions ORDER BY id"))]
    for version_id in version_ids:  # one model in memory at a time
        row = conn.execute(
            sa.text(
                "SELECT v.publisher, v.slug, v.version, m.data FROM versions v "
                "JOIN models m ON m.version_id = v.id WHERE v.id = :id"
            ),
            {"id": version_id},
        ).first()
        if row is None:
            continue  # a version without its model: `procex admin check` reports it
        summary = validation_summary(bytes(row.data), f"{row.publisher}/{row.slug}@{row.version}")
        if summary is not None:
            conn.execute(
                sa.text(
                    "UPDATE versions SET validation_errors = :errors, validation_warnings = :warnings WHERE id = :id"
                ),
                dict(summary, id=version_id),
            )


def _step4(conn):
    # A row per signed-in browser; signing out deletes it. Only the session id's sha256 is kept, as
    # for tokens. Revoking the token ends its sessions through the join, so no cascade is needed.
    meta = sa.MetaData()
    sa.Table("tokens", meta, sa.Column("id", sa.Integer, primary_key=True))
    sa.Table(
        "web_sessions",
        meta,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("session_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("token_id", sa.Integer, sa.ForeignKey("tokens.id"), nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
    ).create(conn)


def _step5(conn):
    from procex.exchange.server.storage import search_index

    postgres = conn.dialect.name == "postgresql"
    text_columns = [(f"terms_{field}", sa.Text()) for field in search_index.TIER_FIELDS]
    for name, type_ in (
        ("name_sort", sa.String(300)),
        ("name_key", sa.String(300)),
        ("region_ags", sa.String(8)),
        ("land", sa.String(2)),
        ("fim_status", sa.Integer()),
        ("detaillierungsstufe", sa.Integer()),
        ("adoptions", sa.Integer()),
        ("boost", sa.BigInteger()),
        ("serial", sa.BigInteger()),
        *text_columns,
    ):
        _add_column(conn, "processes", name, type_)
    execute = lambda sql: conn.execute(sa.text(sql))  # noqa: E731
    if postgres:
        # Names sort by their normalised ASCII form byte by byte, as on SQLite, whatever the locale.
        execute('ALTER TABLE processes ALTER COLUMN name_sort TYPE VARCHAR(300) COLLATE "C"')
        for field in search_index.TIER_FIELDS:
            execute(f"ALTER TABLE processes ADD COLUMN vec_{field} tsvector")
        execute("DROP INDEX IF EXISTS ix_processes_search_trgm")
    execute("ALTER TABLE processes DROP COLUMN search_text")
    execute("ALTER TABLE processes DROP COLUMN keys_text")
    execute("UPDATE processes SET adoptions = 0, boost = 0, serial = 0")
    meta = sa.MetaData()
    sa.Table("processes", meta, sa.Column("id", sa.Integer, primary_key=True))
    sa.Table(
        "process_keys",
        meta,
        sa.Column("key", sa.String(14), primary_key=True),
        sa.Column("process_id", sa.Integer, sa.ForeignKey("processes.id"), primary_key=True),
        sa.Column("themenfeld", sa.String(100)),
    )
    sa.Table("search_terms", meta, sa.Column("term", sa.String(64), primary_key=True))
    sa.Table(
        "library_state",
        meta,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("serial", sa.BigInteger, nullable=False),
        sa.Column("listed", sa.BigInteger, nullable=False),
    )
    for name in ("process_keys", "search_terms", "library_state"):
        meta.tables[name].create(conn)
    execute("INSERT INTO library_state (id, serial, listed) VALUES (1, 0, 0)")
    for statement in (
        "CREATE INDEX ix_process_keys_process ON process_keys (process_id)",
        "CREATE INDEX ix_process_keys_thema ON process_keys (themenfeld, process_id)",
        "CREATE INDEX ix_processes_boost ON processes (boost, id)",
        "CREATE INDEX ix_processes_adoptions ON processes (adoptions, id)",
        "CREATE INDEX ix_processes_updated ON processes (updated_at, id)",
        "CREATE INDEX ix_processes_name_sort ON processes (name_sort, id)",
        "CREATE INDEX ix_processes_serial ON processes (serial)",
        "CREATE INDEX ix_processes_name_key ON processes (name_key)",
        "CREATE INDEX ix_processes_land ON processes (land)",
        "CREATE INDEX ix_processes_status ON processes (fim_status)",
        "CREATE INDEX ix_processes_stufe ON processes (detaillierungsstufe)",
    ):
        execute(statement)
    for field in search_index.TIER_FIELDS:
        if postgres:
            execute(f"CREATE INDEX ix_processes_vec_{field} ON processes USING gin (vec_{field})")
        else:
            # Prefix indexes: an unfinished last word ("Gewerbe anm") is looked up, not merged term by term.
            execute(f"CREATE VIRTUAL TABLE fts_{field} USING fts5(terms, detail=none, prefix='3 4 5 6')")
    _backfill_index(conn)


def _backfill_index(conn):
    from procex.exchange.server.storage import search_index

    services = search_index.leika_services()
    adopted = dict(
        conn.execute(
            sa.text(
                "SELECT v.process_id, COUNT(DISTINCT a.member_id) FROM adoptions a "
                "JOIN versions v ON v.id = a.version_id GROUP BY v.process_id"
            )
        ).fetchall()
    )
    rows = conn.execute(
        sa.text(
            "SELECT p.id, v.manifest, v.task_labels FROM processes p "
            "JOIN versions v ON v.id = p.latest_version_id ORDER BY p.id"
        )
    ).fetchall()
    for process_id, manifest, labels in rows:
        doc = search_index.document(json.loads(manifest), (labels or "").split("\n"), services)
        serial = search_index.next_serial(conn, listed_change=1)
        search_index.write(conn, process_id, doc, adopted.get(process_id, 0), serial)


def _step6(conn):
    meta = sa.MetaData()
    sa.Table(
        "suggest_names",
        meta,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name_key", sa.Text, nullable=False, unique=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("stems", sa.Text, nullable=False),
        sa.Column("tokens", sa.Integer, nullable=False),
        sa.Column("refs", sa.Integer, nullable=False),
    )
    sa.Table(
        "suggest_postings",
        meta,
        sa.Column("stem", sa.Text, primary_key=True),
        sa.Column("name_id", sa.Integer, primary_key=True),
    )
    sa.Table(
        "suggest_processes",
        meta,
        sa.Column("process_id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("publisher", sa.String(64), nullable=False),
        sa.Column("slug", sa.String(64), nullable=False),
        sa.Column("name_id", sa.Integer, nullable=False),
        sa.Column("extra", sa.Text, nullable=False),
        sa.Column("leika_keys", sa.Text, nullable=False),
        sa.Column("adoptions", sa.Integer, nullable=False),
    )
    meta.create_all(conn)
    conn.execute(sa.text("CREATE INDEX ix_suggest_processes_name ON suggest_processes (name_id)"))
    conn.execute(sa.text("CREATE INDEX ix_suggest_processes_publisher ON suggest_processes (publisher, name_id)"))
    conn.execute(sa.text("CREATE INDEX ix_suggest_postings_name ON suggest_postings (name_id)"))
    from procex.exchange.server.storage import suggest_index

    suggest_index.rebuild(conn)


def _step7(conn):
    meta = sa.MetaData()
    sa.Table("versions", meta, sa.Column("id", sa.Integer, primary_key=True))
    sa.Table(
        "derivations",
        meta,
        sa.Column("version_id", sa.Integer, sa.ForeignKey("versions.id"), primary_key=True, autoincrement=False),
        sa.Column("from_publisher", sa.String(64), nullable=False),
        sa.Column("from_slug", sa.String(64), nullable=False),
        sa.Column("from_version", sa.String(32), nullable=False),
    ).create(conn)
    conn.execute(sa.text("CREATE INDEX ix_derivations_source ON derivations (from_publisher, from_slug)"))
    from procex.exchange.server.storage import derivations

    derivations.backfill(conn)


def _create_group_table(conn, name, first=None):
    """A table of suggest's (name, keys) groups, by ``first`` (a stem or a key) if given, with the
    group's number of processes: steps 8, 10 and 11 each add one."""
    meta = sa.MetaData()
    sa.Table(
        name,
        meta,
        *([sa.Column(first, sa.Text, primary_key=True)] if first else []),
        sa.Column("name_id", sa.Integer, primary_key=True),
        sa.Column("leika_keys", sa.Text, primary_key=True),
        sa.Column("processes", sa.Integer, nullable=False),
    )
    meta.create_all(conn)


def _step8(conn):
    _create_group_table(conn, "suggest_group_stems", "stem")
    # Suggest reads a group's processes (name and keys) by this index; it serves the name alone too.
    conn.execute(sa.text("CREATE INDEX ix_suggest_processes_group ON suggest_processes (name_id, leika_keys)"))
    conn.execute(sa.text("DROP INDEX ix_suggest_processes_name"))
    from procex.exchange.server.storage import suggest_index

    suggest_index.fill_group_stems(conn)


def _step9(conn):
    # Code-point order of publisher and slug (the client's): "C" on PostgreSQL, SQLite's BINARY.
    code_points = ' COLLATE "C"' if conn.dialect.name == "postgresql" else ""
    conn.execute(
        sa.text(
            "CREATE INDEX ix_suggest_processes_heads ON suggest_processes "
            f"(name_id, leika_keys, adoptions DESC, publisher{code_points}, slug{code_points})"
        )
    )
    conn.execute(sa.text("DROP INDEX ix_suggest_processes_group"))


def _step10(conn):
    _create_group_table(conn, "suggest_key_groups", "key")
    from procex.exchange.server.storage import suggest_index

    suggest_index.fill_key_groups(conn)


def _step11(conn):
    _create_group_table(conn, "suggest_groups")
    from procex.exchange.server.storage import suggest_index

    suggest_index.fill_groups(conn)


STEPS = [
    (1, _step1),
    (2, _step2),
    (3, _step3),
    (4, _step4),
    (5, _step5),
    (6, _step6),
    (7, _step7),
    (8, _step8),
    (9, _step9),
    (10, _step10),
    (11, _step11),
]
SCHEMA_VERSION = STEPS[-1][0]


def _version_table():
    meta = sa.MetaData()
    return sa.Table("schema_version", meta, sa.Column("version", sa.Integer, nullable=False))


def current_version(conn):
    """The schema version of the database behind ``conn`` (0 for an empty database)."""
    if not sa.inspect(conn).has_table("schema_version"):
        return 0
    value = conn.execute(sa.text("SELECT MAX(version) FROM schema_version")).scalar()
    return int(value or 0)


def upgrade(engine, target=SCHEMA_VERSION):
    """Bring the database up to ``target``; returns (from_version, to_version)."""
    with engine.connect() as conn:
        conn = conn.execution_options(procex_write=True)
        with conn.begin():
            if conn.dialect.name == "postgresql":
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(:id)"), {"id": ADVISORY_LOCK_ID})
            found = current_version(conn)
            if found > SCHEMA_VERSION:
                raise SchemaError(
                    f"the library database has schema version {found}, newer than this procex "
                    f"knows ({SCHEMA_VERSION}); upgrade procex before serving this database"
                )
            if found == 0:
                _version_table().create(conn, checkfirst=True)
                conn.execute(sa.text("INSERT INTO schema_version (version) VALUES (0)"))
            for number, step in STEPS:
                if found < number <= target:
                    try:
                        step(conn)
                    except sa.exc.SQLAlchemyError as error:
                        raise SchemaError(
                            f"schema upgrade step {number} failed: {error.__class__.__name__}: "
                            f"{str(error).splitlines()[0]}; the database was left at version "
                            f"{found} (the whole upgrade is one transaction)"
                        ) from None
                    conn.execute(sa.text("UPDATE schema_version SET version = :v"), {"v": number})
            if conn.dialect.name == "postgresql" and 0 < found < min(target, SCHEMA_VERSION):
                # The steps rewrote rows that already held data: fresh statistics, so that the first
                # searches after the upgrade are planned for how common their words are (autovacuum
                # would catch up only later). Not on SQLite, whose planner has no statistics unless
                # asked, and not for a new database, which holds nothing to count yet.
                conn.execute(sa.text("ANALYZE"))
            return found, max(found, min(target, SCHEMA_VERSION))
