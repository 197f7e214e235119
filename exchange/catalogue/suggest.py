"""Which library processes could serve the catalogue's waiting services (``procex suggest``).

For every catalogue entry that waits (planned or in progress) and has no local process yet, the
library's processes are ranked in tiers by Leistungsschlüssel (``99 GGG OOO VVV DDD``): the same
key, then the same object and action with another detail (11 digits), then the same object with
another action (8 digits), then the same group (5 digits) with a similar name, then a similar name
alone; within a tier by title and task-label similarity (bpmn.text), then by adoptions. A
``LibraryIndex`` is built once from the library listing (by key prefix and by label stem), so 148
entries against 100,000 processes take well under two seconds. Processes of the municipality's own
publisher are left out: a suggestion is always a peer's process.

The library ranks (POST /api/v1/suggest, exchange/server/suggest.py, the same tiers and scores on
its indexes): only the entries' keys and titles travel, and the last answer is kept for offline
use (``library_suggestions``). ``LibraryIndex`` ranks here, over the whole listing, for a library
older than that endpoint (the listing comes from its index endpoint and is cached with its ETag,
``library_listing``); it is also the reference the server's ranking is tested against.
"""

import heapq
import json
import math
from collections import defaultdict
from dataclasses import dataclass

from procex.bpmn.text import label_similarity, label_tokens, normalize_label
from procex.core.terminal import printable
from procex.exchange.catalogue.leika import load_leika

WAITING = ("planned", "in_progress")
TIERS = ("exact", "action", "object", "group", "similar")
_TIER_RANK = {tier: rank for rank, tier in enumerate(TIERS)}
_PREFIXES = (("exact", 14), ("action", 11), ("object", 8))
GROUP_DIGITS = 5
SIMILAR_MIN = 0.7  # a name alone must be this close to be suggested
GROUP_MIN = 0.5  # ... or this close when the process is in the same LeiKa group
_TITLE_WEIGHT = 0.6  # score = 0.6 x label similarity of the names + 0.4 x share of query stems found
_NAME_CANDIDATES = 80  # distinct names scored in full per entry after the cheap stem ranking

TEXTS = {
    "de": {
        "exact": "gleicher Leistungsschlüssel",
        "action": "gleiche Leistung, anderes Detail",
        "object": "gleicher Leistungsgegenstand, andere Verrichtung",
        "group": "gleiche Leistungsgruppe, ähnlicher Name",
        "similar": "ähnlicher Name",
        "planned": "geplant",
        "in_progress": "in Umsetzung",
        "online": "online",
        "no_key": "ohne Schlüssel",
        "none": "keine passenden Prozesse in der Bibliothek",
        "more": "… und {n} weitere",
        "adoptions": "{n} Übernahmen",
        "adoption": "1 Übernahme",
        "adoptions_unknown": "Übernahmen unbekannt",
        "accepted": "von der Bibliothek angenommen",
        "checked": "geprüft: {errors}, {warnings}",
        "errors": ("keine Fehler", "1 Fehler", "{n} Fehler"),
        "warnings": ("keine Warnungen", "1 Warnung", "{n} Warnungen"),
        "coverage": "für {covered} von {waiting} wartenden Leistungen gibt es einen Prozess einer "
        "anderen Kommune ({exact} exakt)",
    },
    "en": {
        "exact": "same Leistungsschlüssel",
        "action": "same service, other detail",
        "object": "same object, other action",
        "group": "same service group, similar name",
        "similar": "similar name",
        "planned": "planned",
        "in_progress": "in progress",
        "online": "online",
        "no_key": "no key",
        "none": "no matching process in the library",
        "more": "… and {n} more",
        "adoptions": "{n} adoptions",
        "adoption": "1 adoption",
        "adoptions_unknown": "adoptions unknown",
        "accepted": "accepted by the library",
        "checked": "checked: {errors}, {warnings}",
        "errors": ("no errors", "1 error", "{n} errors"),
        "warnings": ("no warnings", "1 warning", "{n} warnings"),
        "coverage": "for {covered} of {waiting} waiting services a peer process exists ({exact} exact)",
    },
}


@dataclass
class Candidate:
    """A library process proposed for one catalogue entry."""

    item: dict
    tier: str
    score: float
    adoptions: int | None = None  # distinct municipalities that adopted it; None when not known

    @property
    def publisher(self):
        return self.item["publisher"]

    @property
    def slug(self):
        return self.item["slug"]

    @property
    def version(self):
        return self.item.get("version") or self.item.get("latest")

    @property
    def ref(self):
        return self.item.get("ref") or f"{self.publisher}/{self.slug}@{self.version}"

    @property
    def validation(self):
        """{"errors": n, "warnings": n} of the recommended lint preset when the library lists it
        (counted at publish), else "accepted" (the library refuses schema and reference errors)."""
        found = self.item.get("validation")
        if isinstance(found, dict) and all(_count(found.get(k)) for k in ("errors", "warnings")):
            return {"errors": found["errors"], "warnings": found["warnings"]}
        return "accepted"

    def as_json(self):
        return {
            "ref": self.ref,
            "publisher": self.publisher,
            "slug": self.slug,
            "version": self.version,
            "name": self.item.get("name", ""),
            "leistungsschluessel": list(self.item.get("leistungsschluessel") or []),
            "match": self.tier,
            "score": round(self.score, 4),
            "adoptions": self.adoptions,
            "validation": self.validation,
        }


@dataclass
class Suggestion:
    """The ranked candidates of one waiting entry (``candidates`` holds the best ``limit``)."""

    entry: object  # CatalogueEntry
    candidates: list
    total: int
    by_tier: dict

    @property
    def exact(self):
        return self.by_tier.get("exact", 0) > 0

    def as_json(self):
        e = self.entry
        return {
            "leistungsschluessel": e.leistungsschluessel,
            "title": e.title,
            "status": e.status,
            "office": e.office,
            "total": self.total,
            "by_match": {tier: self.by_tier.get(tier, 0) for tier in TIERS},
            "candidates": [c.as_json() for c in self.candidates],
        }


@dataclass
class SuggestResult:
    suggestions: list
    statuses: tuple = WAITING
    library_size: int = 0

    @property
    def coverage(self):
        """{"waiting": n, "covered": n, "exact": n}: entries with any candidate / an exact one."""
        return {
            "waiting": len(self.suggestions),
            "covered": sum(1 for s in self.suggestions if s.total),
            "exact": sum(1 for s in self.suggestions if s.exact),
        }

    def as_json(self):
        return {
            "statuses": list(self.statuses),
            "library_processes": self.library_size,
            "coverage": self.coverage,
            "entries": [s.as_json() for s in self.suggestions],
        }


def _keys(item):
    return [k for k in (item.get("leistungsschluessel") or []) if isinstance(k, str) and len(k) == 14]


class LibraryIndex:
    """The library listing indexed once: by key prefix (14/11/8/5 digits) and by name stems.

    Processes that agree in name, keywords/tasks and keys score alike for every entry, so they are
    kept as one group ("Gewerbeanmeldung" with key 99050012104000 is published by many
    municipalities) and similarity is computed once per distinct name. Each group lists its
    processes in one fixed order (most adopted first, then publisher and slug), so its best is its
    head and nothing is sorted per entry.
    """

    def __init__(self, items, own_publisher=None):
        items = [item for item in items if item.get("publisher") != own_publisher]
        self.items = sorted(items, key=lambda i: (-(_adoptions(i) or 0), i.get("publisher", ""), i.get("slug", "")))
        name_ids, extra_ids, group_ids = {}, {}, {}
        self._names = []  # name id -> the name as published (first seen)
        self._extras = []  # extra id -> stems of keywords and task labels
        self._groups = []  # group id -> positions of its processes, in the fixed order
        self._group_of = []  # group id -> (name id, extra id, keys)
        raw_ids = {}  # the same name string is normalised once
        for position, item in enumerate(self.items):
            name = item.get("name", "")
            nid = raw_ids.get(name)
            if nid is None:
                nid = raw_ids[name] = name_ids.setdefault(normalize_label(name), len(name_ids))
                if nid == len(self._names):
                    self._names.append(name)
            labels = tuple(item.get("keywords") or ()) + tuple(item.get("tasks") or ())
            extra = extra_ids.get(labels)
            if extra is None:
                extra = extra_ids[labels] = len(self._extras)
                self._extras.append(frozenset(s for label in labels for s in label_tokens(label)))
            signature = (nid, extra, tuple(_keys(item)))
            gid = group_ids.get(signature)
            if gid is None:
                gid = group_ids[signature] = len(self._groups)
                self._groups.append([])
                self._group_of.append(signature)
            self._groups[gid].append(position)
        self._prefix = {digits: defaultdict(list) for digits in (14, 11, 8)}
        self._name_groups = [[] for _ in self._names]
        for gid, (nid, _, keys) in enumerate(self._group_of):
            self._name_groups[nid].append(gid)
            for digits, table in self._prefix.items():
                for prefix in dict.fromkeys(k[:digits] for k in keys):
                    table[prefix].append(gid)
        words = {}
        self._name_tokens = [name_stems(n, words) for n in self._names]
        postings = defaultdict(list)
        for nid, tokens in enumerate(self._name_tokens):
            for token in tokens:
                postings[token].append(nid)
        self._postings = dict(postings)
        total = len(self._names) or 1
        self._idf = {t: math.log(1 + total / len(p)) for t, p in postings.items()}
        self._norm = [1 / math.sqrt(len(tokens) or 1) for tokens in self._name_tokens]

    def __len__(self):
        return len(self.items)

    # --- scoring ------------------------------------------------------------------------------
    def _title(self, queries, nid, cache):
        """The best label similarity of the entry's names to a distinct library name (cached)."""
        found = cache.get(nid)
        if found is None:
            name = self._names[nid]
            found = cache[nid] = max((label_similarity(q, name) for q in queries), default=0.0)
        return found

    def _score(self, title, query_stems, nid, extra):
        """0.6 x title similarity + 0.4 x share of the query's stems found in the name, keywords
        and task labels."""
        if not query_stems:
            return _TITLE_WEIGHT * title
        stems = self._name_tokens[nid]
        if self._extras[extra]:
            stems = stems | self._extras[extra]
        return _TITLE_WEIGHT * title + (1 - _TITLE_WEIGHT) * len(query_stems & stems) / len(query_stems)

    def _similar_names(self, query_stems):
        """The distinct names sharing the rarest query stems, best first (cheap pre-ranking:
        summed inverse document frequency of the shared stems over the root of the name's length)."""
        weights = defaultdict(float)
        norm = self._norm
        for token in query_stems:
            idf = self._idf.get(token)
            if idf is None:
                continue
            for nid in self._postings[token]:
                weights[nid] += idf * norm[nid]
        if len(weights) <= _NAME_CANDIDATES:
            return list(weights)
        return heapq.nlargest(_NAME_CANDIDATES, weights, key=weights.__getitem__)

    # --- ranking ------------------------------------------------------------------------------
    def rank(self, entry, leika=None, limit=5):
        """The Suggestion for one catalogue entry: its best ``limit`` candidates and the counts."""
        key = entry.leistungsschluessel if len(entry.leistungsschluessel or "") == 14 else ""
        leika = load_leika() if leika is None else leika
        queries = [entry.title] if entry.title else []
        service = leika.get(key) if key else None
        if service is not None and normalize_label(service.name) != normalize_label(entry.title):
            queries.append(service.name)
        query_stems = frozenset(s for q in queries for s in label_tokens(q))
        cache = {}
        chosen = {}  # group id -> (tier, score)
        if key:
            # Longest shared prefix first: a group met in the exact list is not an object match too.
            for tier, digits in _PREFIXES:
                for gid in self._prefix[digits].get(key[:digits], ()):
                    if gid not in chosen:
                        nid, extra, _ = self._group_of[gid]
                        chosen[gid] = (tier, self._score(self._title(queries, nid, cache), query_stems, nid, extra))
        group_prefix = key[:GROUP_DIGITS] if key else None
        for nid in self._similar_names(query_stems):
            title = self._title(queries, nid, cache)
            # Keywords and tasks add at most 0.4: skip names that cannot reach GROUP_MIN at all.
            if _TITLE_WEIGHT * title + (1 - _TITLE_WEIGHT) < GROUP_MIN:
                continue
            for gid in self._name_groups[nid]:
                if gid in chosen:
                    continue
                _, extra, keys = self._group_of[gid]
                score = self._score(title, query_stems, nid, extra)
                same_group = group_prefix is not None and any(k[:GROUP_DIGITS] == group_prefix for k in keys)
                if score >= SIMILAR_MIN:
                    chosen[gid] = ("group" if same_group else "similar", score)
                elif score >= GROUP_MIN and same_group:
                    chosen[gid] = ("group", score)
        by_tier = defaultdict(int)
        heads = []
        for gid, (tier, score) in chosen.items():
            positions = self._groups[gid]
            by_tier[tier] += len(positions)
            rank, negative = _TIER_RANK[tier], -round(score, 6)
            heads.extend((rank, negative, p, tier) for p in positions[: limit or None])
        heads.sort()
        best = heads[:limit] if limit else heads
        candidates = [
            Candidate(self.items[p], tier, -negative, _adoptions(self.items[p])) for _, negative, p, tier in best
        ]
        return Suggestion(entry, candidates, sum(by_tier.values()), dict(by_tier))


def name_stems(name, cache):
    """frozenset(label_tokens(name)), computed word by word with ``cache`` shared across names.

    Library names repeat their words ("Gewerbe", "Anmeldung", "Antrag auf"), and splitting German
    compounds is the costly part of label_tokens; each word is split once. A word's stems are
    those label_tokens gives it inside a label ("WORD amt" minus the anchor), so stop words drop
    out exactly as in label_tokens (tests check the equality on the whole LeiKa list).
    """
    stems = []
    for word in normalize_label(name).split():
        found = cache.get(word)
        if found is None:
            found = cache[word] = tuple(label_tokens(f"{word} {_ANCHOR}")[:-1])
        stems.extend(found)
    return frozenset(stems) if stems else frozenset(label_tokens(name))


_ANCHOR = "amt"  # a plain lexicon word: its one stem closes every "WORD amt" label


def _count(value):
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _adoptions(item):
    n = item.get("adoptions")
    return n if isinstance(n, int) else None


# --- which entries wait --------------------------------------------------------------------------


def local_entry_keys(lock):
    """Leistungsschlüssel that a process of the workspace (procex.lock) already serves."""
    return {p.entry for p in (lock.processes if lock else {}).values() if p.entry}


def waiting_entries(entries, lock=None, statuses=WAITING):
    """Entries with one of ``statuses`` and no local process (no process file, no lock entry)."""
    served = local_entry_keys(lock)
    return [
        e
        for e in entries
        if e.status in statuses and not e.process and not (e.leistungsschluessel and e.leistungsschluessel in served)
    ]


def suggest(entries, index, lock=None, statuses=WAITING, limit=5, leika=None):
    """Rank the library's processes for every waiting entry; the result knows the coverage."""
    statuses = tuple(statuses)
    leika = load_leika() if leika is None else leika
    suggestions = [index.rank(e, leika, limit) for e in waiting_entries(entries, lock, statuses)]
    return SuggestResult(suggestions, statuses, len(index))


def fill_adoptions(result, adoptions_of):
    """Fill the adoption counts the library listing did not carry, for shown candidates only.

    ``adoptions_of(publisher, slug)`` gives adoption records (or the API's {"items": [...]}),
    or None when unknown; a count is the number of distinct adopting municipalities.
    """
    seen = {}
    for suggestion in result.suggestions:
        for candidate in suggestion.candidates:
            if candidate.adoptions is not None:
                continue
            key = (candidate.publisher, candidate.slug)
            if key not in seen:
                records = adoptions_of(*key)
                if isinstance(records, dict):  # the API's answer: {"items": [...], "total": n}
                    records = records.get("items")
                seen[key] = None if records is None else len({(r.get("adopter") or {}).get("slug") for r in records})
            candidate.adoptions = seen[key]
    return result


# --- output --------------------------------------------------------------------------------------


def coverage_sentence(coverage, lang="de"):
    return TEXTS[lang]["coverage"].format(**coverage)


def _count_text(n, forms):
    return forms[min(n, 2)].format(n=n)


def _validation_text(validation, t):
    """ "geprüft: keine Fehler, 2 Warnungen" from the library's summary, else "von der Bibliothek
    angenommen" (a library that does not list it: it accepted the model, nothing more is known)."""
    if isinstance(validation, dict):
        return t["checked"].format(
            errors=_count_text(validation["errors"], t["errors"]),
            warnings=_count_text(validation["warnings"], t["warnings"]),
        )
    return t["accepted"]


def _adoptions_text(n, t):
    if n is None:
        return t["adoptions_unknown"]
    return t["adoption"] if n == 1 else t["adoptions"].format(n=n)


def format_text(result, lang="de"):
    """Lines for the terminal: per entry its candidates, then the coverage sentence."""
    t = TEXTS[lang]
    lines = []
    for s in result.suggestions:
        e = s.entry
        head = [e.leistungsschluessel or f"({t['no_key']})", e.title, t.get(e.status, e.status)]
        if e.office:
            head.append(e.office)
        lines.append("  ".join(head[:2]) + "  · " + " · ".join(head[2:]))
        if not s.candidates:
            lines.append(f"    {t['none']}")
        for number, c in enumerate(s.candidates, start=1):
            lines.append(
                f"    {number}. {printable(c.ref)}  {printable(c.item.get('name', ''))}  [{t[c.tier]}]  "
                f"{_adoptions_text(c.adoptions, t)} · {_validation_text(c.validation, t)}"
            )
        if s.total > len(s.candidates):
            lines.append(f"       {t['more'].format(n=s.total - len(s.candidates))}")
    if lines:
        lines.append("")
    lines.append(coverage_sentence(result.coverage, lang))
    return lines


# --- the workspace's view -----------------------------------------------------------------------


def suggest_for_workspace(ws, statuses=WAITING, limit=5, client=None, progress=None, notice=None):
    """Read the workspace's catalogue and lock and ask the library to rank its waiting entries.

    The library is only asked when some entry waits. It ranks on its own indexes (POST
    /api/v1/suggest: the entries' keys and titles go, the candidates come back), so nothing of the
    library is downloaded; the answer is kept in .procex/cache/suggest.json, and when the library
    cannot be reached it stands in, with one line to ``notice`` (default: stderr) saying so and
    from when. A library older than that endpoint is ranked here, over its whole listing
    (``library_listing``; ``progress(fetched, total)`` follows that download).
    """
    from procex.exchange.library.client import LibraryError

    entries, lock = ws.catalogue(), ws.lock()
    waiting = waiting_entries(entries, lock, statuses)
    if not waiting:
        return SuggestResult([], tuple(statuses), 0)
    client = client or ws.client()
    try:
        return library_suggestions(ws, client, waiting, statuses, limit, notice)
    except LibraryError as error:
        if error.status != 404:
            raise
    index = LibraryIndex(library_listing(ws, client, progress, notice), own_publisher=ws.slug)
    result = suggest(entries, index, lock, statuses, limit)
    refused = []

    def adoptions_of(publisher, slug):
        if refused:
            return None
        try:
            return client.adoptions(publisher, slug)
        except LibraryError as error:
            refused.append(error)
            return None

    return fill_adoptions(result, adoptions_of)


# --- the library's own ranking, its last answer cached in the workspace ---------------------------

SUGGEST_CACHE = (".procex", "cache", "suggest.json")


def _entry_key(entry):
    return f"{entry.leistungsschluessel or ''}\t{entry.title or ''}"


def library_suggestions(ws, client, waiting, statuses=WAITING, limit=5, notice=None):
    """The library's ranking of the ``waiting`` entries (POST /api/v1/suggest) as a SuggestResult.

    Each answer is kept per entry (key and title) in .procex/cache/suggest.json with the time it
    came; when the library cannot be reached (no connection, timeout; not a refusal) and the cache
    holds every waiting entry at this ``limit`` or more, the cached answers stand in and
    ``notice`` gets one line saying so. A library without the endpoint raises LibraryError 404.
    """
    from procex.core.files import atomic_write
    from procex.exchange.library import package
    from procex.exchange.library.client import UNREACHABLE, LibraryError

    path = ws.path(*SUGGEST_CACHE)
    try:
        answers, listed = client.suggest([(e.leistungsschluessel, e.title) for e in waiting], limit)
    except LibraryError as error:
        cached = _read_suggest_cache(path, client.base_url) if error.code == UNREACHABLE else None
        known = cached["entries"] if cached and cached["limit"] >= limit else {}
        if not all(_usable_answer(known.get(_entry_key(e))) for e in waiting):
            raise
        (notice or _notice)(
            f"note: the library at {client.base_url} cannot be reached; using its suggestions from "
            f"{_local_time(cached.get('fetched_at'), path)} ({_processes(cached['library_processes'])})"
        )
        answers = [dict(known[_entry_key(e)], candidates=known[_entry_key(e)]["candidates"][:limit]) for e in waiting]
        listed = cached["library_processes"]
    else:
        data = {
            "library": client.base_url,
            "fetched_at": package.utc_now(),
            "limit": limit,
            "library_processes": listed,
            "entries": {_entry_key(e): answer for e, answer in zip(waiting, answers, strict=True)},
        }
        try:
            atomic_write(path, json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
        except OSError:
            pass  # a cache that cannot be written costs the offline answer, nothing else
    suggestions = [_suggestion(entry, answer) for entry, answer in zip(waiting, answers, strict=True)]
    return SuggestResult(suggestions, tuple(statuses), listed)


def _suggestion(entry, answer):
    candidates = [
        Candidate(
            dict(c, latest=c.get("version")),
            c.get("match") if c.get("match") in _TIER_RANK else "similar",
            float(c.get("score") or 0),
            c.get("adoptions") if isinstance(c.get("adoptions"), int) else None,
        )
        for c in answer["candidates"]
    ]
    by_tier = {tier: n for tier, n in answer["by_match"].items() if tier in _TIER_RANK and isinstance(n, int) and n}
    return Suggestion(entry, candidates, answer["total"], by_tier)


def _usable_answer(answer):
    return (
        isinstance(answer, dict)
        and isinstance(answer.get("candidates"), list)
        and all(isinstance(c, dict) and isinstance(c.get("ref"), str) for c in answer["candidates"])
        and isinstance(answer.get("total"), int)
        and isinstance(answer.get("by_match"), dict)
    )


def _read_cache(path, library):
    """A cache file of the workspace as a dict kept for ``library``, or None when absent, unreadable
    or kept for another library."""
    try:
        data = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("library") == library else None


def _read_suggest_cache(path, library):
    """The cached suggestions of ``library``, or None when absent or unusable."""
    data = _read_cache(path, library)
    if (
        data is None
        or not isinstance(data.get("entries"), dict)
        or not isinstance(data.get("limit"), int)
        or not isinstance(data.get("library_processes"), int)
    ):
        return None
    return data


# --- the library listing, cached in the workspace -----------------------------------------------

INDEX_CACHE = (".procex", "cache", "index.json")


def library_listing(ws, client, progress=None, notice=None):
    """Every library process suggest may propose, fetched once per change of the library.

    From GET /api/v1/index, kept with its ETag and download time in .procex/cache/index.json:
    when nothing changed the library answers 304 and the cached listing is used. When the library
    cannot be reached at all (no connection, timeout; not a refusal such as 401 or 403), the
    cached listing stands in and ``notice`` gets one line saying so and from when it is. A library
    older than the index endpoint (404) is listed through search, page by page, and nothing is
    cached.
    """
    from procex.core.files import atomic_write
    from procex.exchange.library import package
    from procex.exchange.library.client import UNREACHABLE, LibraryError

    path = ws.path(*INDEX_CACHE)
    cached = _read_listing_cache(path, client.base_url)
    try:
        items, etag = client.index(progress, etag=cached["etag"] if cached else None)
    except LibraryError as error:
        if error.status == 404:
            return client.search_all(progress=progress)
        if error.code == UNREACHABLE and cached is not None:
            (notice or _notice)(
                f"note: the library at {client.base_url} cannot be reached; using the cached "
                f"listing downloaded {_local_time(cached.get('fetched_at'), path)} "
                f"({_processes(len(cached['items']))})"
            )
            return cached["items"]
        raise
    if items is None:
        return cached["items"]
    if etag:
        data = {
            "library": client.base_url,
            "etag": etag,
            "fetched_at": package.utc_now(),
            "count": len(items),
            "items": items,
        }
        try:
            atomic_write(path, json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
        except OSError:
            pass  # a cache that cannot be written costs one download next time, nothing else
    return items


def _processes(n):
    return "1 process" if n == 1 else f"{n:,} processes"


def _notice(line):
    import click

    click.echo(line, err=True)


def _local_time(stamp, path):
    """The cache's download time ("2025-03-04 14:05 CET", local time); the file's time for a
    cache written before the download time was kept."""
    from datetime import datetime

    try:
        moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except (AttributeError, ValueError):
        try:
            moment = datetime.fromtimestamp(path.stat().st_mtime).astimezone()
        except OSError:
            return "unknown time"
    return moment.astimezone().strftime("%Y-%m-%d %H:%M %Z").strip()


def _read_listing_cache(path, library):
    """The cached listing of ``library`` ({"etag", "items", ...}), or None when absent or unusable."""
    data = _read_cache(path, library)
    if (
        data is None
        or not isinstance(data.get("etag"), str)
        or not isinstance(data.get("items"), list)
        or data.get("count") != len(data["items"])
    ):
        return None
    return data
