"""The search terms of a process and of a query: German-aware, the same on SQLite and PostgreSQL.

Both backends index the terms this module computes (never their own stemming), so a word means
the same on both. A term is a light stem from ``procex.bpmn.text.label_tokens`` (umlauts folded,
compounds split, inflection removed: "Gewerbeanmeldungen" and "Gewerbe anmelden" both give
gewerb + anmeld, "Hunde" gives hund as "Hundesteuer" gives hund + steuer), reduced to the letters
a-z and digits, so each backend's tokenizer sees one token per term. A few words of
administrative German are spelled out the same way on both sides (``SYNONYMS``: "Kfz" is
kraft + fahrzeug, as in "Kraftfahrzeug").

``parse_query`` reads what people type: words (all must match; the last may be unfinished and is
matched as a prefix), Leistungsschlüssel and their prefixes ("99050012104000", "9905"), which
become a key filter, and nothing else: quotes and operators are ignored, not interpreted.
"""

import re
from dataclasses import dataclass
from functools import lru_cache

from procex.bpmn.text import STOPWORDS, is_whole_word, label_tokens, normalize_label

MAX_QUERY_CHARS = 200
MAX_QUERY_TERMS = 8
MAX_TERM_CHARS = 60
MIN_PREFIX = 3  # an unfinished last word matches as a prefix from this many letters on
KEY_PREFIX_RE = re.compile(r"^99\d{0,12}$")
_TERM_RE = re.compile(r"[a-z0-9]+")
# Stems (as label_tokens gives them) that stand for other stems in administrative German. Applied
# to documents and queries alike, so either spelling finds both.
SYNONYMS = {
    "kfz": ("kraft", "fahrzeug"),
    "pkw": ("kraft", "fahrzeug"),
    "auto": ("kraft", "fahrzeug"),
    "anwohner": ("bewohner",),
    "beantrag": ("antrag",),
    "heirat": ("eheschliess",),
    "kita": ("kind", "tag", "staet"),
    "perso": ("personal", "ausweis"),
}


# Words of what people do with a service rather than of the service ("Ausweis verloren", "Auto
# anmelden"): when no process holds every word of a query, these are left out first.
ACTION_WORDS = (
    "anmelden abmelden ummelden melden beantragen Antrag verlängern verloren Verlust ausstellen erteilen "
    "bestellen bekommen erhalten online Formular neu neuen machen"
)


# Words of asking for a service that no process name holds: they must match (anywhere, as every
# word), but where the other words are found decides the tier (search.py).
ASKING_WORDS = "beantragen Antrag online Formular bestellen bekommen erhalten machen"


@lru_cache(maxsize=1)
def action_terms():
    """The terms of ACTION_WORDS."""
    return frozenset(terms(ACTION_WORDS))


@lru_cache(maxsize=1)
def _asking_terms():
    return frozenset(terms(ASKING_WORDS))


def split_asking(words):
    """(content, asking): ``words`` (terms) apart into the others and those of ASKING_WORDS, in
    order; all of them are content when they are all words of asking."""
    asking = tuple(word for word in words if word in _asking_terms())
    if not asking or len(asking) == len(words):
        return tuple(words), ()
    return tuple(word for word in words if word not in asking), asking


def terms(text):
    """The index terms of a text, in order, repeats removed: "Kfz-Zulassung" -> kraft, fahrzeug, zulass."""
    return list(_text_terms(text or ""))


@lru_cache(maxsize=65536)
def _text_terms(text):
    found = []
    seen = set()
    words = normalize_label(text).split()
    for word in words:
        for term in _word_terms(word) if len(words) > 1 else _label_terms(word):
            if term not in seen:
                seen.add(term)
                found.append(term)
    return tuple(found)


@lru_cache(maxsize=262144)
def _word_terms(word):
    """One normalised word's terms (cached: a library repeats its words), stop words none."""
    return () if word in STOPWORDS else _label_terms(word)


@lru_cache(maxsize=262144)
def _label_terms(text):
    found = []
    for stem in label_tokens(text):
        for part in _TERM_RE.findall(stem):
            if len(part) > MAX_TERM_CHARS:
                continue  # no word is this long; a tsvector refuses lexemes past 2 KB
            found.extend(SYNONYMS.get(part, (part,)))
    return tuple(found)


def terms_text(*texts):
    """The terms of several texts as one space-separated string (what the indexes store)."""
    found = []
    seen = set()
    for text in texts:
        for term in terms(text):
            if term not in seen:
                seen.add(term)
                found.append(term)
    return " ".join(found)


class QueryError(ValueError):
    """The search text cannot be searched (too long, too many words, unreadable characters)."""


@dataclass(frozen=True)
class ParsedQuery:
    """What a search text asks for: ``words`` all match; ``prefix`` says the last one is unfinished.

    ``key_prefixes`` are Leistungsschlüssel (or their beginnings) typed among the words.
    ``exact_words`` is the full-word reading (no prefix), for the exact-name tier.
    """

    words: tuple = ()
    prefix: bool = False
    key_prefixes: tuple = ()
    text: str = ""

    @property
    def empty(self):
        return not self.words and not self.key_prefixes


def clean_text(value, name="q", limit=MAX_QUERY_CHARS):
    """A user's text made safe for search, or QueryError naming ``name``: NUL bytes and lone
    surrogates are refused, control characters become spaces, at most ``limit`` characters."""
    if value is None:
        return ""
    if len(value) > limit:
        raise QueryError(f"{name}: at most {limit} characters, got {len(value)}")
    if "\x00" in value:
        raise QueryError(f"{name}: contains a NUL character")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise QueryError(f"{name}: contains characters that are not valid Unicode (lone surrogates)") from None
    return "".join(" " if (ord(ch) < 32 or 0x7F <= ord(ch) < 0xA0) else ch for ch in value)


def parse_query(text):
    """Read a search text: ParsedQuery, or QueryError for what cannot be searched."""
    text = clean_text(text)
    words, keys = [], []
    last_is_key = False
    for raw in text.split():
        digits = raw.strip(".,;:()[]\"'")
        last_is_key = bool(digits.isdigit() and KEY_PREFIX_RE.match(digits) and len(digits) >= 2)
        if last_is_key:
            keys.append(digits)
        else:
            words.append(raw)
    stems = terms(" ".join(words))
    if len(stems) > MAX_QUERY_TERMS:
        raise QueryError(f"q: at most {MAX_QUERY_TERMS} different words, got {len(stems)}")
    if len(keys) > 4:
        raise QueryError(f"q: at most 4 Leistungsschlüssel, got {len(keys)}")
    # The last word may be unfinished when the text does not end in a space ("Gewerbe anm"), unless
    # it is a whole word of the lexicon ("prüfen"): its stem already stands for all its forms.
    last_word = normalize_label(words[-1]).split()[-1:] if words else []
    unfinished = bool(last_word) and not is_whole_word(last_word[0])
    prefix = bool(stems) and unfinished and not last_is_key and not text.endswith(" ") and len(stems[-1]) >= MIN_PREFIX
    return ParsedQuery(words=tuple(stems), prefix=prefix, key_prefixes=tuple(keys), text=text.strip())


def key_range(prefix):
    """The half-open range [low, high) of 14-digit keys that start with ``prefix`` (an index range,
    not LIKE): "9905" -> ("99050000000000", "99060000000000")."""
    low = prefix.ljust(14, "0")
    if len(prefix) == 14:
        return low, low + "~"  # "~" sorts after every digit
    upper = str(int(prefix) + 1)
    if len(upper) > len(prefix):  # 99 -> 100: everything from the prefix on
        return low, "~"
    return low, upper.ljust(14, "0")
