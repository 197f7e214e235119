"""The suggest index: what the server reads to rank a catalogue's candidates (server/suggest.py).

For every listed process (its latest unyanked version) the store keeps, in the writer's transaction:

- its name, as one row per distinct normalised name (``suggest_names``: the name as first seen,
  its number of stems, how many listed processes carry it) with the name's stems as postings
  (``suggest_postings``: stem -> names), the same stems procex suggest computes on the client
  (catalogue/suggest.name_stems);
- the stems of its keywords and task labels (at most 50 labels of 200 characters, as the listing
  gives them), its 14-digit Leistungsschlüssel and its adoptions (``suggest_processes``);
- per group of processes that share a name and keys, the stems of their keywords and task labels
  that the name lacks, with how many of the group's processes hold each (``suggest_group_stems``):
  the ranking reads a process one by one only where its keywords or tasks can change its score,
  and this table tells which groups hold such a stem at all without reading their processes;
- per key of a group, the group and its number of processes (``suggest_key_groups``): the groups
  whose keys start with an entry's prefix are read by a range of its primary key, as many rows as
  groups, not one per process (schema step 10);
- every group with its number of processes (``suggest_groups``): the groups of a candidate name
  and their sizes in as many rows as groups (schema step 11).
The search's key table (``process_keys``) is not read: it holds a row per process and key, the key
groups one per group and key.

``rebuild`` fills it from the stored versions (schema step 6; step 8 adds the group stems from
what step 6 wrote, ``fill_group_stems``, step 10 the key groups, ``fill_key_groups``, step 11 the
groups, ``fill_groups``; and tools
that fill a database in bulk past the store).
"""

import json
from collections import defaultdict

import sqlalchemy as sa

from procex.bpmn.text import label_tokens, normalize_label

INDEX_TASKS = 50  # the listing's limits (store.INDEX_TASKS, INDEX_LABEL_CHARS): the client ranks on those
INDEX_LABEL_CHARS = 200
_LABEL_CACHE = 200_000  # distinct labels whose stems a rebuild keeps at once


def _tables():
    from procex.exchange.server.storage import store

    return store.suggest_names, store.suggest_postings, store.suggest_processes


def _group_stems_table():
    from procex.exchange.server.storage import store

    return store.suggest_group_stems


def _counting(table, columns):
    """(add, take, drop): the statements that count one process more or fewer in the row of
    ``table`` named by ``columns`` (its primary key), and drop the row at none. Both SQLite (3.24+)
    and PostgreSQL take the upsert."""
    names, where = ", ".join(columns), " AND ".join(f"{column} = :{column}" for column in columns)
    values = ", ".join(f":{column}" for column in columns)
    return (
        sa.text(
            f"INSERT INTO {table} ({names}, processes) VALUES ({values}, 1) "
            f"ON CONFLICT ({names}) DO UPDATE SET processes = {table}.processes + 1"
        ),
        sa.text(f"UPDATE {table} SET processes = processes - 1 WHERE {where}"),
        sa.text(f"DELETE FROM {table} WHERE {where} AND processes <= 0"),
    )


_COUNTED = {
    "suggest_group_stems": _counting("suggest_group_stems", ("stem", "name_id", "leika_keys")),
    "suggest_key_groups": _counting("suggest_key_groups", ("key", "name_id", "leika_keys")),
    "suggest_groups": _counting("suggest_groups", ("name_id", "leika_keys")),
}


def _count(conn, table, rows, added):
    """Count one process more (``added``) or fewer in each of ``rows`` (column values) of ``table``."""
    if not rows:
        return
    add, take, drop = _COUNTED[table]
    if added:
        conn.execute(add, rows)
    else:
        conn.execute(take, rows)
        conn.execute(drop, rows)


def _change_groups(conn, name_id, keys, extra_stems, added):
    """Count one process more (``added``) or fewer in its group (name, keys): the group itself, its
    row per key and its row per stem of keywords and tasks that the name lacks."""
    group = {"name_id": name_id, "leika_keys": keys}
    _count(conn, "suggest_groups", [group], added)
    _count(conn, "suggest_key_groups", [dict(group, key=key) for key in keys.split()], added)
    _count(conn, "suggest_group_stems", [dict(group, stem=stem) for stem in extra_stems], added)


def _group_stems(extra, name_stems):
    """The stems of a process's keywords and tasks that its name lacks (the group table's stems)."""
    return sorted(set(extra) - set(name_stems))


def _forget_process(conn, old):
    """Take the process of index row ``old`` out of its group's stems and out of its name's uses."""
    names, _, _ = _tables()
    name_stems = (conn.execute(sa.select(names.c.stems).where(names.c.id == old.name_id)).scalar() or "").split()
    _change_groups(conn, old.name_id, old.leika_keys, _group_stems(old.extra.split(), name_stems), False)
    _release_name(conn, old.name_id)


def process_fields(manifest, labels, stems_cache=None, label_cache=None):
    """(name, name_key, name stems, extra stems, keys) of a process as suggest ranks it.

    ``stems_cache`` (word -> stems) and ``label_cache`` (label -> stems) let a bulk rebuild split
    each word and label once: names and task labels repeat across a library."""
    from procex.exchange.catalogue.suggest import name_stems

    cache = {} if stems_cache is None else stems_cache
    labels_seen = {} if label_cache is None else label_cache
    name = manifest.get("name", "")
    tasks = [label[:INDEX_LABEL_CHARS] for label in labels if label][:INDEX_TASKS]
    extra = set()
    for label in (*manifest.get("keywords", []), *tasks):
        stems = labels_seen.get(label)
        if stems is None:
            stems = labels_seen[label] = tuple(label_tokens(label))
        extra.update(stems)
    extra = frozenset(extra)
    keys = [k for k in dict.fromkeys(manifest.get("leistungsschluessel") or []) if isinstance(k, str) and len(k) == 14]
    return name, normalize_label(name), name_stems(name, cache), extra, keys


def _name_id(conn, name, name_key, stems):
    """(id, stems) of the name row for ``name_key``, made (with its postings) when new; counts one
    more use. The stems are the row's: those of the name as first seen, which the ranking reads."""
    names, postings, _ = _tables()
    found = conn.execute(sa.select(names.c.id, names.c.stems).where(names.c.name_key == name_key)).first()
    if found is not None:
        conn.execute(names.update().where(names.c.id == found.id).values(refs=names.c.refs + 1))
        return found.id, found.stems.split()
    new = conn.execute(
        names.insert().values(name_key=name_key, name=name, stems=" ".join(sorted(stems)), tokens=len(stems), refs=1)
    ).inserted_primary_key[0]
    if stems:
        conn.execute(postings.insert(), [{"stem": stem, "name_id": new} for stem in sorted(stems)])
    return new, stems


def _release_name(conn, name_id):
    """One use fewer of a name; a name no listed process carries any more is dropped."""
    names, postings, _ = _tables()
    conn.execute(names.update().where(names.c.id == name_id).values(refs=names.c.refs - 1))
    if conn.execute(sa.select(names.c.refs).where(names.c.id == name_id)).scalar() <= 0:
        conn.execute(postings.delete().where(postings.c.name_id == name_id))
        conn.execute(names.delete().where(names.c.id == name_id))


def write(conn, process_id, publisher, slug, manifest, labels, adoptions):
    """Index (or re-index) a listed process from its latest version's manifest and task labels."""
    _, _, processes = _tables()
    name, name_key, stems, extra, keys = process_fields(manifest, labels)
    old = conn.execute(
        sa.select(processes.c.name_id, processes.c.extra, processes.c.leika_keys).where(
            processes.c.process_id == process_id
        )
    ).first()
    if old is not None:
        _forget_process(conn, old)
    name_id, name_stems = _name_id(conn, name, name_key, stems)
    _change_groups(conn, name_id, " ".join(keys), _group_stems(extra, name_stems), True)
    values = {
        "publisher": publisher,
        "slug": slug,
        "name_id": name_id,
        "extra": " ".join(sorted(extra)),
        "leika_keys": " ".join(keys),
        "adoptions": adoptions,
    }
    if old is None:
        conn.execute(processes.insert().values(process_id=process_id, **values))
    else:
        conn.execute(processes.update().where(processes.c.process_id == process_id).values(**values))


def remove(conn, process_id):
    """Take a process out (its every version yanked)."""
    _, _, processes = _tables()
    old = conn.execute(
        sa.select(processes.c.name_id, processes.c.extra, processes.c.leika_keys).where(
            processes.c.process_id == process_id
        )
    ).first()
    if old is None:
        return
    conn.execute(processes.delete().where(processes.c.process_id == process_id))
    _forget_process(conn, old)


def set_adoptions(conn, process_id, adoptions):
    _, _, processes = _tables()
    conn.execute(processes.update().where(processes.c.process_id == process_id).values(adoptions=adoptions))


def rebuild(conn, chunk=5000, progress=None):
    """Fill the suggest index from every listed process's latest version (what was there is replaced).

    Reads the processes in id order, ``chunk`` at a time (with their adoptions), so memory holds one
    chunk, the distinct names and a bounded cache of label stems: time grows linearly with the
    library. ``progress(done)`` follows it. The planner's statistics are refreshed at the end
    (ANALYZE): the ranking's reads choose their indexes by them.
    """
    names, postings, processes = _tables()
    # Schema step 6 rebuilds before step 8 made the group stems: that step fills them then.
    grouped = sa.inspect(conn).has_table("suggest_group_stems")
    for table in ((_group_stems_table(),) if grouped else ()) + (processes, postings, names):
        conn.execute(table.delete())
    found = {}  # name_key -> [id, name, stems, refs]
    stems_cache, label_cache = {}, {}
    last, done = 0, 0
    while True:
        rows = conn.execute(
            sa.text(
                "SELECT p.id, p.publisher, p.slug, v.manifest, v.task_labels FROM processes p "
                "JOIN versions v ON v.id = p.latest_version_id WHERE p.id > :last ORDER BY p.id LIMIT :chunk"
            ),
            {"last": last, "chunk": chunk},
        ).fetchall()
        if not rows:
            break
        adopted = dict(
            conn.execute(
                sa.text(
                    "SELECT v.process_id, COUNT(DISTINCT a.member_id) FROM adoptions a "
                    "JOIN versions v ON v.id = a.version_id WHERE v.process_id > :last AND v.process_id <= :upto "
                    "GROUP BY v.process_id"
                ),
                {"last": last, "upto": rows[-1].id},
            ).fetchall()
        )
        if len(label_cache) > _LABEL_CACHE:
            label_cache.clear()  # bounded: a library of a million distinct labels must not fill memory
        process_rows = []
        for row in rows:
            manifest = json.loads(row.manifest)
            labels = (row.task_labels or "").split("\n")
            name, name_key, stems, extra, keys = process_fields(manifest, labels, stems_cache, label_cache)
            entry = found.get(name_key)
            if entry is None:
                entry = found[name_key] = [len(found) + 1, name, stems, 0]
            entry[3] += 1
            process_rows.append(
                {
                    "process_id": row.id,
                    "publisher": row.publisher,
                    "slug": row.slug,
                    "name_id": entry[0],
                    "extra": " ".join(sorted(extra)),
                    "leika_keys": " ".join(keys),
                    "adoptions": int(adopted.get(row.id, 0)),
                }
            )
        conn.execute(processes.insert(), process_rows)
        last, done = rows[-1].id, done + len(rows)
        if progress:
            progress(done)
    name_rows = [
        {"id": nid, "name_key": key, "name": name, "stems": " ".join(sorted(stems)), "tokens": len(stems), "refs": refs}
        for key, (nid, name, stems, refs) in found.items()
    ]
    posting_rows = [{"stem": stem, "name_id": nid} for nid, _, stems, _ in found.values() for stem in sorted(stems)]
    for rows_, table in ((name_rows, names), (posting_rows, postings)):
        for start in range(0, len(rows_), 5000):
            conn.execute(table.insert(), rows_[start : start + 5000])
    if conn.dialect.name == "postgresql" and name_rows:
        conn.execute(sa.text("SELECT setval(pg_get_serial_sequence('suggest_names', 'id'), :n)"), {"n": len(name_rows)})
    for table in (names, postings, processes):
        conn.execute(sa.text(f"ANALYZE {table.name}"))
    if grouped:
        fill_group_stems(conn)
    if sa.inspect(conn).has_table("suggest_key_groups"):
        fill_key_groups(conn)
    if sa.inspect(conn).has_table("suggest_groups"):
        fill_groups(conn)


def fill_group_stems(conn, chunk=20_000):
    """Fill ``suggest_group_stems`` from the rest of the suggest index (what was there is replaced).

    Reads the processes a range of name ids at a time (some ``chunk`` processes, by the names'
    counts), so that memory holds one range's groups, whatever the library's size."""
    names, _, processes = _tables()
    group_stems = _group_stems_table()
    conn.execute(group_stems.delete())
    ranges, first, held = [], None, 0
    name_stems = {}
    for nid, stems, refs in conn.execute(sa.select(names.c.id, names.c.stems, names.c.refs).order_by(names.c.id)):
        name_stems[nid] = frozenset(stems.split())
        first = nid if first is None else first
        held += refs
        if held >= chunk:
            ranges.append((first, nid))
            first, held = None, 0
    if first is not None:
        ranges.append((first, nid))
    for low, high in ranges:
        counts = defaultdict(int)
        rows = conn.execute(
            sa.select(processes.c.name_id, processes.c.leika_keys, processes.c.extra).where(
                processes.c.name_id >= low, processes.c.name_id <= high, processes.c.extra != ""
            )
        )
        for nid, keys, extra in rows:
            for stem in _group_stems(extra.split(), name_stems.get(nid, ())):
                counts[stem, nid, keys] += 1
        found = [
            {"stem": stem, "name_id": nid, "leika_keys": keys, "processes": n}
            for (stem, nid, keys), n in sorted(counts.items())
        ]
        for start in range(0, len(found), 5000):
            conn.execute(group_stems.insert(), found[start : start + 5000])
    conn.execute(sa.text("ANALYZE suggest_group_stems"))


def fill_key_groups(conn):
    """Fill ``suggest_key_groups`` from ``suggest_processes`` (what was there is replaced): one
    row per key of each group, read a group at a time by the database's grouping."""
    from procex.exchange.server.storage import store

    conn.execute(store.suggest_key_groups.delete())
    rows = conn.execute(
        sa.text(
            "SELECT name_id, leika_keys, COUNT(*) FROM suggest_processes WHERE leika_keys != '' "
            "GROUP BY name_id, leika_keys"
        )
    ).fetchall()
    batch = []
    for name_id, keys, count in rows:
        batch += [{"key": key, "name_id": name_id, "leika_keys": keys, "processes": count} for key in keys.split()]
        if len(batch) >= 5000:
            conn.execute(store.suggest_key_groups.insert(), batch)
            batch = []
    if batch:
        conn.execute(store.suggest_key_groups.insert(), batch)
    conn.execute(sa.text("ANALYZE suggest_key_groups"))


def fill_groups(conn):
    """Fill ``suggest_groups`` from ``suggest_processes`` (what was there is replaced), by the
    database's grouping."""
    conn.execute(sa.text("DELETE FROM suggest_groups"))
    conn.execute(
        sa.text(
            "INSERT INTO suggest_groups (name_id, leika_keys, processes) "
            "SELECT name_id, leika_keys, COUNT(*) FROM suggest_processes GROUP BY name_id, leika_keys"
        )
    )
    conn.execute(sa.text("ANALYZE suggest_groups"))
