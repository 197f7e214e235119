"""The library database schema is versioned: a database made by an older release is upgraded
without losing data, and a database newer than the code is refused."""

import hashlib
import json

import pytest
import sqlalchemy as sa

from procex.exchange.server.storage import migrations, search_index
from procex.exchange.server.storage.search import SearchQuery
from procex.exchange.server.storage.store import Store, make_engine, meta
from tests.libserver import make_db, manifest_for, tiny_model

# The schema as the first release (schema version 1) created it in SQLite, verbatim.
V1_SQLITE_DDL = """
CREATE TABLE schema_version (version INTEGER NOT NULL);
CREATE TABLE members (id INTEGER NOT NULL, slug VARCHAR(64) NOT NULL, name VARCHAR(200) NOT NULL,
  ags VARCHAR(8) NOT NULL, contact VARCHAR(300), created_at VARCHAR(32) NOT NULL, agreed_at VARCHAR(32),
  agreement_license VARCHAR(100), PRIMARY KEY (id), UNIQUE (slug));
CREATE TABLE processes (id INTEGER NOT NULL, publisher VARCHAR(64) NOT NULL, slug VARCHAR(64) NOT NULL,
  name VARCHAR(300) NOT NULL, created_at VARCHAR(32) NOT NULL, PRIMARY KEY (id),
  CONSTRAINT uq_processes_publisher_slug UNIQUE (publisher, slug));
CREATE TABLE tokens (id INTEGER NOT NULL, member_id INTEGER NOT NULL, token_hash VARCHAR(64) NOT NULL,
  prefix VARCHAR(16) NOT NULL, label VARCHAR(200), created_at VARCHAR(32) NOT NULL, revoked_at VARCHAR(32),
  PRIMARY KEY (id), FOREIGN KEY(member_id) REFERENCES members (id), UNIQUE (token_hash));
CREATE TABLE versions (id INTEGER NOT NULL, process_id INTEGER NOT NULL, publisher VARCHAR(64) NOT NULL,
  slug VARCHAR(64) NOT NULL, version VARCHAR(32) NOT NULL, version_sort VARCHAR(32) NOT NULL,
  manifest TEXT NOT NULL, model_sha256 VARCHAR(64) NOT NULL, model_size BIGINT NOT NULL,
  published_at VARCHAR(32) NOT NULL, PRIMARY KEY (id), CONSTRAINT uq_versions_ref UNIQUE (publisher, slug, version),
  FOREIGN KEY(process_id) REFERENCES processes (id));
CREATE TABLE models (version_id INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY (version_id),
  FOREIGN KEY(version_id) REFERENCES versions (id));
INSERT INTO schema_version (version) VALUES (1);
"""
TOKEN = "pxl_old-release-token-of-trier-0123456789"


def _insert_v1_data(conn):
    """What a first-release library held: two members, a token, one process with two versions."""
    execute = lambda sql, **params: conn.execute(sa.text(sql), params)  # noqa: E731
    execute(
        "INSERT INTO members (id, slug, name, ags, contact, created_at, agreed_at, agreement_license) "
        "VALUES (1, 'trier', 'Stadt Trier', '07211000', 'it@trier.de', '2025-01-02T10:00:00Z', "
        "'2025-01-03T10:00:00Z', 'dl-de/by-2-0')"
    )
    execute(
        "INSERT INTO members (id, slug, name, ags, created_at) VALUES "
        "(2, 'koblenz', 'Stadt Koblenz', '07111000', '2025-01-02T10:00:00Z')"
    )
    execute(
        "INSERT INTO tokens (id, member_id, token_hash, prefix, label, created_at) VALUES "
        "(1, 1, :hash, :prefix, 'alt', '2025-01-02T10:00:00Z')",
        hash=hashlib.sha256(TOKEN.encode()).hexdigest(),
        prefix=TOKEN[:12],
    )
    execute(
        "INSERT INTO processes (id, publisher, slug, name, created_at) VALUES "
        "(1, 'trier', 'gewerbe', 'Gewerbeanmeldung', '2025-02-01T10:00:00Z')"
    )
    models = {}
    for number, (version, task) in enumerate((("1.0.0", "Antrag prüfen"), ("1.2.0", "Gewerbeerlaubnis erteilen")), 1):
        model = tiny_model(task=task)
        manifest = dict(manifest_for("trier", "gewerbe", version, model), published_at="2025-02-01T10:00:00Z")
        execute(
            "INSERT INTO versions (id, process_id, publisher, slug, version, version_sort, manifest, "
            "model_sha256, model_size, published_at) VALUES (:id, 1, 'trier', 'gewerbe', :version, :sort, "
            ":manifest, :sha, :size, '2025-02-01T10:00:00Z')",
            id=number,
            version=version,
            sort=".".join(f"{int(p):09d}" for p in version.split(".")),
            manifest=json.dumps(manifest),
            sha=hashlib.sha256(model).hexdigest(),
            size=len(model),
        )
        conn.execute(
            sa.text("INSERT INTO models (version_id, data) VALUES (:id, :data)"), {"id": number, "data": model}
        )
        models[version] = model
    return models


def _adopt_at_version_4(engine):
    """Upgrade to the schema before ranked search and record Koblenz's adoption of 1.2.0 there."""
    assert migrations.upgrade(engine, target=4)[1] == 4
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO adoptions (id, version_id, member_id, adopted_at) VALUES (1, 2, 2, '2025-03-01T10:00:00Z')"
            )
        )
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text("SELECT setval(pg_get_serial_sequence('adoptions', 'id'), 10)"))


def _check_upgraded(db, models):
    store = Store(db)  # opening upgrades
    try:
        assert store.schema_version() == migrations.SCHEMA_VERSION
        trier = store.member_for_token(TOKEN)
        assert trier["slug"] == "trier" and trier["agreement"]["license"] == "dl-de/by-2-0"
        assert store.get_member("koblenz")["agreement"] is None
        process = store.get_process("trier", "gewerbe")
        assert process["latest"] == "1.2.0"
        assert [v["version"] for v in process["versions"]] == ["1.2.0", "1.0.0"]
        for version, model in models.items():
            row = store.find_version("trier", "gewerbe", version)
            assert store.model(row.id) == model
            assert json.loads(row.manifest)["model"]["sha256"] == hashlib.sha256(model).hexdigest()
        # The backfill made the old process findable by its model's task labels.
        items, total = store.search("gewerbeerlaubnis")
        assert total == 1 and items[0]["ref"] == "trier/gewerbe@1.2.0"
        # Only the latest version is searched: no process holds both words any more (the search
        # says it shows fewer words instead).
        assert store.search_page(SearchQuery(text="antrag pruefen")).fallback["kind"] == "partial"
        # Step 3 checked every stored model once: its validation summary (recommended preset;
        # tiny_model has no diagram, one no-bpmndi error) is listed in search and the index.
        for version in models:
            row = store.find_version("trier", "gewerbe", version)
            assert (row.validation_errors, row.validation_warnings) == (1, 0)
        assert items[0]["validation"] == {"errors": 1, "warnings": 0}
        with store.snapshot() as conn:
            assert [item["validation"] for chunk in store.index_items(conn) for item in chunk] == [
                {"errors": 1, "warnings": 0}
            ]
        # Step 5 indexed the old process for ranked search: words, key prefix, Land, facets; the
        # adoption recorded before the upgrade counts; the listing's state is one counter.
        page = store.search_page(SearchQuery(text="Gewerbe anmelden", land="07", facets=True))
        assert [hit.ref for hit in page.hits] == ["trier/gewerbe@1.2.0"] and page.hits[0].tier == "exact"
        assert page.hits[0].adoptions == 1 and page.facets["land"][0]["count"] == 1
        assert [hit.slug for hit in store.search_page(SearchQuery(keys=("9905",))).hits] == ["gewerbe"]
        assert [hit.slug for hit in store.search_page(SearchQuery(text="GewO")).hits] == ["gewerbe"]
        assert store.search_page(SearchQuery(text="Gewerbeanmeldnug")).fallback["kind"] == "typo"
        with store.snapshot() as conn:
            etag, listed = store.index_state(conn)
        assert listed == 1
        # New features work on old data.
        store.yank("trier", "gewerbe", "1.2.0", "Fehler", "trier")
        with store.snapshot() as conn:
            assert store.index_state(conn)[0] != etag
        assert store.get_process("trier", "gewerbe")["latest"] == "1.0.0"
        assert store.adopt("trier", "gewerbe", "1.0.0", "koblenz")[0] is True
        # Step 4: the old token opens a web session; ending it (sign-out) makes its id no session.
        member, session_id = store.start_session(TOKEN, 3600)
        assert member["slug"] == "trier" and TOKEN not in session_id
        assert store.member_for_session(session_id, 3600)["slug"] == "trier"
        with store.read() as conn:  # only the id's sha256 is stored, as for tokens
            assert conn.execute(sa.text("SELECT session_hash FROM web_sessions")).scalars().all() == [
                hashlib.sha256(session_id.encode()).hexdigest()
            ]
        assert store.end_session(session_id) is True and store.member_for_session(session_id, 3600) is None
        assert store.end_session(session_id) is False
        assert store.start_session("pxl_unknown-token", 3600) is None
        assert store.integrity_problems() == []
        # The upgraded schema has exactly the columns the code uses.
        inspector = sa.inspect(store.engine)
        for table in meta.sorted_tables:
            found = {c["name"] for c in inspector.get_columns(table.name)}
            if table.name == "processes" and store.dialect == "postgresql":
                found -= set(search_index.VECTOR_COLUMNS)  # tsvector columns, PostgreSQL only
            assert found == set(table.c.keys()), table.name
    finally:
        store.close()
    # Upgrading again changes nothing.
    engine = make_engine(db)
    try:
        assert migrations.upgrade(engine) == (migrations.SCHEMA_VERSION, migrations.SCHEMA_VERSION)
    finally:
        engine.dispose()


def test_sqlite_database_of_the_first_release_is_upgraded_without_loss(tmp_path):
    db = tmp_path / "old.sqlite"
    engine = make_engine(str(db))
    with engine.begin() as conn:
        for statement in filter(str.strip, V1_SQLITE_DDL.split(";")):
            conn.exec_driver_sql(statement)
        models = _insert_v1_data(conn)
    _adopt_at_version_4(engine)
    engine.dispose()
    _check_upgraded(str(db), models)


def test_postgresql_database_at_version_1_is_upgraded_without_loss(tmp_path):
    db, cleanup = make_db("postgresql", tmp_path)
    try:
        engine = make_engine(db)
        assert migrations.upgrade(engine, target=1) == (0, 1)
        with engine.begin() as conn:
            models = _insert_v1_data(conn)
            for table in ("members", "tokens", "processes", "versions"):  # ids were given explicitly
                conn.execute(sa.text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), 10)"))
        _adopt_at_version_4(engine)
        engine.dispose()
        _check_upgraded(db, models)
    finally:
        cleanup()


def test_a_newer_schema_is_refused_with_a_clear_message(tmp_path):
    db = str(tmp_path / "future.sqlite")
    Store(db).close()
    engine = make_engine(db)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE schema_version SET version = 99"))
    engine.dispose()
    with pytest.raises(migrations.SchemaError, match="schema version 99, newer than this procex"):
        Store(db)


def test_fresh_database_matches_the_code(tmp_path):
    store = Store(str(tmp_path / "fresh.sqlite"))
    try:
        inspector = sa.inspect(store.engine)
        fts = {name for name in inspector.get_table_names() if name.startswith(tuple(search_index.FTS_TABLES.values()))}
        assert {name.split("_")[1] for name in fts} == set(search_index.TIER_FIELDS)
        assert set(inspector.get_table_names()) - fts == set(meta.tables) | {"schema_version"}
        for table in meta.sorted_tables:
            assert {c["name"] for c in inspector.get_columns(table.name)} == set(table.c.keys())
    finally:
        store.close()


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_derivations_are_backfilled_from_the_manifests_of_a_schema_6_library(tmp_path, backend):
    """Step 7 indexes derived_from: a library at schema 6 (the same rows, no derivations table) with
    derived versions lists, once upgraded, the same processes derived from each one."""
    from procex.exchange.server.web.queries import derived_processes

    db, cleanup = make_db(backend, tmp_path)
    try:
        store = Store(db)
        models = {}
        for publisher, slug, version, source in (
            ("trier", "gewerbe", "1.0.0", None),
            ("trier", "gewerbe", "1.1.0", None),
            ("koblenz", "gewerbe", "1.0.0", "trier/gewerbe@1.0.0"),
            ("koblenz", "gewerbe", "1.1.0", "trier/gewerbe@1.1.0"),
            ("mayen", "gewerbe", "1.0.0", "trier/gewerbe@1.0.0"),
            ("mayen", "gewerbe", "2.0.0", None),  # its own now: not listed any more
            ("bingen", "anmeldung", "1.0.0", "koblenz/gewerbe@1.0.0"),
        ):
            model = models[f"{publisher}/{slug}@{version}"] = tiny_model(task=f"Prüfen {publisher} {version}")
            fields = (
                {"derived_from": {"ref": source, "sha256": hashlib.sha256(models[source]).hexdigest()}}
                if source
                else {}
            )
            fields["keywords"] = ["Gewerbe", publisher.capitalize()]  # a word the name lacks: a group stem
            assert store.publish(manifest_for(publisher, slug, version, model, **fields), model)[0] == "created"
        expected = {
            ("trier", "gewerbe"): [
                {"publisher": "koblenz", "slug": "gewerbe", "version": "1.1.0", "from_version": "1.1.0"}
            ],
            ("koblenz", "gewerbe"): [
                {"publisher": "bingen", "slug": "anmeldung", "version": "1.0.0", "from_version": "1.0.0"}
            ],
            ("mayen", "gewerbe"): [],
        }
        assert {key: derived_processes(store, *key) for key in expected} == expected
        group_stems = "SELECT stem, name_id, leika_keys, processes FROM suggest_group_stems ORDER BY 1, 2, 3"
        groups = "SELECT name_id, leika_keys, processes FROM suggest_groups ORDER BY 1, 2"
        with store.engine.begin() as conn:  # back to schema 6: steps 7 to 11 only added tables and indexes
            assert conn.execute(sa.text("SELECT COUNT(*) FROM derivations")).scalar() == 4
            published = conn.execute(sa.text(group_stems)).fetchall()
            published_groups = conn.execute(sa.text(groups)).fetchall()
            conn.execute(sa.text("DROP TABLE derivations"))
            conn.execute(sa.text("DROP TABLE suggest_group_stems"))
            conn.execute(sa.text("DROP TABLE suggest_key_groups"))
            conn.execute(sa.text("DROP TABLE suggest_groups"))
            conn.execute(sa.text("DROP INDEX ix_suggest_processes_heads"))
            conn.execute(sa.text("CREATE INDEX ix_suggest_processes_name ON suggest_processes (name_id)"))
            conn.execute(sa.text("UPDATE schema_version SET version = 6"))
        # Publishing kept the group stems: each listed process's keyword that its name lacks, once
        # (trier, koblenz, mayen, bingen); step 8 fills the same from the suggest index.
        assert len(published) == 4 and {count for *_, count in published} == {1}
        # The four listed processes share one name and key (manifest_for's): one group of four.
        assert [count for *_, count in published_groups] == [4]
        store.close()
        engine = make_engine(db)
        try:
            assert migrations.upgrade(engine) == (6, migrations.SCHEMA_VERSION)
        finally:
            engine.dispose()
        store = Store(db)
        try:
            assert {key: derived_processes(store, *key) for key in expected} == expected
            with store.read() as conn:  # every derived version, the old ones too
                assert conn.execute(sa.text("SELECT COUNT(*) FROM derivations")).scalar() == 4
                assert conn.execute(sa.text(group_stems)).fetchall() == published
                assert conn.execute(sa.text(groups)).fetchall() == published_groups
        finally:
            store.close()
    finally:
        cleanup()
