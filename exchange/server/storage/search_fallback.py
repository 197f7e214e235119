"""What a search tries when no process holds every word asked for, in this order:

1. **Typo**: each word the library does not know replaced by the nearest known word of names,
   keywords and LeiKa names (Levenshtein distance 1 for words of 5-7 letters, 2 from 8 on):
   "Gewerbeanmledung" searches "gewerbeanmeldung".
2. **Fewer words**: the most of the words that finds anything, as typed, then as corrected.
   Tried: every way of leaving out one word, then (from three words on) every word alone; of a
   single word, its parts without the last one, the head of the compound ("Kitaplatz": Kita,
   "Lohnsteuerkarte": Lohnsteuer, "Raumfahrtbehörde": Raumfahrt). Chosen: the most
   terms kept that are not words of asking (search_text.ACTION_WORDS: "anmelden", "verloren"
   ...), then the most terms, then the earlier words (people name the service first). Hit counts
   play no part, so both backends choose alike; words of one or two letters are never kept
   alone. Leaving words out rather than matching any word keeps what people search for
   together: "Personalausweis verloren" shows Personalausweis processes, not everything lost.

``candidates`` gives them in that order, each with the words it searches and the ``fallback``
the page carries ({"kind": "typo" | "partial", "message", "query", ...}); search.run takes the
first that finds anything, and a next page's cursor tells which one it continues.
"""

import itertools
from collections import namedtuple

from rapidfuzz import process as fuzz_process
from rapidfuzz.distance import Levenshtein

from procex.bpmn.text import normalize_label
from procex.exchange.server.storage.search_text import (
    MIN_PREFIX,
    QueryError,
    action_terms,
    clean_text,
    parse_query,
    terms,
)

Fallback = namedtuple("Fallback", "words prefix info")  # the terms searched, last one as a prefix?


def candidates(text, vocabulary=None):
    """The fallbacks of search text ``text``, in the order they are tried (a generator: the search
    stops at the first that finds anything). ``vocabulary``: the sorted known words, or None."""
    corrected = corrections(text, vocabulary) if vocabulary is not None else None
    if corrected:
        shown = " ".join(corrected["words"])
        try:
            fixed = parse_query(shown + " ").words
        except QueryError:  # the corrections split into more words than a query may have
            corrected = None
    if corrected:
        yield Fallback(
            fixed,
            False,
            {
                "kind": "typo",
                "message": f"nothing matched {text.strip()!r}; showing hits for {shown!r}",
                "corrected": corrected["changes"],
                "query": shown,
            },
        )
    yield from _fewer_words(text)
    if corrected:
        yield from _fewer_words(" ".join(corrected["words"]) + " ")


def _fewer_words(text):
    units, typed = _word_units(text)
    if len(units) < 2:
        return
    prefix_term = units[-1][1][-1] if parse_query(text).prefix else None
    actions = action_terms()
    for size in [len(units) - 1] + ([1] if len(units) > 2 and typed else []):
        ranked = []
        # One word's parts: only its last part (the head of a German compound) is left out, so that
        # what the word is about stays ("Kitaplatz": Kita; "Waffenschein": Waffe, not Schein).
        ways = itertools.combinations(units, size) if typed else [tuple(units[:-1])]
        for order, kept in enumerate(ways):
            words = tuple(term for _, found in kept for term in found)
            if all(len(term) < MIN_PREFIX for term in words):
                continue  # a letter or two alone ("b", "ab") finds nothing meant
            ranked.append(((-sum(term not in actions for term in words), -len(words), order), kept, words))
        for _, kept, words in sorted(ranked):
            shown = " ".join(word for word, _ in kept)
            info = {
                "kind": "partial",
                "message": f"nothing matched every word of {text.strip()!r}; showing hits for {shown!r}",
                "left_out": [word for word, found in units if (word, found) not in kept],
                "query": shown,
                "typed": typed,  # words as typed (a search of its own), or the stems of one word's parts
            }
            yield Fallback(words, words[-1] == prefix_term, info)


def _word_units(text):
    """([(word, terms)], typed): the typed words of ``text`` that are not keys, each with its terms
    not taken by an earlier word, and True; or, for a single word, its terms one by one, so that its
    parts can be left out as words can, and False."""
    units, seen = [], set()
    for raw in clean_text(text).split():
        if parse_query(raw).key_prefixes:
            continue  # a key stays a filter
        found = tuple(term for term in terms(raw) if term not in seen)
        seen.update(found)
        if found:
            units.append((raw, found))
    if len(units) == 1:
        return [(term, (term,)) for term in units[0][1]], False
    return units, True


def corrections(text, vocabulary):
    """Each word of ``text`` the library does not know, replaced by the nearest known word; None
    when nothing could be corrected."""
    known = vocabulary()
    known_set = set(known)
    changes = {}
    words = []
    for raw in clean_text(text).split():
        word = normalize_label(raw).replace(" ", "")
        if not word or word.isdigit() or word in known_set or len(word) < 5:
            words.append(raw)
            continue
        allowed = 1 if len(word) < 8 else 2
        near = fuzz_process.extract(word, known, scorer=Levenshtein.distance, score_cutoff=allowed, limit=50)
        if not near:
            words.append(raw)
            continue
        best = min(near, key=lambda item: (item[1], -_common_prefix(word, item[0]), item[0]))[0]
        changes[raw] = best
        words.append(best)
    if not changes:
        return None
    return {"words": words, "changes": changes}


def _common_prefix(a, b):
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n
