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


def _range(prefix):
    """(low, high) of the keys that start with ``prefix`` (digits): low <= key < high."""
    return prefix, prefix + ":"  # ':' follows '9' in ASCII


class _Ranker:
    """One request's reads, shared by its entries (names, postings and processes are cached)."""

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
        refs = dict(conn.execute(sa.select(names.c.id, names.c.refs).where(names.c.id.in_(own_names))).fetchall())
        # Names only the caller's own processes carry are not in the client's index either.
        self.own_only = {nid for nid, count in own_names.items() if refs.get(nid) == count}
        self.own_count = sum(own_names.values())
        total = conn.execute(sa.select(sa.func.count()).select_from(names)).scalar()
        self.total = (total - len(self.own_only)) or 1
        self._names = {}  # name id -> (name, stems)
        self._postings = {}  # stem -> [(name id, norm)]

    # --- reads -----------------------------------------------------------------------------------
    def names(self, ids):
        missing = [i for i in ids if i not in self._names]
        if missing:
            names = store_module.suggest_names
            for start in range(0, len(missing), 1000):
                rows = self.conn.execute(
                    sa.select(names.c.id, names.c.name, names.c.stems).where(
                        names.c.id.in_(missing[start : start + 1000])
                    )
                )
                for row in rows:
                    self._names[row.id] = (row.name, frozenset(row.stems.split()))
        return self._names

    def postings(self, stem):
        found = self._postings.get(stem)
        if found is None:
            postings, names = store_module.suggest_postings, store_module.suggest_names
            rows = self.conn.execute(
                sa.select(postings.c.name_id, names.c.tokens)
                .join(names, names.c.id == postings.c.name_id)
                .where(postings.c.stem == stem)
                .order_by(postings.c.name_id)
            )
            found = self._postings[stem] = [
                (nid, 1 / math.sqrt(tokens or 1)) for nid, tokens in rows if nid not in self.own_only
            ]
        return found

    def _processes(self, query):
        processes = store_module.suggest_processes
        return self.conn.execute(
            query.with_only_columns(
                processes.c.process_id,
                processes.c.publisher,
                processes.c.slug,
                processes.c.name_id,
                processes.c.extra,
                processes.c.leika_keys,
                processes.c.adoptions,
            ).where(processes.c.publisher != self.own)
        ).fetchall()

    def by_key_prefix(self, prefix):
        processes, keys = store_module.suggest_processes, store_module.process_keys
        low, high = _range(prefix)
        inside = sa.select(keys.c.process_id).where(keys.c.key >= low, keys.c.key < high)
        return self._processes(sa.select(processes).where(processes.c.process_id.in_(inside)))

    def by_names(self, name_ids):
        processes = store_module.suggest_processes
        rows = []
        for start in range(0, len(name_ids), 500):
            rows += self._processes(sa.select(processes).where(processes.c.name_id.in_(name_ids[start : start + 500])))
        return rows

    # --- ranking (mirrors catalogue/suggest.LibraryIndex.rank) -------------------------------------
    def _similar_names(self, query_stems):
        weights = defaultdict(float)
        for stem in query_stems:
            found = self.postings(stem)
            if not found:
                continue
            idf = math.log(1 + self.total / len(found))
            for nid, norm in found:
                weights[nid] += idf * norm
        if len(weights) <= _NAME_CANDIDATES:
            return list(weights)
        # The client keeps the first of equal weights in its name order, which is the order of the
        # names' first processes (most adopted, then publisher, slug): the same here.
        ranked = sorted(weights, key=lambda nid: -weights[nid])
        cut = weights[ranked[_NAME_CANDIDATES - 1]]
        sure = [nid for nid in ranked if weights[nid] > cut]
        tied = [nid for nid in ranked if weights[nid] == cut]
        return sure + self._in_name_order(tied)[: _NAME_CANDIDATES - len(sure)]

    def _in_name_order(self, name_ids):
        first = {}
        for row in self.by_names(name_ids):
            position = (-(row.adoptions or 0), row.publisher, row.slug)
            if row.name_id not in first or position < first[row.name_id]:
                first[row.name_id] = position
        return sorted(name_ids, key=lambda nid: first.get(nid, (1,)))

    def rank(self, key, title, leika, limit):
        key = key if len(key or "") == 14 else ""
        queries = [title] if title else []
        service = leika.get(key) if key else None
        if service is not None and normalize_label(service.name) != normalize_label(title):
            queries.append(service.name)
        query_stems = frozenset(s for q in queries for s in label_tokens(q))
        titles = {}

        def title_of(nid):
            found = titles.get(nid)
            if found is None:
                name = self.names([nid])[nid][0]
                found = titles[nid] = max((label_similarity(q, name) for q in queries), default=0.0)
            return found

        def score(row, title):
            if not query_stems:
                return _TITLE_WEIGHT * title
            stems = self.names([row.name_id])[row.name_id][1] | frozenset(row.extra.split())
            return _TITLE_WEIGHT * title + (1 - _TITLE_WEIGHT) * len(query_stems & stems) / len(query_stems)

        chosen = {}  # process id -> (tier, score, row)
        if key:
            rows = self.by_key_prefix(key[:_OBJECT_DIGITS])
            self.names(sorted({row.name_id for row in rows}))
            for row in rows:
                keys = row.leika_keys.split()
                tier = next(t for t, digits in _PREFIXES if any(k[:digits] == key[:digits] for k in keys))
                chosen[row.process_id] = (tier, score(row, title_of(row.name_id)), row)
        group_prefix = key[:GROUP_DIGITS] if key else None
        candidates = self._similar_names(query_stems)
        self.names(candidates)
        hopeful = [nid for nid in candidates if _TITLE_WEIGHT * title_of(nid) + (1 - _TITLE_WEIGHT) >= GROUP_MIN]
        for row in self.by_names(hopeful):
            if row.process_id in chosen:
                continue
            found = score(row, title_of(row.name_id))
            same_group = group_prefix is not None and any(
                k[:GROUP_DIGITS] == group_prefix for k in row.leika_keys.split()
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

    def describe(self, candidates):
        """The candidate dicts (as catalogue/suggest.Candidate.as_json) for (tier, score, row) triples."""
        ids = sorted({row.process_id for _, _, row in candidates})
        processes, versions = store_module.processes, store_module.versions
        details = {}
        for start in range(0, len(ids), 500):
            rows = self.conn.execute(
                sa.select(
                    processes.c.id,
                    versions.c.manifest,
                    versions.c.validation_errors,
                    versions.c.validation_warnings,
                )
                .join(versions, versions.c.id == processes.c.latest_version_id)
                .where(processes.c.id.in_(ids[start : start + 500]))
            )
            for row in rows:
                details[row.id] = row
        found = []
        for tier, score, row in candidates:
            detail = details.get(row.process_id)
            if detail is None:
                continue
            manifest = json.loads(detail.manifest)
            validation = (
                {"errors": detail.validation_errors, "warnings": detail.validation_warnings or 0}
                if detail.validation_errors is not None
                else "accepted"
            )
            found.append(
                {
                    "ref": f"{row.publisher}/{row.slug}@{manifest['version']}",
                    "publisher": row.publisher,
                    "slug": row.slug,
                    "version": manifest["version"],
                    "name": manifest.get("name", ""),
                    "leistungsschluessel": list(manifest.get("leistungsschluessel") or []),
                    "match": tier,
                    "score": round(score, 4),
                    "adoptions": row.adoptions,
                    "validation": validation,
                }
            )
        return found


def suggest(store, entries, own, limit=5, leika=None):
    """Rank ``entries`` ([{"leistungsschluessel", "title"}]) for member ``own``: the API's answer."""
    if leika is None:
        from procex.exchange.catalogue.leika import load_leika

        leika = load_leika()
    with store.snapshot() as conn:
        ranker = _Ranker(conn, own)
        answers = []
        for entry in entries:
            ranked = ranker.rank(entry.get("leistungsschluessel") or "", entry.get("title") or "", leika, limit)
            answers.append(
                {
                    "leistungsschluessel": entry.get("leistungsschluessel") or "",
                    "title": entry.get("title") or "",
                    "total": ranked["total"],
                    "by_match": ranked["by_match"],
                    "candidates": ranker.describe(ranked["candidates"]),
                }
            )
        listed = conn.execute(sa.select(sa.func.count()).select_from(store_module.suggest_processes)).scalar()
    return {"library_processes": int(listed) - ranker.own_count, "entries": answers}
