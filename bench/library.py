"""Generated libraries for the server benchmarks: N LeiKa-named processes, kept between runs.

``library(backend, count)`` returns a database (SQLite file path or PostgreSQL URL) holding
``count`` processes with one version and model each, published by 500 municipalities of all
Länder, indexed for search exactly as the server indexes (storage/search_index.document), with
adoptions (a few processes adopted by many, most by none). The first call generates it with bulk
inserts (SQLite: executemany in one transaction; PostgreSQL: COPY, indexes dropped during the load
and rebuilt after), which takes minutes at 1,000,000; later calls reuse it from the cache folder
(``~/.cache/procex-bench``, or $PROCEX_BENCH_CACHE) and the PostgreSQL database
``procex_bench_<count>_g<generator>_s<schema>`` ($PROCEX_BENCH_DB names another prefix than
procex_bench, for a cache folder of one's own). A marker file is written only when a library
is complete, so an interrupted generation starts over. A cached library of an older schema (same
count and generator) is upgraded in place by the server's own migrations, timed, and renamed to
the current schema's name, instead of being generated anew; a PostgreSQL library that other
sessions are using is left alone (the run stops and says so).

    .venv/bin/python bench/library.py --backend postgresql --processes 1000000
"""

import argparse
import csv
import json
import os
import random
import sys
import time
from contextlib import ExitStack
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import sqlalchemy as sa

from procex.exchange.library import package
from procex.exchange.server.storage import derivations, migrations, search_index
from procex.exchange.server.storage.store import Store, make_engine

GENERATOR = 2  # bump when the generated data changes: cached libraries are then made anew
LEIKA = REPO / "exchange" / "data" / "leika_2019.csv"
PG_ADMIN = "host=127.0.0.1 port=5432 user=postgres dbname=test"
PG_URL = "postgresql://postgres@127.0.0.1:5432/{name}"
MEMBERS = 500
NOW = "2026-12-01T10:00:00Z"
TASKS = [
    "Antrag prüfen",
    "Unterlagen anfordern",
    "Gebühr festsetzen",
    "Bescheid erstellen",
    "Akte anlegen",
    "Zahlung verbuchen",
    "Stellungnahme einholen",
    "Vollständigkeit prüfen",
    "Termin vereinbaren",
    "Daten an Register melden",
    "Bescheid versenden",
    "Widerspruch prüfen",
]
DESCRIPTIONS = [
    "Referenzprozess des Bürgeramts.",
    "Modelliert nach FIM-Stammprozess, angepasst an die örtliche Zuständigkeit.",
    "Bearbeitung im Fachverfahren mit elektronischer Akte.",
    "Antragstellung online über das Serviceportal, Bescheid per Post.",
    "Mit Beteiligung der Fachämter und Gebührenerhebung.",
]


def cache_dir():
    folder = Path(os.environ.get("PROCEX_BENCH_CACHE", Path.home() / ".cache" / "procex-bench"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def services():
    with open(LEIKA, encoding="utf-8") as handle:
        return [row for row in csv.DictReader(handle)]


def members():
    rng = random.Random(11)
    found = []
    for i in range(MEMBERS):
        land = 1 + i % 16
        ags = f"{land:02d}{rng.randrange(0, 999999):06d}"
        found.append({"id": i + 1, "slug": f"gemeinde-{i:03d}", "name": f"Gemeinde {i}", "ags": ags})
    return found


def model_bytes(name, tasks):
    nodes = "".join(f'<bpmn:task id="t{i}" name="{task}"/>' for i, task in enumerate(tasks))
    flows = "".join(
        f'<bpmn:sequenceFlow id="f{i}" sourceRef="t{i}" targetRef="t{i + 1}"/>' for i in range(len(tasks) - 1)
    )
    name = name.replace("&", "und").replace("<", "").replace('"', "")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<bpmn:definitions '
        'xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" '
        f'targetNamespace="http://procex.bench/"><bpmn:process id="p" name="{name}">'
        f"{nodes}{flows}</bpmn:process></bpmn:definitions>\n"
    ).encode()


def adoption_count(rng):
    """Most processes are adopted by nobody, some by a few, a handful by many."""
    roll = rng.random()
    if roll < 0.9:
        return 0
    if roll < 0.99:
        return rng.randint(1, 3)
    return rng.randint(4, 40)


def rows(count):
    """Yield (process, version, model, keys, adopters, vocabulary, derivation) for ``count``
    processes; derivation is the version's derivations row or None (the generator derives none)."""
    rng = random.Random(7)
    catalogue = services()
    leika = search_index.leika_services()
    member_list = members()
    for i in range(1, count + 1):
        service = catalogue[(i - 1) % len(catalogue)]
        member = member_list[i % MEMBERS]
        key, name = service["leistungsschluessel"], " ".join(service["leistungsbezeichnung"].split())
        slug = f"prozess-{i:07d}"
        tasks = rng.sample(TASKS, 5)
        model = model_bytes(name, tasks)
        manifest = {
            "publisher": member["slug"],
            "slug": slug,
            "version": "1.0.0",
            "name": name,
            "leistungsschluessel": [key],
            "description": f"{name}: {DESCRIPTIONS[i % len(DESCRIPTIONS)]}",
            "keywords": list(dict.fromkeys(name.split()[:2])),
            "legal_basis": [service["gesetz_kurz"]] if service["gesetz_kurz"] else [],
            "status": rng.choice((2, 6, 6, 6)),
            "detaillierungsstufe": rng.choice((101, 102, 103, 103, 104)),
            "region": {"ags": member["ags"], "name": member["name"]},
            "contact": {"office": "Bürgeramt", "mailbox": "buergeramt@gemeinde.example"},
            "license": "dl-de/by-2-0",
            "model": {"file": f"{slug}.bpmn", "size": len(model), "sha256": package.sha256_bytes(model)},
            "published_at": NOW,
        }
        doc = search_index.document(manifest, tasks, leika)
        adopters = rng.sample(range(1, MEMBERS + 1), adoption_count(rng))
        adopters = [a for a in adopters if a != member["id"]]
        columns = doc["columns"]
        process = {
            "id": i,
            "publisher": member["slug"],
            "slug": slug,
            "name": name,
            "created_at": NOW,
            "latest_version": "1.0.0",
            "latest_version_id": i,
            "updated_at": NOW,
            **columns,
            "adoptions": len(adopters),
            "serial": i,
            "boost": search_index.boost(len(adopters), search_index.name_term_count(columns["name_key"]), i),
        }
        version = {
            "id": i,
            "process_id": i,
            "publisher": member["slug"],
            "slug": slug,
            "version": "1.0.0",
            "version_sort": package.version_sort_text("1.0.0"),
            "manifest": json.dumps(manifest, ensure_ascii=False, sort_keys=True),
            "model_sha256": manifest["model"]["sha256"],
            "model_size": len(model),
            "published_at": NOW,
            "task_labels": "\n".join(tasks),
            "validation_errors": 1,
            "validation_warnings": 0,
        }
        derivation = derivations.row_of(i, manifest)
        yield process, version, model, doc["keys"], adopters, doc["vocabulary"], derivation


def _member_rows():
    return [dict(m, created_at=NOW, agreed_at=NOW, agreement_license="dl-de/by-2-0", contact=None) for m in members()]


def _progress(done, count, began):
    if done % 50_000 == 0 or done == count:
        rate = done / max(time.perf_counter() - began, 1e-9)
        print(f"  generated {done:,} / {count:,} processes ({rate:,.0f}/s)", file=sys.stderr, flush=True)


def generate_sqlite(path, count):
    Store(str(path)).close()
    engine = sa.create_engine(f"sqlite:///{path}")
    began = time.perf_counter()
    with engine.begin() as conn:
        raw = conn.connection.driver_connection
        raw.execute("PRAGMA journal_mode = WAL")
        raw.executemany(
            "INSERT INTO members (id, slug, name, ags, contact, created_at, agreed_at, agreement_license) "
            "VALUES (:id, :slug, :name, :ags, :contact, :created_at, :agreed_at, :agreement_license)",
            _member_rows(),
        )
        batch = {"p": [], "v": [], "m": [], "k": [], "a": [], "f": [], "d": []}
        vocabulary = set()
        adoption_id = 0
        process_columns = None
        for done, (process, version, model, keys, adopters, words, derived) in enumerate(rows(count), start=1):
            process_columns = process_columns or list(process)
            batch["d"].extend([derived] if derived else [])
            batch["p"].append(process)
            batch["v"].append(version)
            batch["m"].append((process["id"], model))
            batch["k"].extend((key, process["id"], thema) for key, thema in keys)
            for adopter in adopters:
                adoption_id += 1
                batch["a"].append((adoption_id, process["id"], adopter, NOW))
            batch["f"].append(process)
            vocabulary |= words
            if len(batch["p"]) >= 10_000 or done == count:
                _flush_sqlite(raw, batch, process_columns)
            _progress(done, count, began)
        raw.executemany("INSERT OR IGNORE INTO search_terms (term) VALUES (?)", [(w,) for w in sorted(vocabulary)])
        raw.execute("UPDATE library_state SET serial = ?, listed = ? WHERE id = 1", (count, count))
    with engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE")
    engine.dispose()


def _flush_sqlite(raw, batch, process_columns):
    names = ", ".join(process_columns)
    raw.executemany(
        f"INSERT INTO processes ({names}) VALUES ({', '.join(':' + c for c in process_columns)})", batch["p"]
    )
    version_columns = list(batch["v"][0])
    raw.executemany(
        f"INSERT INTO versions ({', '.join(version_columns)}) VALUES ({', '.join(':' + c for c in version_columns)})",
        batch["v"],
    )
    raw.executemany("INSERT INTO models (version_id, data) VALUES (?, ?)", batch["m"])
    raw.executemany("INSERT INTO process_keys (key, process_id, themenfeld) VALUES (?, ?, ?)", batch["k"])
    raw.executemany("INSERT INTO adoptions (id, version_id, member_id, adopted_at) VALUES (?, ?, ?, ?)", batch["a"])
    if batch["d"]:
        raw.executemany(_DERIVATION_INSERT, batch["d"])
    for field, table in search_index.FTS_TABLES.items():
        raw.executemany(
            f"INSERT INTO {table} (rowid, terms) VALUES (?, ?)", [(p["id"], p[f"terms_{field}"]) for p in batch["f"]]
        )
    for value in batch.values():
        value.clear()


_DERIVATION_INSERT = (
    "INSERT INTO derivations (version_id, from_publisher, from_slug, from_version) "
    "VALUES (:version_id, :from_publisher, :from_slug, :from_version)"
)


def generate_postgres(url, count):
    import psycopg

    Store(url).close()
    began = time.perf_counter()
    with psycopg.connect(url) as conn:
        # Indexes are dropped for the load and built once after it (much faster than row by row).
        indexes = conn.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename IN "
            "('processes', 'versions', 'process_keys', 'adoptions') AND indexname NOT LIKE '%pkey' "
            "AND indexdef NOT LIKE 'CREATE UNIQUE%'"
        ).fetchall()
        for name, _ in indexes:
            conn.execute(f'DROP INDEX "{name}"')
        member_columns = ("id", "slug", "name", "ags", "contact", "created_at", "agreed_at", "agreement_license")
        with conn.cursor().copy(f"COPY members ({', '.join(member_columns)}) FROM STDIN") as copy:
            for member in _member_rows():
                copy.write_row([member[c] for c in member_columns])
        conn.commit()
    generated = rows(count)
    first = next(generated)
    process_columns = list(first[0])
    version_columns = list(first[1])
    vectors = [f"vec_{field}" for field in search_index.TIER_FIELDS]
    statements = {
        "processes": f"COPY processes ({', '.join(process_columns + vectors)}) FROM STDIN",
        "versions": f"COPY versions ({', '.join(version_columns)}) FROM STDIN",
        "models": "COPY models (version_id, data) FROM STDIN",
        "keys": "COPY process_keys (key, process_id, themenfeld) FROM STDIN",
        "adoptions": "COPY adoptions (id, version_id, member_id, adopted_at) FROM STDIN",
    }
    vocabulary = set()
    derived_rows = []  # few: inserted after the load
    adoption_id = 0
    # One connection per table, all COPYing at once: the rows are generated once and never held.
    connections = {table: psycopg.connect(url) for table in statements}
    for connection in connections.values():
        # The tables fill side by side, so a row's parent is not committed yet: the foreign key
        # triggers are off for these sessions (the generator writes consistent rows).
        connection.execute("SET session_replication_role = replica")
    try:
        with ExitStack() as stack:
            copies = {
                table: stack.enter_context(connections[table].cursor().copy(statement))
                for table, statement in statements.items()
            }

            def all_rows():
                yield first
                yield from generated

            for done, (process, version, model, keys, adopters, words, derived) in enumerate(all_rows(), start=1):
                copies["processes"].write_row(
                    [process[c] for c in process_columns]
                    + [process[f"terms_{field}"] for field in search_index.TIER_FIELDS]
                )
                copies["versions"].write_row([version[c] for c in version_columns])
                copies["models"].write_row([version["id"], model])
                for key, thema in keys:
                    copies["keys"].write_row([key, process["id"], thema])
                for adopter in adopters:
                    adoption_id += 1
                    copies["adoptions"].write_row([adoption_id, version["id"], adopter, NOW])
                vocabulary |= words
                derived_rows.extend([derived] if derived else [])
                _progress(done, count, began)
        for table in ("processes", "versions", "models", "keys", "adoptions"):
            connections[table].commit()  # in this order: versions refer to processes, and so on
    finally:
        for connection in connections.values():
            connection.close()
    with psycopg.connect(url) as conn:
        with conn.cursor().copy("COPY search_terms (term) FROM STDIN") as copy:
            for word in sorted(vocabulary):
                copy.write_row([word])
        conn.execute("UPDATE library_state SET serial = %s, listed = %s WHERE id = 1", (count, count))
        if derived_rows:
            conn.cursor().executemany(
                "INSERT INTO derivations (version_id, from_publisher, from_slug, from_version) VALUES "
                "(%(version_id)s, %(from_publisher)s, %(from_slug)s, %(from_version)s)",
                derived_rows,
            )
        for table, last in (
            ("members", MEMBERS),
            ("processes", count),
            ("versions", count),
            ("adoptions", adoption_id),
        ):
            conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), {max(last, 1)})")
        conn.commit()
        print(f"  loaded in {time.perf_counter() - began:.0f} s; building {len(indexes)} indexes", file=sys.stderr)
        conn.execute("SET maintenance_work_mem = '1GB'")
        for name, definition in indexes:
            step = time.perf_counter()
            conn.execute(definition)
            conn.commit()
            print(f"  index {name}: {time.perf_counter() - step:.0f} s", file=sys.stderr, flush=True)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")


def _tag(backend, count, schema):
    return f"{count}_g{GENERATOR}_s{schema}" + ("p" if backend == "sqlite" else "")  # p: FTS5 prefix indexes


def _database_name(tag):
    return f"{os.environ.get('PROCEX_BENCH_DB', 'procex_bench')}_{tag}"


def _older_library(backend, count):
    """(tag, marker) of the newest complete cached library of an older schema, or None."""
    folder = cache_dir()
    for schema in range(migrations.SCHEMA_VERSION - 1, 0, -1):
        tag = _tag(backend, count, schema)
        marker = folder / f"{backend}-{tag}.done"
        if marker.exists():
            return tag, marker
    return None


def _timed_upgrade(db, name):
    """Upgrade ``db`` in place with the server's migrations and print how long it took."""
    print(f"upgrading the cached library {name} in place", file=sys.stderr, flush=True)
    began, cpu = time.perf_counter(), time.process_time()
    engine = make_engine(db)
    try:
        found, reached = migrations.upgrade(engine)
    finally:
        engine.dispose()
    print(
        f"  schema {found} -> {reached} in {time.perf_counter() - began:.1f} s wall, "
        f"{time.process_time() - cpu:.1f} s CPU (this process; load average "
        f"{' '.join(f'{x:.1f}' for x in os.getloadavg())})",
        file=sys.stderr,
        flush=True,
    )


def _upgrade_sqlite(old_tag, old_marker, target, marker):
    source = cache_dir() / f"library-{old_tag}.sqlite"
    if not source.exists():
        return False
    _timed_upgrade(str(source), source.name)  # closing the last connection folds the WAL in
    for suffix in ("-wal", "-shm", ""):
        if Path(f"{source}{suffix}").exists():
            os.replace(f"{source}{suffix}", f"{target}{suffix}")
    marker.write_text(package.utc_now() + "\n")
    old_marker.unlink()
    return True


def _upgrade_postgres(old_tag, old_marker, name, marker):
    import psycopg

    old_name = _database_name(old_tag)
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (old_name,)).fetchone() is None:
            return False
        users = conn.execute("SELECT COUNT(*) FROM pg_stat_activity WHERE datname = %s", (old_name,)).fetchone()[0]
        if users:
            raise SystemExit(
                f"the cached library {old_name} is in use by {users} other session(s) (a server, a benchmark); "
                "run again when they are done: it is upgraded in place and renamed"
            )
    _timed_upgrade(PG_URL.format(name=old_name), old_name)
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')  # an unfinished generation
        conn.execute(f'ALTER DATABASE "{old_name}" RENAME TO "{name}"')
    print(f"  renamed to {name}", file=sys.stderr)
    marker.write_text(package.utc_now() + "\n")
    old_marker.unlink()
    return True


def library(backend, count):
    """The database of a generated library of ``count`` processes (made once, then cached; a cached
    one of an older schema is upgraded in place and renamed)."""
    folder = cache_dir()
    tag = _tag(backend, count, migrations.SCHEMA_VERSION)
    marker = folder / f"{backend}-{tag}.done"
    older = None if marker.exists() else _older_library(backend, count)
    if backend == "sqlite":
        target = folder / f"library-{tag}.sqlite"
        if older and _upgrade_sqlite(*older, target, marker):
            return str(target)
        if not marker.exists():
            for suffix in ("", "-wal", "-shm"):
                Path(f"{target}{suffix}").unlink(missing_ok=True)
            print(f"generating a SQLite library of {count:,} processes in {target}", file=sys.stderr)
            generate_sqlite(target, count)
            marker.write_text(package.utc_now() + "\n")
        return str(target)
    import psycopg

    name = _database_name(tag)
    url = PG_URL.format(name=name)
    if older and _upgrade_postgres(*older, name, marker):
        return url
    if not marker.exists():
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        print(f"generating a PostgreSQL library of {count:,} processes in database {name}", file=sys.stderr)
        generate_postgres(url, count)
        marker.write_text(package.utc_now() + "\n")
    return url


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--processes", type=int, default=10_000)
    args = parser.parse_args()
    began = time.perf_counter()
    print(library(args.backend, args.processes))
    print(f"ready after {time.perf_counter() - began:.0f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
