"""Server-side suggest: rank a catalogue's waiting entries against the library with indexed reads.

The same tiers, scores and order as the client's ranking over the whole listing
(catalogue/suggest.LibraryIndex.rank): exact key, same object and action (11 digits), same
object (8 digits), same LeiKa group (5 digits) with a similar name, a similar name alone; score =
0.6 x the best label similarity of the entry's names (its title and the LeiKa name of its key) to
the process's name + 0.4 x the share of the query's stems found in the name, keywords and task
labels; ties by adoptions, publisher, slug. The caller's own processes are left out.

What it reads (storage/suggest_index.py): the groups per key (``suggest_key_groups``) by range (one
range per entry: its 8-digit object prefix holds the exact and action matches too), the postings of
the query's stems
(to pre-rank distinct names by summed inverse document frequency, the best 80 scored in full, as
the client does), and the processes carrying the chosen names. Nothing reads the whole library:
work grows with the candidates, not with the library.
"""

import bisect
import heapq
import json
import math
from collections import defaultdict, namedtuple
from operator import attrgetter

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY

from procex.bpmn.text import label_similarity, label_tokens, normalize_label
from procex.exchange.catalogue.suggest import (
    _NAME_CANDIDATES,
    _PREFIXES,
    _TIER_RANK,
    _TITLE_WEIGHT,
    GROUP_DIGITS,
    GROUP_MIN,
    SIMILAR_MIN,
    TIERS,
)
from procex.exchange.server.storage import store as store_module

MAX_ENTRIES = 200  # per request (the client sends a larger catalogue in parts)
MAX_LIMIT = 20
_OBJECT_DIGITS = 8


_Item = namedtuple("_Item", "tier rank low high need count")  # a bucket as one entry sees it
# The processes of a bucket read one by one: [(stems held, processes in the client's order)], ids.
_Read = namedtuple("_Read", "classes ids")
_IN_CHUNK = 1000  # ids in one IN (...) list
_RANGE_CHUNK = 200  # key ranges or groups OR-ed in one read


def _process_columns(processes):
    return [
        processes.c.process_id,
        processes.c.publisher,
        processes.c.slug,
        processes.c.name_id,
        processes.c.extra,
        processes.c.leika_keys,
        processes.c.adoptions,
    ]


def _in(conn, column, values):
    """``column IN values``; on PostgreSQL as ``= ANY(array)``, one parameter however many values
    (psycopg parses a statement of a thousand placeholders slowly)."""
    if conn.dialect.name == "postgresql":
        return column == sa.any_(sa.bindparam(None, list(values), type_=ARRAY(column.type)))
    return column.in_(values)


def _chunks(items, size):
    items = list(items)
    return [items[start : start + size] for start in range(0, len(items), size)]


def _client_order(row):
    """The client's order of equally scored processes: most adopted, then publisher, slug."""
    return -row.adoptions, row.publisher, row.slug


def _in_client_order(rows):
    """``rows`` sorted as _client_order sorts them, by two stable sorts on C-level keys (a request
    sorts some 40,000 processes read one by one)."""
    rows = sorted(rows, key=attrgetter("publisher", "slug"))
    rows.sort(key=attrgetter("adoptions"), reverse=True)  # a stable sort, reversed or not
    return rows


def _held_order(item):
    return sorted(item[0])


def _range(prefix):
    """(low, high) of the keys that start with ``prefix`` (digits): low <= key < high."""
    return prefix, prefix + ":"  # ':' follows '9' in ASCII


class _Query:
    """One catalogue entry as the ranking sees it: key, the names it is searched by, their stems."""

    def __init__(self, entry, leika):
        self.entry = entry
        key = entry.get("leistungsschluessel") or ""
        self.key = key if len(key) == 14 else ""
        title = entry.get("title") or ""
        self.queries = [title] if title else []
        service = leika.get(self.key) if self.key else None
        if service is not None and normalize_label(service.name) != normalize_label(title):
            self.queries.append(service.name)
        self.stems = frozenset(s for q in self.queries for s in label_tokens(q))
        self.object_prefix = self.key[:_OBJECT_DIGITS]
        self.group_prefix = self.key[:GROUP_DIGITS] if self.key else None
        self.titles = {}  # name id -> best label similarity of the queries to the name
        self.names = []  # the similar names scored in full (after the cheap pre-ranking)
        self.parts = {}  # name id -> (title similarity, stems found in the name, stems it lacks)


class _Ranker:
    """One request's reads, done once for all its entries (a handful of queries per request)."""

    def __init__(self, store, conn, own):
        self.conn, self.own = conn, own or ""
        names, processes = store_module.suggest_names, store_module.suggest_processes
        rows = conn.execute(
            sa.select(processes.c.name_id, processes.c.leika_keys, sa.func.count())
            .where(processes.c.publisher == self.own)
            .group_by(processes.c.name_id, processes.c.leika_keys)
        )
        self._own_groups = {(nid, keys): count for nid, keys, count in rows}  # the caller's own processes
        own_names = defaultdict(int)
        for (nid, _), count in self._own_groups.items():
            own_names[nid] += count
        refs = {}
        for chunk in _chunks(sorted(own_names), _IN_CHUNK):
            refs.update(
                conn.execute(sa.select(names.c.id, names.c.refs).where(_in(conn, names.c.id, chunk))).fetchall()
            )
        # Names only the caller's own processes carry are not in the client's index either.
        self.own_only = {nid for nid, count in own_names.items() if refs.get(nid) == count}
        self.own_count = sum(own_names.values())
        self.total = (store.table_rows(conn, names) - len(self.own_only)) or 1
        self._names = {}  # name id -> (name, stems)
        self._groups_of = {}  # name id -> {(name id, keys): processes}, the caller's own left out
        self._postings = {}  # stem -> [(name id, norm)]

    # --- reads, each one query (or a few chunks) for the whole request -------------------------------
    def read_names(self, ids):
        names = store_module.suggest_names
        missing = sorted({i for i in ids if i not in self._names})
        for chunk in _chunks(missing, _IN_CHUNK):
            rows = self.conn.execute(
                sa.select(names.c.id, names.c.name, names.c.stems).where(_in(self.conn, names.c.id, chunk))
            )
            for row in rows:
                self._names[row.id] = (row.name, frozenset(row.stems.split()))

    def read_postings(self, stems):
        postings, names = store_module.suggest_postings, store_module.suggest_names
        missing = sorted({s for s in stems if s not in self._postings})
        for stem in missing:
            self._postings[stem] = []
        for chunk in _chunks(missing, _IN_CHUNK):
            rows = self.conn.execute(
                sa.select(postings.c.stem, postings.c.name_id, names.c.tokens)
                .join(names, names.c.id == postings.c.name_id)
                .where(_in(self.conn, postings.c.stem, chunk))
                .order_by(postings.c.stem, postings.c.name_id)
            )
            for stem, nid, tokens in rows:
                if nid not in self.own_only:
                    self._postings[stem].append((nid, 1 / math.sqrt(tokens or 1)))

    def first_of_names(self, name_ids):
        """name id -> its first process in the client's order (which orders the client's names):
        the first of each of its groups' heads (a LIMIT 1 read of the heads index per group)."""
        heads = self.heads({bucket: 1 for bucket in self.buckets_of_names(name_ids)})
        first = {}
        for (nid, _), rows in heads.items():
            order = _client_order(rows[0])
            if nid not in first or order < first[nid]:
                first[nid] = order
        return first

    def buckets_by_key_prefixes(self, prefixes):
        """{(name id, keys): processes} of the groups with a key starting with one of ``prefixes``:
        a range of the key groups' primary key per prefix, less the caller's own processes."""
        key_groups = store_module.suggest_key_groups
        found = {}
        for chunk in _chunks(sorted(prefixes), _RANGE_CHUNK):
            ranges = [sa.and_(key_groups.c.key >= low, key_groups.c.key < high) for low, high in map(_range, chunk)]
            rows = self.conn.execute(
                sa.select(key_groups.c.name_id, key_groups.c.leika_keys, key_groups.c.processes).where(sa.or_(*ranges))
            )
            found.update({(nid, keys): count for nid, keys, count in rows})
        return self._less_own(found)

    def buckets_of_names(self, name_ids):
        """{(name id, keys): processes} of the groups of ``name_ids`` (by the groups' primary key),
        less the caller's own processes; kept for the request."""
        groups = store_module.suggest_groups
        missing = sorted({nid for nid in name_ids if nid not in self._groups_of})
        found = {}
        for chunk in _chunks(missing, _IN_CHUNK):
            rows = self.conn.execute(
                sa.select(groups.c.name_id, groups.c.leika_keys, groups.c.processes).where(
                    _in(self.conn, groups.c.name_id, chunk)
                )
            )
            found.update({(nid, keys): count for nid, keys, count in rows})
        for nid in missing:
            self._groups_of[nid] = {}
        for bucket, count in self._less_own(found).items():
            self._groups_of[bucket[0]][bucket] = count
        return {bucket: count for nid in set(name_ids) for bucket, count in self._groups_of[nid].items()}

    def _less_own(self, found):
        """``found`` ({group: processes}) less the caller's own processes, groups left empty dropped."""
        found = dict(found)
        for bucket, count in self._own_groups.items():
            if bucket in found:
                found[bucket] -= count
        return {bucket: count for bucket, count in found.items() if count > 0}

    def _triples(self, triples):
        """[(source, params)]: ``triples`` of (name id, keys, stem) as a table ``w`` to join, in chunks."""
        if self.conn.dialect.name == "postgresql":
            return [
                (
                    "unnest(CAST(:ids AS integer[]), CAST(:keys AS text[]), CAST(:stems AS text[])) "
                    "AS w(name_id, leika_keys, stem)",
                    {"ids": [t[0] for t in chunk], "keys": [t[1] for t in chunk], "stems": [t[2] for t in chunk]},
                )
                for chunk in _chunks(triples, 20_000)
            ]
        return [
            (
                "(SELECT column1 AS name_id, column2 AS leika_keys, column3 AS stem FROM (VALUES "
                + ", ".join(f"(:i{n}, :k{n}, :s{n})" for n in range(len(chunk)))
                + ")) AS w",
                {
                    f"{kind}{n}": value
                    for n, triple in enumerate(chunk)
                    for kind, value in zip("iks", triple, strict=True)
                },
            )
            for chunk in _chunks(triples, 3000)
        ]

    def _held(self, triples):
        """Those of ``triples`` whose group (name, keys) has a process whose keywords or tasks hold
        the stem: looked up in the group stems by their primary key, no process read."""
        if self.conn.dialect.name == "postgresql":
            # One primary-key probe per triple: LIMIT keeps the planner from hashing the whole table
            # (it grows with the library) to join it with a few thousand triples.
            probe = (
                "CROSS JOIN LATERAL (SELECT 1 AS held FROM suggest_group_stems g WHERE g.stem = w.stem "
                "AND g.name_id = w.name_id AND g.leika_keys = w.leika_keys LIMIT 1) AS g"
            )
        else:  # SQLite joins by nested loops: the primary key answers each triple
            probe = (
                "JOIN suggest_group_stems g ON g.stem = w.stem AND g.name_id = w.name_id "
                "AND g.leika_keys = w.leika_keys"
            )
        held = []
        for source, params in self._triples(triples):
            held += self.conn.execute(
                sa.text(f"SELECT w.name_id, w.leika_keys, w.stem FROM {source} {probe}"), params
            ).fetchall()
        return sorted(tuple(row) for row in held)

    def with_extras(self, wanted, relevant):
        """{bucket: _Read}: the processes of each bucket whose keywords or tasks hold one of the
        bucket's ``wanted`` stems (the only ones whose score differs from the bucket's): the
        (name, keys, stem) triples that some process holds (the group stems say which), then the
        processes of those groups, read by the (name, keys) index, the stem looked for in ``extra``.

        The processes read are grouped by which of the bucket's ``relevant`` stems (those any entry
        ranking the bucket lacks in the name) their keywords and tasks hold: every process of such a
        class scores the same for every entry, so each class is scored once, not each process (at
        1,000,000 processes, 34,198 processes read fall into 473 classes for the Koblenz catalogue)."""
        triples = [(nid, keys, stem) for (nid, keys), stems in sorted(wanted.items()) for stem in sorted(stems)]
        triples = self._held(triples)
        columns = ", ".join(f"p.{column.name}" for column in _process_columns(store_module.suggest_processes))
        if self.conn.dialect.name == "postgresql":
            # Per triple, the group's processes (OFFSET 0 keeps the subquery a per-triple index read;
            # as a plain join the planner hashes the whole of suggest_processes).
            statement = (
                f"SELECT DISTINCT p.* FROM {{source}} CROSS JOIN LATERAL (SELECT {columns} FROM suggest_processes p "
                "WHERE p.name_id = w.name_id AND p.leika_keys = w.leika_keys AND p.publisher != :own "
                "AND strpos(' ' || p.extra || ' ', ' ' || w.stem || ' ') > 0 OFFSET 0) AS p"
            )
        else:
            statement = (
                f"SELECT DISTINCT {columns} FROM {{source}} JOIN suggest_processes p "
                "ON p.name_id = w.name_id AND p.leika_keys = w.leika_keys "
                "WHERE instr(' ' || p.extra || ' ', ' ' || w.stem || ' ') > 0 AND p.publisher != :own"
            )
        classes, seen = defaultdict(lambda: defaultdict(list)), set()
        for source, params in self._triples(triples) if triples else ():
            rows = self.conn.execute(sa.text(statement.format(source=source)), dict(params, own=self.own))
            for row in rows.fetchall():
                if row.process_id not in seen:
                    seen.add(row.process_id)
                    bucket = (row.name_id, row.leika_keys)
                    classes[bucket][frozenset(relevant[bucket].intersection(row.extra.split()))].append(row)
        return {
            bucket: _Read(
                [(held, _in_client_order(rows)) for held, rows in sorted(by_held.items(), key=_held_order)],
                frozenset(row.process_id for rows in by_held.values() for row in rows),
            )
            for bucket, by_held in classes.items()
        }

    def heads(self, wanted):
        """{bucket: [rows]}: each bucket's first ``wanted[bucket]`` processes in the client's order.

        Read per bucket from the index on (name, keys, adoptions DESC, publisher, slug) (schema step
        9) with a LIMIT: the index's order is the client's, so no more than the wanted rows are read
        however many processes a bucket holds."""
        processes = store_module.suggest_processes
        columns = ", ".join(f"p.{column.name}" for column in _process_columns(processes))
        order = (
            'p.adoptions DESC, p.publisher COLLATE "C", p.slug COLLATE "C"'
            if self.conn.dialect.name == "postgresql"
            else "p.adoptions DESC, p.publisher, p.slug"
        )
        buckets = sorted(wanted.items())
        found = defaultdict(list)
        if self.conn.dialect.name == "postgresql":
            statement = sa.text(
                f"SELECT {columns} FROM unnest(CAST(:ids AS integer[]), CAST(:keys AS text[]), "
                "CAST(:most AS integer[])) AS w(name_id, leika_keys, most) CROSS JOIN LATERAL "
                f"(SELECT {columns} FROM suggest_processes p WHERE p.name_id = w.name_id "
                f"AND p.leika_keys = w.leika_keys AND p.publisher != :own ORDER BY {order} LIMIT w.most) AS p"
            )
            rows = []
            for chunk in _chunks(buckets, 20_000):
                params = {
                    "ids": [nid for (nid, _), _ in chunk],
                    "keys": [keys for (_, keys), _ in chunk],
                    "most": [most for _, most in chunk],
                    "own": self.own,
                }
                rows += self.conn.execute(statement, params).fetchall()
        else:  # SQLite runs in the process: one short statement per bucket costs microseconds
            statement = sa.text(
                f"SELECT {columns} FROM suggest_processes p WHERE p.name_id = :nid AND p.leika_keys = :keys "
                f"AND p.publisher != :own ORDER BY {order} LIMIT :most"
            )
            rows = [
                row
                for (nid, keys), most in buckets
                for row in self.conn.execute(statement, {"nid": nid, "keys": keys, "most": most, "own": self.own})
            ]
        for row in _in_client_order(rows):
            found[row.name_id, row.leika_keys].append(row)
        return found

    # --- ranking (mirrors catalogue/suggest.LibraryIndex.rank) -------------------------------------
    def _weights(self, query):
        weights = defaultdict(float)
        for stem in query.stems:
            found = self._postings.get(stem)
            if not found:
                continue
            idf = math.log(1 + self.total / len(found))
            for nid, norm in found:
                weights[nid] += idf * norm
        return weights

    def similar_names(self, queries):
        """Every entry's best distinct names by the cheap stem ranking (at most 80 each), as the
        client picks them; names tied at the cut are ordered as the client orders its names (by
        their first process: most adopted, then publisher, slug), read once for all entries."""
        self.read_postings({stem for query in queries for stem in query.stems})
        cuts = []
        for query in queries:
            weights = self._weights(query)
            if len(weights) <= _NAME_CANDIDATES:
                query.names = list(weights)
                continue
            ranked = sorted(weights, key=lambda nid: -weights[nid])
            cut = weights[ranked[_NAME_CANDIDATES - 1]]
            sure = [nid for nid in ranked if weights[nid] > cut]
            tied = [nid for nid in ranked if weights[nid] == cut]
            query.names = sure
            cuts.append((query, tied, _NAME_CANDIDATES - len(sure)))
        if cuts:
            first = self.first_of_names({nid for _, tied, _ in cuts for nid in tied})
            for query, tied, room in cuts:
                query.names += sorted(tied, key=lambda nid: first.get(nid, (1,)))[:room]

    def title(self, query, nid):
        found = query.titles.get(nid)
        if found is None:
            name = self._names[nid][0]
            found = query.titles[nid] = max((label_similarity(q, name) for q in query.queries), default=0.0)
        return found

    def _parts(self, query, nid):
        """(title similarity, query stems in the name, query stems the name lacks) of ``query`` and
        name ``nid``: the same for every process of the name, so worked out once per pair."""
        parts = query.parts.get(nid)
        if parts is None:
            name_stems = self._names[nid][1]
            stems = query.stems
            parts = query.parts[nid] = (self.title(query, nid), len(stems & name_stems), stems - name_stems)
        return parts

    def bucket_score(self, query, nid, extra_found=0):
        """The score of a process of name ``nid`` whose keywords and tasks add ``extra_found`` of the
        query's stems (0: the least any process of the name scores; all missing: the most)."""
        if not query.stems:
            return _TITLE_WEIGHT * self.title(query, nid)
        title, found, _ = self._parts(query, nid)
        return _TITLE_WEIGHT * title + (1 - _TITLE_WEIGHT) * (found + extra_found) / len(query.stems)

    def class_score(self, query, nid, held):
        """The score of the processes of name ``nid`` whose keywords and tasks hold the stems ``held``."""
        if not query.stems:
            return _TITLE_WEIGHT * self.title(query, nid)
        return self.bucket_score(query, nid, len(self._parts(query, nid)[2] & held))

    def rank_all(self, queries, limit):
        """Per query: {"total", "by_match", "candidates": [(tier, score, row)]}.

        Processes that share a name and keys (a bucket) are counted, not read: they score alike
        unless their keywords or tasks hold a query stem the name lacks, and only those are read
        (where it decides whether they count or whether they could be among the best). Of the
        other buckets only the heads of those that can reach the best ``limit`` are read."""
        keyed = {query.object_prefix for query in queries if query.key}
        key_buckets = self.buckets_by_key_prefixes(keyed) if keyed else {}
        self.similar_names(queries)
        self.read_names({nid for nid, _ in key_buckets} | {nid for query in queries for nid in query.names})
        # Which names the similar tiers need: those that may reach SIMILAR_MIN (keywords and tasks
        # add at most 0.4), else, in the entry's LeiKa group, those that may reach GROUP_MIN.
        wanted_names = set()
        for query in queries:
            query.plan = []
            for nid in query.names:
                best = _TITLE_WEIGHT * self.title(query, nid) + (1 - _TITLE_WEIGHT) * 1.0
                if best >= SIMILAR_MIN or (best >= GROUP_MIN and query.group_prefix is not None):
                    query.plan.append((nid, best < SIMILAR_MIN))
                    wanted_names.add(nid)
        name_buckets = self.buckets_of_names(wanted_names)
        by_object, by_name = defaultdict(list), defaultdict(list)
        for bucket in key_buckets:
            for prefix in {key[:_OBJECT_DIGITS] for key in bucket[1].split()}:
                by_object[prefix].append(bucket)
        for bucket in name_buckets:
            by_name[bucket[0]].append(bucket)
        counts = {**name_buckets, **key_buckets}
        wanted_extras = defaultdict(set)
        for query in queries:
            query.items = self._items(query, by_object, by_name, counts)
            for bucket in self._to_split(query, limit):
                wanted_extras[bucket] |= query.stems - self._names[bucket[0]][1]
        relevant = defaultdict(set)  # per bucket read, the stems any entry ranking it lacks in the name
        for query in queries:
            for bucket in query.items.keys() & wanted_extras.keys():
                relevant[bucket] |= query.stems - self._names[bucket[0]][1]
        extras = self.with_extras(wanted_extras, relevant) if wanted_extras else {}
        wanted_heads = {}
        for query in queries:
            query.rows, query.rests = self._chosen(query, extras, limit)
            for bucket in {rest[2] for rest in query.rests} - {None}:
                read = extras.get(bucket)
                wanted_heads[bucket] = max(wanted_heads.get(bucket, 0), limit + (len(read.ids) if read else 0))
        heads = self.heads(wanted_heads) if wanted_heads else {}
        return [self._answer(query, extras, heads, limit) for query in queries]

    def _items(self, query, by_object, by_name, counts):
        """{bucket: _Item} of the buckets that may hold candidates of ``query``."""
        items = {}
        if query.key:
            for bucket in by_object.get(query.object_prefix, ()):
                keys = bucket[1].split()
                tier = next(t for t, digits in _PREFIXES if any(k[:digits] == query.key[:digits] for k in keys))
                items[bucket] = self._item(query, bucket, tier, None, counts[bucket])
        for nid, group_only in query.plan:
            for bucket in by_name.get(nid, ()):
                if bucket in items:
                    continue
                same_group = query.group_prefix is not None and any(
                    k[:GROUP_DIGITS] == query.group_prefix for k in bucket[1].split()
                )
                if group_only and not same_group:
                    continue
                item = self._item(query, bucket, "group" if same_group else "similar",
                                  GROUP_MIN if same_group else SIMILAR_MIN, counts[bucket])  # fmt: skip
                if item.high >= item.need:
                    items[bucket] = item
        return items

    def _item(self, query, bucket, tier, need, count):
        nid = bucket[0]
        missing = len(self._parts(query, nid)[2]) if query.stems else 0
        low, high = self.bucket_score(query, nid), self.bucket_score(query, nid, missing)
        return _Item(tier, _TIER_RANK[tier], low, high, -1.0 if need is None else need, count)

    def _to_split(self, query, limit):
        """The buckets of ``query`` whose processes must be read one by one: those where keywords
        and tasks decide whether a process counts, and those that may hold one of the best
        ``limit`` but not all at one score (fewer than ``limit`` processes surely rank before them)."""
        sure = sorted(
            ((item.rank, -round(item.low, 6)), item.count) for item in query.items.values() if item.low >= item.need
        )
        places = [place for place, _ in sure]
        before = [0]
        for _, count in sure:
            before.append(before[-1] + count)
        split = []
        for bucket, item in query.items.items():
            if item.low < item.need:
                split.append(bucket)
            elif round(item.high, 6) > round(item.low, 6):
                ahead = before[bisect.bisect_left(places, (item.rank, -round(item.high, 6)))]
                if ahead < limit:
                    split.append(bucket)
        return split

    def _chosen(self, query, extras, limit):
        """(classes read, rests): a class read is (tier, score, its processes in the client's order);
        a rest is (tier, score, bucket, processes) for the processes of a bucket not read, all at
        the bucket's score; only the rests that can reach the best ``limit`` keep their bucket (the
        others' heads are not read)."""
        rows, rests = [], []
        for bucket, item in query.items.items():
            read = extras.get(bucket)
            for held, members in read.classes if read else ():
                score = self.class_score(query, bucket[0], held)
                if score >= item.need:
                    rows.append((item.tier, score, members))
            known = len(read.ids) if read else 0
            if item.count > known and item.low >= item.need:
                rests.append((item.tier, item.low, bucket, item.count - known))
        # Walk the scores from the best: rests past the place where ``limit`` are reached cannot show.
        levels = sorted(
            [((_TIER_RANK[tier], -round(score, 6)), len(members)) for tier, score, members in rows]
            + [((_TIER_RANK[tier], -round(score, 6)), count) for tier, score, _, count in rests]
        )
        reached, last = 0, None
        for level, count in levels:
            if reached >= limit and level != last:
                break
            reached, last = reached + count, level
        rests = [
            (tier, score, bucket if (_TIER_RANK[tier], -round(score, 6)) <= last else None, count)
            for tier, score, bucket, count in rests
        ]
        return rows, rests

    def _answer(self, query, extras, heads, limit):
        by_tier = defaultdict(int)
        order = []
        for tier, score, members in query.rows:
            by_tier[tier] += len(members)
            order += [
                (_TIER_RANK[tier], -round(score, 6), -row.adoptions, row.publisher, row.slug, tier, score, row)
                for row in members[:limit]
            ]
        for tier, score, bucket, count in query.rests:
            by_tier[tier] += count
            if bucket is None:
                continue
            read = extras.get(bucket)
            known = read.ids if read else frozenset()
            rest = [row for row in heads.get(bucket, ()) if row.process_id not in known][:limit]
            order += [
                (_TIER_RANK[tier], -round(score, 6), -row.adoptions, row.publisher, row.slug, tier, score, row)
                for row in rest
            ]
        best = heapq.nsmallest(limit, order, key=lambda item: item[:5])
        return {
            "total": sum(by_tier.values()),
            "by_match": {tier: by_tier.get(tier, 0) for tier in TIERS},
            "candidates": [(item[5], item[6], item[7]) for item in best],
        }

    def describe(self, ranked):
        """Per ranked entry, the candidate dicts (as catalogue/suggest.Candidate.as_json): the
        versions of every entry's candidates are read at once."""
        ids = sorted({row.process_id for answer in ranked for _, _, row in answer["candidates"]})
        processes, versions = store_module.processes, store_module.versions
        details = {}
        for chunk in _chunks(ids, _IN_CHUNK):
            rows = self.conn.execute(
                sa.select(
                    processes.c.id,
                    versions.c.manifest,
                    versions.c.validation_errors,
                    versions.c.validation_warnings,
                )
                .join(versions, versions.c.id == processes.c.latest_version_id)
                .where(_in(self.conn, processes.c.id, chunk))
            )
            for row in rows:
                details[row.id] = (json.loads(row.manifest), row.validation_errors, row.validation_warnings)
        return [
            [_candidate(details, *found) for found in answer["candidates"] if found[2].process_id in details]
            for answer in ranked
        ]


def _candidate(details, tier, score, row):
    manifest, errors, warnings = details[row.process_id]
    return {
        "ref": f"{row.publisher}/{row.slug}@{manifest['version']}",
        "publisher": row.publisher,
        "slug": row.slug,
        "version": manifest["version"],
        "name": manifest.get("name", ""),
        "leistungsschluessel": list(manifest.get("leistungsschluessel") or []),
        "match": tier,
        "score": round(score, 4),
        "adoptions": row.adoptions,
        "validation": {"errors": errors, "warnings": warnings or 0} if errors is not None else "accepted",
    }


def suggest(store, entries, own, limit=5, leika=None):
    """Rank ``entries`` ([{"leistungsschluessel", "title"}]) for member ``own``: the API's answer.

    The entries are ranked together: each read (key ranges, postings, names, processes, versions)
    is done once for the whole request, not once per entry."""
    if leika is None:
        from procex.exchange.catalogue.leika import load_leika

        leika = load_leika()
    with store.snapshot() as conn:
        ranker = _Ranker(store, conn, own)
        queries = [_Query(entry, leika) for entry in entries]
        ranked = ranker.rank_all(queries, limit)
        described = ranker.describe(ranked)
        listed = store.table_rows(conn, store_module.suggest_processes)
    answers = [
        {
            "leistungsschluessel": query.entry.get("leistungsschluessel") or "",
            "title": query.entry.get("title") or "",
            "total": answer["total"],
            "by_match": answer["by_match"],
            "candidates": candidates,
        }
        for query, answer, candidates in zip(queries, ranked, described, strict=True)
    ]
    return {"library_processes": int(listed) - ranker.own_count, "entries": answers}
