"""What the search indexes hold for one process, and how it is written on SQLite and PostgreSQL.

A process's latest unyanked version is indexed as four fields of terms (search_text.terms), from
most to least telling:

- A: its name;
- B: its keywords and the LeiKa names of its Leistungsschlüssel;
- C: its description, legal bases (its own and those LeiKa gives for its keys), publisher and region;
- D: the task labels of its model.

The fields are stored cumulatively (A, A+B, A+B+C, all) so that "every word in the name or the
keywords" is one index lookup: PostgreSQL keeps four ``tsvector`` columns with a GIN index each
(the terms are cast to ``tsvector`` directly, so PostgreSQL neither parses nor stems again), SQLite
four FTS5 tables keyed by the process id. A GIN index cannot tell weights apart, so one weighted
vector would have to re-read every row that has a word anywhere to rank the few that have it in
the name; four vectors answer each tier from its own index.

Beside the words: the keys (``process_keys``: one row per key with its OZG Themenfeld, a btree on
the key for exact and prefix lookups), the filter columns (Land from the AGS, FIM status,
Detaillierungsstufe), the adoptions count and the ``boost`` that orders hits within a tier.
"""

from functools import lru_cache

import sqlalchemy as sa

from procex.bpmn.text import normalize_label
from procex.exchange.server.storage.search_text import terms, terms_text

TIER_FIELDS = ("a", "ab", "abc", "all")  # cumulative term fields, one index each
FTS_TABLES = {field: f"fts_{field}" for field in TIER_FIELDS}  # SQLite
VECTOR_COLUMNS = tuple(f"vec_{field}" for field in TIER_FIELDS)  # PostgreSQL
MAX_ADOPTIONS_BOOST = 99_999
MAX_NAME_TERMS = 99
LAENDER = {
    "01": "Schleswig-Holstein",
    "02": "Hamburg",
    "03": "Niedersachsen",
    "04": "Bremen",
    "05": "Nordrhein-Westfalen",
    "06": "Hessen",
    "07": "Rheinland-Pfalz",
    "08": "Baden-Württemberg",
    "09": "Bayern",
    "10": "Saarland",
    "11": "Berlin",
    "12": "Brandenburg",
    "13": "Mecklenburg-Vorpommern",
    "14": "Sachsen",
    "15": "Sachsen-Anhalt",
    "16": "Thüringen",
}


def leika_services():
    """The LeiKa reference list (key -> service), or {} where it cannot be read."""
    try:
        from procex.exchange.catalogue.leika import load_leika

        return load_leika()
    except Exception:  # the list is optional for indexing: keys then carry no names
        return {}


def boost(adoptions, name_terms, serial):
    """The order of hits within one relevance tier, as one integer (higher first): more adoptions,
    then fewer words in the name (closer to what was asked), then the more recent change."""
    brevity = MAX_NAME_TERMS - min(max(name_terms, 1), MAX_NAME_TERMS)
    return min(adoptions, MAX_ADOPTIONS_BOOST) * 10**13 + brevity * 10**11 + min(serial, 10**11 - 1)


def document(manifest, labels, services=None):
    """The indexed form of a manifest and its model's task labels: a dict with the process
    columns (``columns``), the key rows (``keys``: [(key, themenfeld)]) and the vocabulary terms
    (``vocabulary``: the words of names, keywords and LeiKa names, for the typo fallback)."""
    services = leika_services() if services is None else services
    keys = list(dict.fromkeys(manifest.get("leistungsschluessel", [])))
    known = [services[key] for key in keys if key in services]
    region = manifest.get("region") or {}
    name = manifest.get("name", "")
    field_a = terms_text(name)
    field_b = terms_text(*manifest.get("keywords", []), *(service.name for service in known))
    field_c = terms_text(
        manifest.get("description", ""),
        *manifest.get("legal_basis", []),
        *(service.gesetz_kurz for service in known),
        *(service.rechtsgrundlage.split("[", 1)[0] for service in known),
        manifest.get("publisher", ""),
        region.get("name", ""),
    )
    field_d = terms_text(*labels)
    cumulative = {}
    text = ""
    for field, part in zip(TIER_FIELDS, (field_a, field_b, field_c, field_d), strict=True):
        text = _union(text, part)
        cumulative[field] = text
    name_terms = set(terms(name))
    ags = region.get("ags") or ""
    columns = {
        "name_sort": normalize_label(name)[:300],
        "name_key": " ".join(sorted(name_terms))[:300],
        "region_ags": ags or None,
        "land": ags[:2] if len(ags) == 8 else None,
        "fim_status": manifest.get("status"),
        "detaillierungsstufe": manifest.get("detaillierungsstufe"),
        **{f"terms_{field}": cumulative[field] for field in TIER_FIELDS},
    }
    themen = {key: (services[key].themenfeld.strip() or None) if key in services else None for key in keys}
    # Whole words (not stems) for the typo fallback: "hundesteur" is one edit from "hundesteuer".
    vocabulary = set()
    for text in (name, *manifest.get("keywords", []), *(service.name for service in known)):
        vocabulary.update(_known_words(text))
    return {"columns": columns, "keys": [(key, themen[key]) for key in keys], "vocabulary": vocabulary}


@lru_cache(maxsize=65536)
def _known_words(text):
    """The words of a text the typo fallback may suggest, and each pair of neighbours written as
    one ("Gewerbe Anmeldung" also gives gewerbeanmeldung, as people type it)."""
    words = [word for word in normalize_label(text).split() if word.isalpha()]
    found = {word for word in words if len(word) >= 5}
    found.update(a + b for a, b in zip(words, words[1:], strict=False) if len(a) >= 3 and len(b) >= 3)
    return frozenset(word for word in found if len(word) <= 64)


def _union(left, right):
    seen = set(left.split())
    extra = [term for term in right.split() if term not in seen]
    return " ".join(filter(None, [left, " ".join(extra)]))


def name_term_count(name_key):
    return len((name_key or "").split())


def write(conn, process_id, doc, adoptions, serial):
    """Index process ``process_id`` as ``doc`` (from document()): its columns, keys, words, boost."""
    columns = dict(doc["columns"])
    rank = boost(adoptions, name_term_count(columns["name_key"]), serial)
    columns.update(adoptions=adoptions, serial=serial, boost=rank)
    assignments = ", ".join(f"{name} = :{name}" for name in columns)
    params = dict(columns, id=process_id)
    if conn.dialect.name == "postgresql":
        # The terms are the lexemes: a cast, not to_tsvector, so PostgreSQL does not parse again.
        assignments += ", " + ", ".join(f"vec_{field} = CAST(:vec_{field} AS tsvector)" for field in TIER_FIELDS)
        params.update({f"vec_{field}": columns[f"terms_{field}"] for field in TIER_FIELDS})
    conn.execute(sa.text(f"UPDATE processes SET {assignments} WHERE id = :id"), params)
    conn.execute(sa.text("DELETE FROM process_keys WHERE process_id = :id"), {"id": process_id})
    if doc["keys"]:
        conn.execute(
            sa.text("INSERT INTO process_keys (key, process_id, themenfeld) VALUES (:key, :id, :thema)"),
            [{"key": key, "id": process_id, "thema": thema} for key, thema in doc["keys"]],
        )
    if conn.dialect.name == "sqlite":
        for field, table in FTS_TABLES.items():
            conn.execute(sa.text(f"DELETE FROM {table} WHERE rowid = :id"), {"id": process_id})
            conn.execute(
                sa.text(f"INSERT INTO {table} (rowid, terms) VALUES (:id, :terms)"),
                {"id": process_id, "terms": columns[f"terms_{field}"]},
            )
    add_vocabulary(conn, doc["vocabulary"])


def remove(conn, process_id, serial):
    """Take a process out of search (no unyanked version left); its row stays."""
    empty = {f"terms_{field}": None for field in TIER_FIELDS}
    assignments = ", ".join(f"{name} = NULL" for name in empty)
    if conn.dialect.name == "postgresql":
        assignments += ", " + ", ".join(f"vec_{field} = NULL" for field in TIER_FIELDS)
    conn.execute(
        sa.text(f"UPDATE processes SET {assignments}, serial = :serial WHERE id = :id"),
        {"id": process_id, "serial": serial},
    )
    conn.execute(sa.text("DELETE FROM process_keys WHERE process_id = :id"), {"id": process_id})
    if conn.dialect.name == "sqlite":
        for table in FTS_TABLES.values():
            conn.execute(sa.text(f"DELETE FROM {table} WHERE rowid = :id"), {"id": process_id})


def add_vocabulary(conn, words):
    """Record terms for the typo fallback (terms are never removed: a stale one finds nothing)."""
    if not words:
        return
    verb = "INSERT OR IGNORE INTO" if conn.dialect.name == "sqlite" else "INSERT INTO"
    tail = "" if conn.dialect.name == "sqlite" else " ON CONFLICT DO NOTHING"
    conn.execute(
        sa.text(f"{verb} search_terms (term) VALUES (:term){tail}"),
        [{"term": word} for word in sorted(words) if len(word) <= 64],
    )


def next_serial(conn, listed_change=0):
    """Count one change of the library (publish, yank, adoption): the new serial number.

    One row, updated inside the writing transaction: its row lock orders the writers, so serials
    follow commit order, and a snapshot's (serial, listed) names exactly what it sees.
    """
    conn.execute(
        sa.text("UPDATE library_state SET serial = serial + 1, listed = listed + :change WHERE id = 1"),
        {"change": listed_change},
    )
    return conn.execute(sa.text("SELECT serial FROM library_state WHERE id = 1")).scalar_one()
