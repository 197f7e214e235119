"""Ranked search over the library: a typed query in, a typed page of hits out, the same on SQLite
and PostgreSQL.

    page = store.search_page(SearchQuery(text="Gewerbe anmelden", land="07", facets=True))
    for hit in page.hits: hit.name, hit.adoptions, hit.snippet ...
    store.search_page(SearchQuery(text="Gewerbe anmelden", cursor=page.next_cursor))  # next page

**Relevance.** Every word must match (the last one also as a prefix: "Gewerbe anm"). Hits come in
tiers, each answered from its own index (search_index.py): the name is exactly the words asked
for ("Gewerbe anmelden" = "Gewerbeanmeldung" = "Anmeldung eines Gewerbes"); every word is in the
name; in the name, keywords or LeiKa names of the keys; there or in the description and legal
bases; anywhere, task labels included. Within a tier the boost orders (search_index.boost): more
adoptions first, then names with fewer words, then the most recent change. The order is defined
by integers and ids only, so both backends give the same ranking; neither's own scoring (bm25,
ts_rank) is used, because they differ. ``sort`` may instead ask for adoptions, newest (last
published or yanked) or name (normalised, byte order).

**Fallbacks.** A query with words that finds nothing is tried with typos corrected, then with
fewer words (search_fallback.py); ``page.fallback`` says which.

**Totals and facets.** The total is exact up to ``EXACT_TOTAL`` (1,000) matches. Past that it is
estimated from how densely the 1,000 newest matches sit among the newest processes, rounded to
two significant digits, and ``total_estimated`` is true. Facets (on request) count the same
sample of at most 1,000 matches, scaled to the estimated total past it (``facets_estimated``).
Nothing ever counts every match.

**Paging.** ``next_cursor`` is opaque (base64 of the sort, tier and last position): the next page
starts after the last hit by index, however deep.

**Snippets.** ``hit.snippet`` is {"field", "text", "marks"}: a short excerpt of the field where
most words were found, and the [start, end) character offsets of the matching words in ``text``.
It is plain text: pages escape it and wrap marks in <mark> (``snippet_html``).
"""

import base64
import binascii
import hashlib
import html
import json
import re
from collections import namedtuple
from dataclasses import dataclass, field, replace

import sqlalchemy as sa

from procex.core.lru import Lru
from procex.exchange.server.storage import search_fallback, search_index
from procex.exchange.server.storage.search_text import (
    QueryError,
    clean_text,
    key_range,
    parse_query,
    split_asking,
    terms,
)

SORTS = ("relevance", "adoptions", "newest", "name")
TIERS = ("exact", "name", "keywords", "description", "anywhere")
TIER_FIELD = {"name": "a", "keywords": "ab", "description": "abc", "anywhere": "all"}
EXACT_TOTAL = 1000
MAX_LIMIT = 100
MAX_OFFSET = 1000  # page-number paging reaches this far; beyond, follow next_cursor
SNIPPET_CHARS = 160
KEY_RE = re.compile(r"^\d{2,14}$")
FACETS = ("publisher", "land", "fim_status", "detaillierungsstufe", "themenfeld")
FACET_VALUES = 20


@dataclass(frozen=True)
class SearchQuery:
    """What to find. ``text`` is what people type (words, Leistungsschlüssel or their prefixes);
    the other fields are filters (all must hold). ``keys`` are Leistungsschlüssel, exact (14
    digits) or prefixes ("9905"): a process matches when one of its keys falls under any of them.
    ``land`` is the two-digit AGS prefix ("07" Rheinland-Pfalz)."""

    text: str = ""
    keys: tuple = ()
    publisher: str | None = None
    land: str | None = None
    status: int | None = None
    detaillierungsstufe: int | None = None
    themenfeld: str | None = None
    sort: str = "relevance"
    limit: int = 20
    cursor: str | None = None
    offset: int = 0
    facets: bool = False


@dataclass
class SearchHit:
    publisher: str
    slug: str
    name: str
    version: str
    ref: str
    keys: list
    region: dict
    adoptions: int
    validation: dict | None
    derived_from: dict | None
    snippet: dict | None
    description: str
    keywords: list
    status: int | None
    detaillierungsstufe: int | None
    published_at: str
    updated_at: str | None
    tier: str | None

    def as_dict(self):
        """The API's form (with the field names earlier releases used: latest, leistungsschluessel).
        The fields are plain JSON values already: a shallow copy, not dataclasses.asdict's deep one."""
        data = {name: getattr(self, name) for name in _HIT_FIELDS}
        data["latest"] = self.version
        data["leistungsschluessel"] = self.keys
        return data


_HIT_FIELDS = tuple(SearchHit.__dataclass_fields__)


@dataclass
class SearchPage:
    hits: list
    total: int
    total_estimated: bool
    next_cursor: str | None
    sort: str
    facets: dict | None = None
    facets_estimated: bool = False
    fallback: dict | None = None
    words: tuple = field(default=())

    def as_dict(self):
        return {
            "items": [hit.as_dict() for hit in self.hits],
            "total": self.total,
            "total_estimated": self.total_estimated,
            "next_cursor": self.next_cursor,
            "sort": self.sort,
            "facets": self.facets,
            "facets_estimated": self.facets_estimated,
            "fallback": self.fallback,
        }


# --- checking the query ----------------------------------------------------------------------


def checked(query):
    """``query`` with its fields checked and normalised, or QueryError naming the field."""
    if query.sort not in SORTS:
        raise QueryError(f"sort: one of {', '.join(SORTS)}, got {query.sort!r}")
    if not 1 <= query.limit <= MAX_LIMIT:
        raise QueryError(f"per_page: 1 to {MAX_LIMIT}, got {query.limit}")
    if not 0 <= query.offset <= MAX_OFFSET:
        raise QueryError(f"page: reaches at most {MAX_OFFSET} hits deep; follow next_cursor for more")
    for key in query.keys:
        if not isinstance(key, str) or not KEY_RE.match(key):
            raise QueryError(f"leistungsschluessel: 2 to 14 digits (a key or its beginning), got {str(key)[:20]!r}")
    if len(query.keys) > 4:
        raise QueryError("leistungsschluessel: at most 4 keys")
    if query.land is not None and query.land not in search_index.LAENDER:
        raise QueryError(f"land: a two-digit Land code 01 to 16, got {str(query.land)[:10]!r}")
    if query.status is not None and not 1 <= query.status <= 8:
        raise QueryError(f"status: a FIM status code 1 to 8, got {query.status}")
    if query.detaillierungsstufe is not None and not 101 <= query.detaillierungsstufe <= 105:
        raise QueryError(f"detaillierungsstufe: 101 to 105, got {query.detaillierungsstufe}")
    clean_text(query.themenfeld, "themenfeld", 100)
    clean_text(query.publisher, "publisher", 64)
    return query


# --- the cursor ------------------------------------------------------------------------------


def _fingerprint(query, words, prefix, keys):
    what = [query.sort, list(words), prefix, sorted(keys), query.publisher, query.land, query.status]
    what += [query.detaillierungsstufe, query.themenfeld]
    return hashlib.sha256(json.dumps(what).encode()).hexdigest()[:12]


def _encode_cursor(fingerprint, tier, position):
    raw = json.dumps({"f": fingerprint, "t": tier, "p": position}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


_NOT_A_CURSOR = "cursor: not a cursor of this search; take next_cursor from the previous page of the same query"


def _decode_cursor(cursor, fingerprint):
    problem = _NOT_A_CURSOR
    if len(cursor) > 400:
        raise QueryError(problem)
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        tier, position = int(data["t"]), data["p"]
        ok = data["f"] == fingerprint and 0 <= tier < len(TIERS) and isinstance(position, list)
    except (ValueError, KeyError, TypeError, binascii.Error, UnicodeDecodeError):
        raise QueryError(problem) from None
    if not ok or len(position) != 2 or not isinstance(position[1], int):
        raise QueryError(problem)
    if not isinstance(position[0], (int, str)) or (isinstance(position[0], str) and len(position[0]) > 300):
        raise QueryError(problem)
    return tier, position


def _cursor_fingerprint(cursor):
    """The fingerprint a cursor was made for, or QueryError when it is no cursor at all."""
    try:
        return json.loads(base64.urlsafe_b64decode(cursor[:400] + "=" * (-len(cursor[:400]) % 4)))["f"]
    except (ValueError, KeyError, TypeError, binascii.Error, UnicodeDecodeError):
        raise QueryError(_NOT_A_CURSOR) from None


# --- SQL -------------------------------------------------------------------------------------

_ORDER = {
    # sort -> (columns, descending)
    "relevance": (("p.boost", "p.id"), True),
    "adoptions": (("p.adoptions", "p.id"), True),
    "newest": (("p.updated_at", "p.id"), True),
    "name": (("p.name_sort", "p.id"), False),
}
_POSITION = {"relevance": "boost", "adoptions": "adoptions", "newest": "updated_at", "name": "name_sort"}


SMALL_MATCH = 2000  # SQLite: a word set this small is read whole; a larger one is probed row by row
_LARGE_SETS = "large sets"  # the per-search ``sets`` entry: (CountCache, serial) that remembers large ones


class _Statement:
    """A WHERE clause under construction, with uniquely named parameters.

    On SQLite, ``conn`` and a per-search ``sets`` cache let a word condition take the form that
    suits its size: the ids of a small set (read from FTS5 up to SMALL_MATCH) inline, so the
    database looks the few rows up and sorts them; a larger set as a subquery that SQLite reads
    once into a temporary index while it walks the order's index and stops after a page (a probe
    of FTS5 per row costs about 0.5 ms, too much for sets of a few percent). Both forms select the
    same rows: the choice changes speed, never answers.
    """

    def __init__(self, dialect, conn=None, sets=None):
        self.dialect = dialect
        self.conn = conn
        self.sets = sets if sets is not None else {}
        self.params = {}

    def param(self, value):
        """A placeholder for ``value`` in the driver's own style (statements run on the DBAPI cursor)."""
        name = f"p{len(self.params)}"
        self.params[name] = value
        return f"%({name})s" if self.dialect == "postgresql" else f":{name}"

    def match(self, fields, words, prefix):
        """All ``words`` in the cumulative term field ``fields`` (search_index.TIER_FIELDS)."""
        if self.dialect == "postgresql":
            query = " & ".join(words[:-1] + [words[-1] + (":*" if prefix else "")])
            return f"p.vec_{fields} @@ CAST({self.param(query)} AS tsquery)"
        query = (" ".join(f'"{word}"' for word in words[:-1]) + f' "{words[-1]}"' + ("*" if prefix else "")).strip()
        table = search_index.FTS_TABLES[fields]
        ids = self._small_set(table, query)
        if ids is not None:
            return f"p.id IN ({', '.join(str(int(i)) for i in ids)})" if ids else "0 = 1"
        # "+p.id": not a lookup key, so SQLite walks the order's index and tests each row against
        # the set it read once, stopping after a page, instead of fetching and sorting every match.
        return f"+p.id IN (SELECT rowid FROM {table} WHERE {table} MATCH {self.param(query)})"

    def _small_set(self, table, query):
        """The rowids matching ``query`` in ``table`` when at most SMALL_MATCH, else None."""
        if self.conn is None:
            return None
        key = (table, query)
        if key not in self.sets:
            # A set found large in this library state before is not read again (CountCache).
            cache, serial = self.sets.get(_LARGE_SETS) or (None, None)
            if cache is not None and cache.get((serial, "large", key)):
                self.sets[key] = None
                return None
            sql = f"SELECT rowid FROM {table} WHERE {table} MATCH :q LIMIT {SMALL_MATCH + 1}"
            ids = [row[0] for row in fetch_rows(self.conn, sql, {"q": query})]
            self.sets[key] = ids if len(ids) <= SMALL_MATCH else None
            if cache is not None and self.sets[key] is None:
                cache.put((serial, "large", key), True)
        return self.sets[key]

    def filters(self, query, keys):
        where = ["p.latest_version_id IS NOT NULL"]
        if query.publisher:
            where.append(f"p.publisher = {self.param(query.publisher)}")
        if query.land:
            where.append(f"p.land = {self.param(query.land)}")
        if query.status is not None:
            where.append(f"p.fim_status = {self.param(query.status)}")
        if query.detaillierungsstufe is not None:
            where.append(f"p.detaillierungsstufe = {self.param(query.detaillierungsstufe)}")
        if query.themenfeld:
            where.append(
                f"p.id IN (SELECT process_id FROM process_keys WHERE themenfeld = {self.param(query.themenfeld)})"
            )
        if keys:
            ranges = []
            for key in keys:
                low, high = key_range(key)
                ranges.append(f"(k.key >= {self.param(low)} AND k.key < {self.param(high)})")
            where.append(f"p.id IN (SELECT k.process_id FROM process_keys k WHERE {' OR '.join(ranges)})")
        return where


def _tier_numbers(words):
    """The tiers a search walks, best first: all five with words, one ("anywhere") without."""
    return list(range(len(TIERS))) if words else [TIERS.index("anywhere")]


def _tier_condition(statement, tier, words, prefix):
    """The SQL condition of one tier: its own match, without the rows of the tier before it
    (the fields are cumulative, so that excludes every better tier).

    Words of asking (search_text.ASKING_WORDS: "beantragen", "online" ...) must match anywhere but
    do not decide the tier: names say "Ausstellung", not "beantragen", so "Personalausweis
    beantragen" ranks the processes named Personalausweis first."""
    content, asking = split_asking(words)
    exact = f"p.name_key IN ({', '.join(statement.param(key) for key in _name_keys(words, content))})"
    anywhere = ""
    if asking:
        anywhere = " AND " + statement.match("all", list(asking), prefix and asking[-1] == words[-1])
        exact = f"{exact}{anywhere}"
    if tier == 0:
        return exact
    content_prefix = prefix and content[-1] == words[-1]
    condition = statement.match(TIER_FIELD[TIERS[tier]], list(content), content_prefix) + anywhere
    if tier == 1:
        return f"{condition} AND NOT ({exact})"
    before = statement.match(TIER_FIELD[TIERS[tier - 1]], list(content), content_prefix)
    return f"{condition} AND NOT ({before})"


def _name_keys(words, content):
    """The name keys of the exact tier: the words asked for, and those without words of asking."""
    return sorted({" ".join(sorted(set(words))), " ".join(sorted(set(content)))})


def _keyset(statement, sort, position):
    columns, descending = _ORDER[sort]
    operator = "<" if descending else ">"
    first, last = position
    if first is None:
        return None
    return f"({columns[0]}, {columns[1]}) {operator} ({statement.param(first)}, {statement.param(last)})"


def _order_by(sort):
    columns, descending = _ORDER[sort]
    direction = " DESC" if descending else ""
    return ", ".join(column + direction for column in columns)


_ORDER_COLUMNS = (
    "p.id, p.publisher, p.slug, p.adoptions, p.boost, p.land, p.updated_at, p.name_sort, p.latest_version_id"
)
_HIT_COLUMNS = (
    "h.id, h.publisher, h.slug, h.adoptions, h.boost, h.land, h.updated_at, h.name_sort, "
    "v.manifest, v.published_at, v.validation_errors, v.validation_warnings, v.task_labels"
)
_HitRow = namedtuple(
    "_HitRow",
    "id publisher slug adoptions boost land updated_at name_sort manifest published_at "
    "validation_errors validation_warnings task_labels",
)


def fetch_rows(conn, sql, params=None):
    """The rows of ``sql`` as tuples, run on the DBAPI cursor of ``conn`` (inside its transaction).

    Searches build their SQL as text with the driver's placeholders (_Statement.param); running it
    on the cursor skips SQLAlchemy's compilation and result rows, a good part of a search's
    Python time when a page is answered in a few milliseconds.
    """
    cursor = conn.connection.cursor()
    try:
        if params:
            cursor.execute(sql, params)
        else:
            cursor.execute(sql)
        return cursor.fetchall()
    except conn.dialect.loaded_dbapi.Error as error:
        raise _as_sqlalchemy_error(conn, sql, params, error) from None
    finally:
        cursor.close()


def _as_sqlalchemy_error(conn, sql, params, error):
    """The driver's error as SQLAlchemy raises it (OperationalError: the server answers 503, not
    500). A lost connection is dropped, and the pool's other connections with it, as SQLAlchemy
    does for the statements it runs itself: after a restart, no pooled connection fails twice."""
    disconnect = conn.dialect.is_disconnect(error, conn.connection.dbapi_connection, None)
    if disconnect:
        conn.invalidate(error)
        conn.engine.dispose(close=False)  # the others are replaced at their next use
    return sa.exc.DBAPIError.instance(
        sql, params, error, conn.dialect.loaded_dbapi.Error, connection_invalidated=disconnect, dialect=conn.dialect
    )


def run(conn, query, vocabulary=None, cache=None):
    """Search through ``conn`` (a read transaction): a SearchPage. QueryError for a bad query.

    ``vocabulary`` is a callable giving the sorted known words (the typo fallback); without it
    there is no typo fallback. ``cache`` (a CountCache) keeps totals and facets per library state.
    When nothing matches, the fallbacks (search_fallback.py) are tried in turn; the first that
    finds anything answers, and says so in ``page.fallback``. A next page (``cursor``) is asked
    with the same text: it continues the search, or the fallback, that gave the cursor.
    """
    query = checked(query)
    parsed = parse_query(query.text)
    keys = tuple(dict.fromkeys(query.keys + parsed.key_prefixes))
    if query.cursor:
        return _continued(conn, query, parsed, keys, vocabulary, cache)
    page = _run(conn, query, parsed.words, parsed.prefix, keys, cache)
    if page.total or not parsed.words:
        return page
    probe = replace(query, facets=False)  # only the fallback that finds something counts facets
    for fallback in search_fallback.candidates(query.text, vocabulary):
        found = _run(conn, probe, fallback.words, fallback.prefix, keys, cache)
        if found.hits:
            if query.facets:
                found = _run(conn, query, fallback.words, fallback.prefix, keys, cache)
            found.fallback = fallback.info
            return found
    return page


def _continued(conn, query, parsed, keys, vocabulary, cache):
    """The page after ``query.cursor``: of the words asked for, or of the fallback that gave it."""
    wanted = _cursor_fingerprint(query.cursor)
    if parsed.words and wanted != _fingerprint(query, parsed.words, parsed.prefix, keys):
        for fallback in search_fallback.candidates(query.text, vocabulary):
            if _fingerprint(query, fallback.words, fallback.prefix, keys) == wanted:
                page = _run(conn, query, fallback.words, fallback.prefix, keys, cache)
                page.fallback = fallback.info
                return page
    return _run(conn, query, parsed.words, parsed.prefix, keys, cache)  # QueryError if not its cursor


def _run(conn, query, words, prefix, keys, cache=None):
    dialect = conn.dialect.name
    fingerprint = _fingerprint(query, words, prefix, keys)
    start_tier, position = 0, [None, None]
    if query.cursor:
        start_tier, position = _decode_cursor(query.cursor, fingerprint)
    want = query.offset + query.limit + 1
    rows = []
    sets = {}  # SQLite: word sets already sized in this search
    if dialect == "sqlite" and cache is not None and words:
        sets[_LARGE_SETS] = (cache, _serial(conn))
    plan = _tier_numbers(words) if query.sort == "relevance" else [TIERS.index("anywhere")]
    for tier in plan:
        if tier < start_tier:
            continue
        statement = _Statement(dialect, conn, sets)
        where = statement.filters(query, keys)
        if query.sort == "relevance" and words:
            where.append(_tier_condition(statement, tier, words, prefix))
        elif words:
            where.append(statement.match("all", list(words), prefix))
        if tier == start_tier:
            keyset = _keyset(statement, query.sort, position)
            if keyset:
                where.append(keyset)
        # The page is chosen on the narrow processes table first; only its rows read their manifests.
        sql = (
            f"SELECT {_HIT_COLUMNS} FROM (SELECT {_ORDER_COLUMNS} FROM processes p WHERE {' AND '.join(where)} "
            f"ORDER BY {_order_by(query.sort)} LIMIT {int(want - len(rows))}) h "
            f"JOIN versions v ON v.id = h.latest_version_id ORDER BY {_order_by(query.sort).replace('p.', 'h.')}"
        )
        rows.extend((tier, _HitRow._make(row)) for row in fetch_rows(conn, sql, statement.params))
        if len(rows) >= want:
            break
    rows = rows[query.offset :]
    more = len(rows) > query.limit
    rows = rows[: query.limit]
    next_cursor = None
    if more and rows:
        tier, last = rows[-1]
        value = getattr(last, _POSITION[query.sort])
        next_cursor = _encode_cursor(fingerprint, tier, [value, last.id])
    whole = not more and not query.cursor and not query.offset  # the whole answer is on this page
    if whole and not query.facets:
        total, estimated, facets, facets_estimated = len(rows), False, None, False
    else:
        counted = _counted(conn, query, words, prefix, keys, sets, whole, rows, cache)
        total, estimated, facets, facets_estimated = counted
    services = search_index.leika_services()
    ranked = bool(words) and query.sort == "relevance"
    hits = [_hit(row, TIERS[tier] if ranked else None, words, prefix, services) for tier, row in rows]
    return SearchPage(hits, total, estimated, next_cursor, query.sort, facets, facets_estimated, None, tuple(words))


class CountCache(Lru):
    """Totals and facets of searches past one page, for the library state they were counted in.

    The key holds the library's change counter (``library_state.serial``, counted by every publish,
    yank and adoption), so an entry is never used once the library has changed: a repeated search
    (the same words, keys and filters, any page or sort) reads one row instead of counting again.
    At most ``size`` entries, the least recently used leave first. Shared by a worker's threads.
    """

    def __init__(self, size=1024):
        super().__init__(size)


def _counted(conn, query, words, prefix, keys, sets, whole, rows, cache):
    """(total, estimated, facets, facets_estimated) of a search that is not answered whole by
    its page, or that asks for facets; from ``cache`` when this library state counted it before."""
    key = None
    if cache is not None and not whole:
        serial = sets[_LARGE_SETS][1] if _LARGE_SETS in sets else _serial(conn)
        filters = (query.publisher, query.land, query.status, query.detaillierungsstufe, query.themenfeld)
        key = (serial, words, prefix, keys, filters, query.facets, EXACT_TOTAL)
        found = cache.get(key)
        if found is not None:
            total, estimated, facets, facets_estimated = found
            facets = {name: [dict(entry) for entry in values] for name, values in facets.items()} if facets else facets
            return total, estimated, facets, facets_estimated
    facets, facets_estimated = None, False
    if not words and not keys and _unfiltered(query) and not query.facets:
        total, estimated = fetch_rows(conn, "SELECT listed FROM library_state WHERE id = 1")[0][0] or 0, False
    elif not query.facets:
        # Only the total is wanted: the database counts the sample and names its oldest id,
        # one row back instead of a thousand ids.
        total, estimated = _total(*_sample_figures(conn, query, words, prefix, keys, sets))
    else:
        sample = _sample(conn, query, words, prefix, keys, sets)
        if whole:
            total, estimated = len(rows), False
        elif not words and not keys and _unfiltered(query):
            total, estimated = fetch_rows(conn, "SELECT listed FROM library_state WHERE id = 1")[0][0] or 0, False
        else:
            total, estimated = _total(*_figures_of(conn, sample))
        facets, facets_estimated = _facets(conn, sample, total, estimated)
    counted = (total, estimated, facets, facets_estimated)
    if key is not None:
        cache.put(key, counted)
    return counted


def _serial(conn):
    """The library's change counter: what CountCache entries belong to."""
    return fetch_rows(conn, "SELECT serial FROM library_state WHERE id = 1")[0][0]


def _unfiltered(query):
    return not (query.publisher or query.land or query.status or query.detaillierungsstufe or query.themenfeld)


def _sample_sql(conn, query, words, prefix, keys, sets=None):
    """(sql, params): the ids of the newest EXACT_TOTAL + 1 matches (all tiers), newest first."""
    statement = _Statement(conn.dialect.name, conn, sets)
    if conn.dialect.name == "sqlite" and words and not keys and _unfiltered(query):
        # Every row of the FTS5 tables is a listed process: read the newest matches from it alone.
        table = search_index.FTS_TABLES["all"]
        text = (" ".join(f'"{word}"' for word in words[:-1]) + f' "{words[-1]}"' + ("*" if prefix else "")).strip()
        sql = f"SELECT rowid AS id FROM {table} WHERE {table} MATCH :q ORDER BY rowid DESC LIMIT {EXACT_TOTAL + 1}"
        return sql, {"q": text}
    if not words and keys and _unfiltered(query) and all(len(key) == 14 for key in keys):
        # Whole keys alone: only listed processes have rows in process_keys (search_index.remove),
        # so the key index answers by itself, newest first, without reading a process row.
        wanted = ", ".join(statement.param(key) for key in keys)
        sql = (
            f"SELECT DISTINCT k.process_id AS id FROM process_keys k WHERE k.key IN ({wanted}) "
            f"ORDER BY k.process_id DESC LIMIT {EXACT_TOTAL + 1}"
        )
        return sql, statement.params
    where = statement.filters(query, keys)
    if words:
        where.append(statement.match("all", list(words), prefix))
    sql = f"SELECT p.id FROM processes p WHERE {' AND '.join(where)} ORDER BY p.id DESC LIMIT {EXACT_TOTAL + 1}"
    return sql, statement.params


def _sample(conn, query, words, prefix, keys, sets=None):
    """The ids of the newest EXACT_TOTAL + 1 matches (all tiers), newest first."""
    return [row[0] for row in fetch_rows(conn, *_sample_sql(conn, query, words, prefix, keys, sets))]


def _sample_figures(conn, query, words, prefix, keys, sets=None):
    """What the total needs of the sample, in one statement: (its size, the id of its
    EXACT_TOTAL-th newest match or None, the newest process id, the listed processes)."""
    sql, params = _sample_sql(conn, query, words, prefix, keys, sets)
    figures = (
        f"SELECT COUNT(*), MIN(CASE WHEN n <= {EXACT_TOTAL} THEN id END), (SELECT MAX(id) FROM processes), "
        f"(SELECT listed FROM library_state WHERE id = 1) "
        f"FROM (SELECT id, ROW_NUMBER() OVER (ORDER BY id DESC) AS n FROM ({sql}) s) t"
    )
    return fetch_rows(conn, figures, params)[0]


def _figures_of(conn, sample):
    """_sample_figures from the sample's ids already read."""
    if len(sample) <= EXACT_TOTAL:
        return len(sample), None, None, None
    sql = "SELECT (SELECT MAX(id) FROM processes), listed FROM library_state WHERE id = 1"
    newest, listed = fetch_rows(conn, sql)[0]
    return len(sample), sample[EXACT_TOTAL - 1], newest, listed


def _total(size, oldest, newest, listed):
    """(total, estimated) from the sample's figures (the module docstring says how)."""
    if size <= EXACT_TOTAL:
        return size, False
    newest, listed = newest or 0, listed or 0
    span = max(newest - oldest + 1, EXACT_TOTAL)
    estimate = EXACT_TOTAL * listed / span
    return max(EXACT_TOTAL + 1, min(listed, _two_digits(estimate))), True


def _two_digits(value):
    if value < 100:
        return int(round(value))
    scale = 10 ** (len(str(int(value))) - 2)
    return int(round(value / scale) * scale)


def _facets(conn, sample, total, estimated):
    ids = sample[:EXACT_TOTAL]
    facets = {name: [] for name in FACETS}
    if not ids:
        return facets, False
    scale = total / len(ids) if estimated else 1
    id_list = ", ".join(str(int(i)) for i in ids)  # integers from the database itself
    for name in FACETS:
        if name == "themenfeld":
            sql = (
                "SELECT themenfeld, COUNT(DISTINCT process_id) FROM process_keys "
                f"WHERE process_id IN ({id_list}) AND themenfeld IS NOT NULL GROUP BY themenfeld"
            )
        else:
            sql = (
                f"SELECT {name}, COUNT(*) FROM processes WHERE id IN ({id_list}) AND {name} IS NOT NULL GROUP BY {name}"
            )
        counts = fetch_rows(conn, sql)
        counts = sorted(counts, key=lambda item: (-item[1], str(item[0])))[:FACET_VALUES]
        facets[name] = [
            {"value": value, "label": _facet_label(name, value), "count": int(round(count * scale))}
            for value, count in counts
        ]
    return facets, estimated


def _facet_label(name, value):
    if name == "land":
        return search_index.LAENDER.get(value, value)
    return str(value)


# --- hits and snippets -----------------------------------------------------------------------


def _hit(row, tier, words, prefix, services):
    manifest = json.loads(row.manifest)
    region = dict(manifest.get("region") or {})
    region["land"] = row.land
    region["land_name"] = search_index.LAENDER.get(row.land)
    validation = None
    if row.validation_errors is not None:
        validation = {"errors": row.validation_errors, "warnings": row.validation_warnings or 0}
    return SearchHit(
        publisher=row.publisher,
        slug=row.slug,
        name=manifest["name"],
        version=manifest["version"],
        ref=f"{row.publisher}/{row.slug}@{manifest['version']}",
        keys=manifest.get("leistungsschluessel", []),
        region=region,
        adoptions=row.adoptions or 0,
        validation=validation,
        derived_from=manifest.get("derived_from"),
        snippet=snippet(manifest, (row.task_labels or "").split("\n"), words, prefix, services) if words else None,
        description=manifest.get("description", ""),
        keywords=manifest.get("keywords", []),
        status=manifest.get("status"),
        detaillierungsstufe=manifest.get("detaillierungsstufe"),
        published_at=row.published_at,
        updated_at=row.updated_at,
        tier=tier,
    )


_WORD = re.compile(r"\w+", re.UNICODE)


def snippet(manifest, labels, words, prefix, services=None):
    """Where the words were found: {"field", "text", "marks"} or None (see the module docstring)."""
    services = services or {}
    keys = manifest.get("leistungsschluessel", [])
    fields = [
        ("name", manifest.get("name", "")),
        ("keywords", ", ".join(manifest.get("keywords", []))),
        ("leika", "; ".join(services[key].name for key in keys if key in services)),
        ("description", manifest.get("description", "")),
        ("legal_basis", "; ".join(manifest.get("legal_basis", []))),
        ("tasks", "; ".join(label for label in labels if label)),
    ]
    wanted = set(words)
    last = words[-1] if prefix and words else None
    best = None
    for name, text in fields:
        if not text:
            continue
        marks, matched = [], set()
        for match in _WORD.finditer(text):
            # the query words this word of the text stands for (the last one also by its beginning)
            found = {
                t if t in wanted else last for t in terms(match.group()) if t in wanted or (last and t.startswith(last))
            }
            if found:
                marks.append([match.start(), match.end()])
                matched |= found
        if marks and (best is None or len(matched) > best[0]):
            best = (len(matched), name, text, marks)
            if len(matched) == len(wanted):
                break  # every word in this field: no later field can do better
    if best is None:
        return None
    _, name, text, marks = best
    return {"field": name, **_excerpt(text, marks)}


def _excerpt(text, marks):
    if len(text) <= SNIPPET_CHARS:
        return {"text": text, "marks": marks}
    start = max(0, marks[0][0] - SNIPPET_CHARS // 3)
    if start:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < marks[0][0] else start
    end = min(len(text), start + SNIPPET_CHARS)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > marks[0][1] else end
    prefix_text = "… " if start else ""
    suffix_text = " …" if end < len(text) else ""
    shift = len(prefix_text) - start
    kept = [[s + shift, e + shift] for s, e in marks if s >= start and e <= end]
    return {"text": prefix_text + text[start:end] + suffix_text, "marks": kept}


def snippet_html(found):
    """A snippet as HTML: the text escaped, the matching words in <mark>."""
    if not found:
        return ""
    text, parts, at = found["text"], [], 0
    for start, end in found["marks"]:
        parts.append(html.escape(text[at:start]))
        parts.append(f"<mark>{html.escape(text[start:end])}</mark>")
        at = end
    parts.append(html.escape(text[at:]))
    return "".join(parts)
