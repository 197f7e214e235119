"""Server-side suggest: rank a catalogue's waiting entries against the library with indexed reads.

The same tiers, scores and order as the client's ranking over the whole listing
(catalogue/suggest.LibraryIndex.rank): exact key, same object and action (11 digits), same
object (8 digits), same LeiKa group (5 digits) with a similar name, a similar name alone; score =
0.6 x the best label similarity of the entry's names (its title and the LeiKa name of its key) to
the process's name + 0.4 x the share of the query's stems found in the name, keywords and task
labels; ties by adoptions, publisher, slug. The caller's own processes are left out.

What it reads (storage/suggest_index.py): the search's key table (``process_keys``) by range (one
range per entry: its 8-digit object prefix holds the exact and action matches too), the postings of
the query's stems
(to pre-rank distinct names by summed inverse document frequency, the best 80 scored in full, as
the client does), and the processes carrying the chosen names. Nothing reads the whole library:
work grows with the candidates, not with the library.
"""

import heapq
import json
import math
from collections import defaultdict

import sqlalchemy as sa

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


_IN_CHUNK = 1000  # ids in one IN (...) list
_RANGE_CHUNK = 200  # key ranges or groups OR-ed in one read


def _chunks(items, size):
    items = list(items)
    return [items[start : start + size] for start in range(0, len(items), size)]


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


class _Ranker:
    """One request's reads, done once for all its entries (a handful of queries per request)."""

    def __init__(self, conn, own):
        self.conn, self.own = conn, own or ""
        names, processes = store_module.suggest_names, store_module.suggest_processes
        own_names = dict(
            conn.execute(
                sa.select(processes.c.name_id, sa.func.count())
                .where(processes.c.publisher == self.own)
                .group_by(processes.c.name_id)
            ).fetchall()
        )
        refs = {}
        for chunk in _chunks(sorted(own_names), _IN_CHUNK):
            refs.update(conn.execute(sa.select(names.c.id, names.c.refs).where(names.c.id.in_(chunk))).fetchall())
        # Names only the caller's own processes carry are not in the client's index either.
        self.own_only = {nid for nid, count in own_names.items() if refs.get(nid) == count}
        self.own_count = sum(own_names.values())
        total = conn.execute(sa.select(sa.func.count()).select_from(names)).scalar()
        self.total = (total - len(self.own_only)) or 1
        self._names = {}  # name id -> (name, stems)
        self._postings = {}  # stem -> [(name id, norm)]
        self._extra = {}  # process id -> stems of its keywords and task labels

    # --- reads, each one query (or a few chunks) for the whole request -------------------------------
    def read_names(self, ids):
        names = store_module.suggest_names
        missing = sorted({i for i in ids if i not in self._names})
        for chunk in _chunks(missing, _IN_CHUNK):
            rows = self.conn.execute(sa.select(names.c.id, names.c.name, names.c.stems).where(names.c.id.in_(chunk)))
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
                .where(postings.c.stem.in_(chunk))
                .order_by(postings.c.stem, postings.c.name_id)
            )
            for stem, nid, tokens in rows:
                if nid not in self.own_only:
                    self._postings[stem].append((nid, 1 / math.sqrt(tokens or 1)))

    def _processes(self, condition):
        processes = store_module.suggest_processes
        return self.conn.execute(
            sa.select(
                processes.c.process_id,
                processes.c.publisher,
                processes.c.slug,
                processes.c.name_id,
                processes.c.extra,
                processes.c.leika_keys,
                processes.c.adoptions,
            ).where(condition, processes.c.publisher != self.own)
        ).fetchall()

    def by_key_prefixes(self, prefixes):
        """The processes with a key starting with any of ``prefixes``: one range read per chunk."""
        processes, keys = store_module.suggest_processes, store_module.process_keys
        rows = {}
        for chunk in _chunks(sorted(prefixes), _RANGE_CHUNK):
            ranges = [sa.and_(keys.c.key >= low, keys.c.key < high) for low, high in map(_range, chunk)]
            inside = sa.select(keys.c.process_id).where(sa.or_(*ranges))
            for row in self._processes(processes.c.process_id.in_(inside)):
                rows[row.process_id] = row
        return list(rows.values())

    def by_names(self, name_ids):
        """Every process carrying one of ``name_ids``."""
        processes = store_module.suggest_processes
        rows = []
        for chunk in _chunks(sorted(name_ids), _IN_CHUNK):
            rows += self._processes(processes.c.name_id.in_(chunk))
        return rows

    def by_names_in_groups(self, pairs):
        """The processes of (name id, 5-digit group) ``pairs`` that have a key in that group."""
        processes = store_module.suggest_processes
        by_group = defaultdict(set)
        for nid, group in pairs:
            by_group[group].add(nid)
        rows = []
        for chunk in _chunks(sorted(by_group), _RANGE_CHUNK):
            conditions = [
                sa.and_(
                    processes.c.name_id.in_(sorted(by_group[group])),
                    sa.or_(processes.c.leika_keys.like(f"{group}%"), processes.c.leika_keys.like(f"% {group}%")),
                )
                for group in chunk
            ]
            rows += self._processes(sa.or_(*conditions))
        return rows

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
            first = {}
            for row in self.by_names({nid for _, tied, _ in cuts for nid in tied}):
                position = (-(row.adoptions or 0), row.publisher, row.slug)
                if row.name_id not in first or position < first[row.name_id]:
                    first[row.name_id] = position
            for query, tied, room in cuts:
                query.names += sorted(tied, key=lambda nid: first.get(nid, (1,)))[:room]

    def title(self, query, nid):
        found = query.titles.get(nid)
        if found is None:
            name = self._names[nid][0]
            found = query.titles[nid] = max((label_similarity(q, name) for q in query.queries), default=0.0)
        return found

    def score(self, query, row):
        title = self.title(query, row.name_id)
        if not query.stems:
            return _TITLE_WEIGHT * title
        name_stems = self._names[row.name_id][1]
        found = len(query.stems & name_stems)
        missing = query.stems - name_stems
        if missing and row.extra:
            extra = self._extra.get(row.process_id)
            if extra is None:
                extra = self._extra[row.process_id] = frozenset(row.extra.split())
            found += len(missing & extra)
        return _TITLE_WEIGHT * title + (1 - _TITLE_WEIGHT) * found / len(query.stems)

    def rank_all(self, queries, limit):
        """Per query: {"total", "by_match", "candidates": [(tier, score, row)]}."""
        by_object = defaultdict(list)
        if any(query.key for query in queries):
            for row in self.by_key_prefixes({query.object_prefix for query in queries if query.key}):
                for prefix in {key[:_OBJECT_DIGITS] for key in row.leika_keys.split()}:
                    by_object[prefix].append(row)
        self.similar_names(queries)
        self.read_names(
            {row.name_id for rows in by_object.values() for row in rows}
            | {nid for query in queries for nid in query.names}
        )
        # Which names' processes the similar tiers need: all of them when the name may reach
        # SIMILAR_MIN (keywords and tasks add at most 0.4), else only those in the entry's group.
        full, in_group, plans = set(), set(), []
        for query in queries:
            plan = []
            for nid in query.names:
                best = _TITLE_WEIGHT * self.title(query, nid) + (1 - _TITLE_WEIGHT) * 1.0
                if best >= SIMILAR_MIN:
                    full.add(nid)
                    plan.append((nid, None))
                elif best >= GROUP_MIN and query.group_prefix is not None:
                    in_group.add((nid, query.group_prefix))
                    plan.append((nid, query.group_prefix))
            plans.append(plan)
        rows_of = defaultdict(list)
        for row in self.by_names(full):
            rows_of[row.name_id, None].append(row)
        for row in self.by_names_in_groups({(nid, group) for nid, group in in_group if nid not in full}):
            for group in {key[:GROUP_DIGITS] for key in row.leika_keys.split()}:
                if (row.name_id, group) in in_group:
                    rows_of[row.name_id, group].append(row)
        for nid, group in in_group:
            if nid in full:  # read in full for another entry: its processes in the group are among them
                rows_of[nid, group] = [
                    row for row in rows_of[nid, None] if any(k[:GROUP_DIGITS] == group for k in row.leika_keys.split())
                ]
        return [self._rank(query, plan, by_object, rows_of, limit) for query, plan in zip(queries, plans, strict=True)]

    def _rank(self, query, plan, by_object, rows_of, limit):
        chosen = {}  # process id -> (tier, score, row)
        if query.key:
            for row in by_object.get(query.object_prefix, ()):
                keys = row.leika_keys.split()
                tier = next(t for t, digits in _PREFIXES if any(k[:digits] == query.key[:digits] for k in keys))
                chosen[row.process_id] = (tier, self.score(query, row), row)
        for nid, group in plan:
            for row in rows_of.get((nid, group), ()):
                if row.process_id in chosen:
                    continue
                found = self.score(query, row)
                same_group = query.group_prefix is not None and any(
                    k[:GROUP_DIGITS] == query.group_prefix for k in row.leika_keys.split()
                )
                if found >= SIMILAR_MIN:
                    chosen[row.process_id] = ("group" if same_group else "similar", found, row)
                elif found >= GROUP_MIN and same_group:
                    chosen[row.process_id] = ("group", found, row)
        by_tier = defaultdict(int)
        for tier, _, _ in chosen.values():
            by_tier[tier] += 1
        order = [
            (_TIER_RANK[tier], -round(found, 6), -(row.adoptions or 0), row.publisher, row.slug, tier, found, row)
            for tier, found, row in chosen.values()
        ]
        best = heapq.nsmallest(limit, order, key=lambda item: item[:5])
        return {
            "total": len(chosen),
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
                .where(processes.c.id.in_(chunk))
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
        ranker = _Ranker(conn, own)
        queries = [_Query(entry, leika) for entry in entries]
        ranked = ranker.rank_all(queries, limit)
        described = ranker.describe(ranked)
        listed = conn.execute(sa.select(sa.func.count()).select_from(store_module.suggest_processes)).scalar()
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
