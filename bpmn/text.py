"""German-aware label normalisation and similarity for BPMN labels and service names.

``normalize_label`` folds case, umlauts and ß, hyphens, soft hyphens, line breaks and punctuation;
``label_tokens`` turns a label into light stems with German compounds split ("Antragsprüfung" ->
antrag, pruef); ``label_similarity`` scores two labels in [0, 1] from the overlap of those stems and
a character-level ratio (rapidfuzz). Everything is local, deterministic and cached per label, so the
matcher can call it hundreds of thousands of times.
"""

import re
import unicodedata
from functools import lru_cache
from typing import Any

# --- normalisation ------------------------------------------------------------------------------

_FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "ẞ": "ss"})
# Soft hyphen and zero-width characters join word parts; they vanish without a trace.
_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")
# A hyphen at a line break ("Antrags-\nprüfung") is a word split by the modelling tool.
_BROKEN_WORD = re.compile(r"(?<=[^\W\d_])[-\u2010\u2011]\s*[\r\n]+\s*(?=[^\W\d_])")
# Decimal separators between digits carry meaning (30.5, 1,5); § and % name legal and numeric facts.
_DECIMAL = re.compile(r"(?<=\d)[.,](?=\d)")
_NOT_KEPT = re.compile(r"[^\w§%\x00]+|_+")


def normalize_label(s: str) -> str:
    """Return the canonical form of a label: NFC, casefolded, umlauts/ß folded, single spaces.

    Line breaks, tabs, hyphens and punctuation become spaces (a soft hyphen or a hyphen that splits
    a word at a line break disappears); letters, digits, ``§``, ``%`` and decimal separators stay.
    "Antrag\\nprüfen" and "antrag  prüfen" both give "antrag pruefen"; "Prüfung" and "Pruefung" both
    give "pruefung".
    """
    if not s:
        return ""
    s = unicodedata.normalize("NFC", str(s))
    s = _INVISIBLE.sub("", s)
    if "\n" in s or "\r" in s:  # the only place a word is split (the pattern needs a line break)
        s = _BROKEN_WORD.sub("", s)
    s = s.casefold().translate(_FOLD)  # casefold already maps ß to ss; the table covers the rest
    if not s.isascii():
        # Other accents (é, č, å) are folded to their base letter; ae/oe/ue are done above.
        s = "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))
    if "." in s or "," in s:
        s = _DECIMAL.sub("\x00", s)
    s = _NOT_KEPT.sub(" ", s)
    return " ".join(s.split()).replace("\x00", ".")


@lru_cache(maxsize=131072)
def compact_label(s: str) -> str:
    """The normalised label without spaces: "Gewerbe-Anmeldung" and "Gewerbeanmeldung" agree."""
    return normalize_label(s).replace(" ", "")


# --- the lexicon --------------------------------------------------------------------------------
# Stems of words common in administrative service and task names, written normalised (ae/oe/ue/ss).
# Nouns in -ung and their verbs share one stem (Prüfung / prüfen -> pruef). A surface form is a stem
# plus one of _SUFFIXES (inflection or Fugen element), which is what compound splitting looks for.
_STEMS = """
abfall abhol ablehn abmeld abnahm abrechn abriss abschluss abschrift absend abstimm abwasser
abwesen adress aender akte amt anerkenn anfertig anfrag angebot angehoerig anhoer anlag anlass
anleg anlieger anmeld annahm anordn anpass anschluss anschreib antrag antwort anwalt anwohner
anzeig arbeit archiv arzt aufenthalt aufgab aufheb aufnahm aufstell auftrag ausbild ausfertig
ausfuell ausgab auskunft auslaender ausland ausnahm ausschank ausschreib ausschuss aussenbereich
ausstell ausweis auszahl auszug auto bau bauherr baum beantrag bearbeit bedarf befrei beglaubig
begleit begruend behinder behoerd beitrag bekanntmach beleg berat bereit bericht berichtig beruf
beschaff bescheid beschein beschluss beschwerd besitz bestaend bestaetig bestatt bestell betreu
betrieb beurkund bewerb bewert bewillig bewohner bezahl biblioth bild bohr brand brief buch
buerger bus daten dauer denkmal dienst dokument dringlich druck durchfuehr ehe eheschliess
eigentum einbuerger eingang einhalt einleit einreich einschul einsicht eintrag einwohn einzieh
elter empfaeng empfang energie entgelt entscheid entsorg entwurf erbschaft erfass ergebnis erheb
erinner erklaer erlaubnis ermaessig erneuer ersatz erstatt erstell erteil erwerb fahr fahrzeug
fall famili fehl feier festsetz feststell feuer feuerwehr finanz fisch fischerei flaech foerder
form formular frei fried friedhof frist fuehr fuehrer fund garten gebaeud gebuehr geburt geld
gemeind genehmig gericht gesetz gestatt gesuch gewaehr gewerb grab gruen grund grundstueck gutacht
hafen halt handel handwerk haus haushalt heim heirat hilf hinweis hochzeit hund immobili info
information inventar jagd jugend kasse kauf kenn kennzeich kind kirch klag kontroll kost kraft
krank kranken kredit kuend kultur land lebens leist lieg liste loesch lohn luft mahn markt
massnahm meld miet mitteil mittel muell nachweis nam natur nebenkost nutz nutzer obdach ordn ort
park pass person personal personenstand pfleg plakett plan platz protokoll pruef quittung rad rat
raum rechn recht register reis renovier rent rueck rueckerstatt ruhe sach satz schad scheidung
schein schliess schul schutz schwer sicher sitz sitzung sonder sozial spend sperr sport stadt
stand standes start statist stell sterb steuer stift strass strom stuetz tag termin tier tod
uebergab ueberpruef ueberweis umbau ummeld umzug unterhalt unterlag unterricht unterschrift urkund
urlaub veranstalt verband verein verfahr vergab vergnueg verkauf verkehr verlaenger vermerk
versand versicher versorg vertrag verwalt verzeichnis vollmacht vorgang vorlag vorschuss waffe
vollstaendig wahl wald wasser weg weiterleit werb widerruf widerspruch wirtschaft wohn wohngeld zahl zeit
zeugnis zins zulass zuschuss zustaend zustell zustimm zuteil zweit
""".split()
# Irregular plurals and forms that no suffix rule reaches.
_IRREGULAR = {
    "antraege": "antrag",
    "aemter": "amt",
    "baeume": "baum",
    "haeuser": "haus",
    "kinder": "kind",
    "erlaubnisse": "erlaubnis",
    "nachweise": "nachweis",
    "zeugnisse": "zeugnis",
    "bescheide": "bescheid",
    "unterlagen": "unterlag",
    "verzeichnisse": "verzeichnis",
    "gebuehren": "gebuehr",
    "daten": "daten",
    "gaerten": "garten",
    "plaetze": "platz",
    "staedte": "stadt",
    "vertraege": "vertrag",
    "ergebnisse": "ergebnis",
    "namens": "nam",
    "name": "nam",
    "namen": "nam",
    "eltern": "elter",
    "versenden": "versand",
    "versendet": "versand",
    "versende": "versand",
    "vollstaendigkeit": "vollstaendig",
    "eingegangen": "eingang",
    "eingehen": "eingang",
    "eingeht": "eingang",
    "entgegennehmen": "entgegennahm",
    "entgegengenommen": "entgegennahm",
    "entgegennahme": "entgegennahm",
}
_SUFFIXES = (
    "",
    "e",
    "en",
    "n",
    "er",
    "ern",
    "es",
    "s",
    "ens",
    "ns",
    "ung",
    "ungen",
    "ungs",
    "t",
    "et",
    "te",
    "ten",
    "st",
    "ts",
    "in",
    "innen",
    "lich",
    "liche",
    "lichen",
    "licher",
)
_STOPWORDS = frozenset(
    """
a ab als am an auf aus bei beim bzw da das dem den der des die durch ein eine einem einen einer
eines fuer gegen im in ins mit nach ob ohne oder sowie ueber um und unter vom von vor wegen zu zum
zur zwecks the of and for to
""".split()
)

STOPWORDS = _STOPWORDS  # words that carry no meaning in a label (normalised): für, der, und, ...


def _build_surfaces() -> dict[str, str]:
    surfaces: dict[str, str] = {}
    # Longer stems win a shared surface form: "bewohner" beats "be"+"wohn"+"er" readings.
    for stem in sorted(set(_STEMS), key=len):
        for suffix in _SUFFIXES:
            surfaces[stem + suffix] = stem
    surfaces.update(_IRREGULAR)
    return surfaces


_SURFACE = _build_surfaces()
_MAX_SURFACE = max(map(len, _SURFACE))
_VOWEL = re.compile(r"[aeiouy]")


# --- stemming and compound splitting ------------------------------------------------------------


# (letters covered by known parts, minus the number of parts, the stems so far): one reading of a word
_Split = tuple[int, int, tuple[str, ...]]
_ENGLISH_ENDINGS = ("ations", "ation", "ings", "ing", "ied", "ies", "ed", "es", "s")


def _english_stem(word: str) -> str:
    """Light suffix stripping for English words: check/checks/checked/checking -> check."""
    for ending in _ENGLISH_ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            word = word[: -len(ending)]
            if ending in ("ied", "ies"):
                word += "y"
            break
    if len(word) > 3 and word[-1] == "e":
        word = word[:-1]  # issue/issued, approve/approval share "issu", "approv"
    if len(word) > 4 and word[-1] == word[-2] and word[-1] not in "aeiouls":
        word = word[:-1]  # submitted -> submitt -> submit
    return word


def _generic_stem(word: str) -> str:
    """Light suffix stripping for words outside the lexicon (after the CISTEM stemmer's idea)."""
    if not word.isalpha():
        return word
    if word.isascii() and _looks_english(word):
        return _english_stem(word)
    if len(word) > 6 and word.endswith("ungen"):
        word = word[:-5]
    elif len(word) > 5 and word.endswith("ung"):
        word = word[:-3]
    for _ in range(2):
        if len(word) > 5 and word[-2:] in ("em", "er", "en", "es", "nd"):
            word = word[:-2]
        elif len(word) > 4 and word[-1] in "enst":
            word = word[:-1]
        else:
            break
    return word


_ENGLISH_HINT = re.compile(r"(tion|tions|ing|ings|ied|ck|ckt|w|y|th|tted|pped|dded|gged|ssed)$|^(th|wh)|ee|oo|ea")


def _looks_english(word: str) -> bool:
    """A guess good enough for light stemming: endings and letter pairs German rarely has."""
    return bool(_ENGLISH_HINT.search(word)) or word.endswith("ed") and not word.endswith("ted") or word.endswith("al")


def _split_compound(word: str) -> list[str] | None:
    """Split ``word`` into known lexicon parts (plus unknown parts of at least 4 letters).

    Dynamic programming over split points maximises the letters covered by known parts, then
    prefers fewer parts. An unknown part must have a vowel, at least 4 letters, and may only sit
    next to a known part of at least 4 letters (so "Baum" is not read as "Bau" + "m").
    Returns a list of stems, or None when nothing in the word is known.
    """
    n = len(word)
    # State per position and kind of the last part: S start, K known >= 4, k known short, U unknown.
    best: list[dict[str, _Split]] = [dict() for _ in range(n + 1)]
    best[0]["S"] = (0, 0, ())
    for i in range(n):
        for kind, (covered, parts, path) in list(best[i].items()):
            for j in range(i + 1, min(n, i + _MAX_SURFACE) + 1):
                stem = _SURFACE.get(word[i:j])
                if stem is None:
                    continue
                new_kind = "K" if j - i >= 4 else "k"
                if kind == "U" and new_kind == "k":
                    continue
                _offer(best[j], new_kind, (covered + j - i, parts - 1, path + (stem,)))
            if kind in ("S", "K"):
                for j in range(i + 4, n + 1):
                    piece = word[i:j]
                    if not _VOWEL.search(piece):
                        continue
                    # An unknown part that ends the word or is followed by a long known part.
                    _offer(best[j], "U", (covered, parts - 1, path + ("\x00" + piece,)))
    finals = [value for kind, value in best[n].items() if kind != "U" or _unknown_ok(value)]
    if not finals:
        return None
    covered, _, path = max(finals)
    if covered == 0:
        return None
    return [_generic_stem(p[1:]) if p.startswith("\x00") else p for p in path]


def _offer(slot: dict[str, _Split], kind: str, value: _Split) -> None:
    current = slot.get(kind)
    if current is None or value[:2] > current[:2]:
        slot[kind] = value


def _unknown_ok(value: _Split) -> bool:
    # A trailing unknown part is fine when something known came before it.
    return value[0] > 0


def _word_stems(word: str) -> list[str]:
    if word in _STOPWORDS:
        return []
    stem = _SURFACE.get(word)
    if stem is not None:
        return [stem]
    if not word.isalpha():
        return [word]
    # Past participles: "geprueft" -> pruef, "genehmigt" stays genehmig (a stem of its own).
    if word.startswith("ge") and len(word) > 5:
        stem = _SURFACE.get(word[2:])
        if stem is not None and len(stem) >= 4:
            return [stem]
    if len(word) >= 6 and len(word) <= 60:
        parts = _split_compound(word)
        if parts:
            return parts
    return [_generic_stem(word)]


@lru_cache(maxsize=131072)
def _tokens(s: str) -> tuple[str, ...]:
    words = normalize_label(s).split()
    stems: list[str] = []
    for word in words:
        stems.extend(_word_stems(word))
    if not stems and words:
        # A label of stop words only ("für") still has tokens.
        stems = [_generic_stem(w) for w in words]
    return tuple(stems)


def is_whole_word(word: str) -> bool:
    """Whether a normalised word is a known word form of the lexicon ("pruefen", "anmeldung",
    "geprueft"), rather than the beginning of one ("anm"); compounds and unknown words are not."""
    return word in _SURFACE or (word.startswith("ge") and len(word) > 5 and word[2:] in _SURFACE)


def label_tokens(s: str) -> list[str]:
    """The label's normalised stems, compounds split: "Antragsprüfung" -> ["antrag", "pruef"]."""
    return list(_tokens(s))


# --- similarity ---------------------------------------------------------------------------------


@lru_cache(maxsize=131072)
def _profile(s: str) -> tuple[str, str, frozenset[str], str]:
    norm = normalize_label(s)
    stems = _tokens(s)
    return norm, norm.replace(" ", ""), frozenset(stems), " ".join(sorted(set(stems)))


_TOKEN_WEIGHT = 0.6
_CLOSE_TOKEN = 0.75  # two stems this close (Indel ratio) count as a partial match: beantrag ~ antrag


_INDEL: Any = None  # rapidfuzz's Indel, imported on first use (see _indel)


def _indel() -> Any:
    """rapidfuzz's Indel metric, imported when labels are first compared by characters: a diff of
    models that keep their ids never does, and is spared the import at start-up."""
    global _INDEL
    if _INDEL is None:
        from rapidfuzz.distance import Indel

        _INDEL = Indel
    return _INDEL


_CLOSE: dict[tuple[str, str], float] = {}  # (stem, stem) -> Indel ratio, 0.0 under _CLOSE_TOKEN
_CLOSE_SIZE = 100_000  # pairs kept (about 12 MB); emptied when full, it refills with the common ones


def _soft_covers(left: frozenset[str], right: frozenset[str]) -> float:
    """How well the stems of ``left`` are covered by near-equal stems of ``right``, plus the same
    the other way round (each stem counts its closest partner's Indel ratio, 0 under _CLOSE_TOKEN).

    Labels share their stems, so the same pairs come back over and over (a suggest request of 148
    entries: 206,143 comparisons of 53,187 pairs): each pair's ratio is computed once and kept, and
    the ratio being symmetric, one look-up serves both directions. The sums are added in the same
    order as two separate passes would add them."""
    close = _CLOSE
    rights = tuple(right)
    backs = [0.0] * len(rights)
    total = 0.0
    for a in left:
        best = 0.0
        for i, b in enumerate(rights):
            r = close.get((a, b))
            if r is None:
                if len(close) >= _CLOSE_SIZE:
                    close.clear()
                r = close[(a, b)] = (_INDEL or _indel()).normalized_similarity(a, b, score_cutoff=_CLOSE_TOKEN)
            if r > best:
                best = r
            if r > backs[i]:
                backs[i] = r
        total += best
    back = 0.0
    for r in backs:
        back += r
    return total + back


def label_similarity(a: str | None, b: str | None) -> float:
    """Similarity of two labels in [0, 1]; symmetric and deterministic.

    1.0 exactly when the labels are equal after normalisation, spaces aside ("Gewerbe-Anmeldung" =
    "Gewerbeanmeldung"). Otherwise 0.6 x stem overlap (Dice over compound-split stems, near-equal
    stems counting by their closeness) + 0.4 x character similarity (the better of the Indel ratio of
    the compact labels and of their sorted stems), capped at 0.99.
    """
    if a == b:
        return 1.0
    _, ca, sa, ja = _profile(a)
    _, cb, sb, jb = _profile(b)
    if ca == cb:
        return 1.0
    if not sa or not sb:
        return 0.0
    common = sa & sb
    tok: float = 2 * len(common)
    if len(common) < len(sa) and len(common) < len(sb):
        tok += _soft_covers(sa - common, sb - common)
    tok /= len(sa) + len(sb)
    similarity = (_INDEL or _indel()).normalized_similarity
    char: float = max(similarity(ca, cb), similarity(ja, jb))
    return min(0.99, _TOKEN_WEIGHT * tok + (1 - _TOKEN_WEIGHT) * char)


# --- what a label is about ----------------------------------------------------------------------
# Verbs that add no content of their own: "Antragsprüfung durchführen" is "Antrag prüfen".
_LIGHT_VERBS = frozenset({"durchfuehr", "vornehm", "erfolg", "vollzieh", "perform", "carry", "out", "do"})
# Words that say something arrives: a catch event "Unterlagen eingegangen" and a task "Unterlagen
# entgegennehmen" both receive the documents.
_RECEIVE_WORDS = (
    "eingang eingegangen eingehen erhalten erhalt empfangen empfang eingetroffen entgegennehmen "
    "entgegengenommen annehmen angenommen annahme angekommen eingereicht einreichung liegt vor vorliegen "
    "receive received arrive arrived arrives submitted"
)


@lru_cache(maxsize=131072)
def content_stems(s: str) -> frozenset[str]:
    """The stems a label is about, light verbs left out: "Prüfung des Antrags durchführen",
    "Antrag prüfen" and "Antragsprüfung" all give {antrag, pruef}."""
    return frozenset(t for t in _tokens(s) if t not in _LIGHT_VERBS)


@lru_cache(maxsize=1)
def _receive_stems() -> frozenset[str]:
    return frozenset(t for word in _RECEIVE_WORDS.split() for t in _tokens(word))


def received_thing(s: str) -> frozenset[str] | None:
    """What a label says is received, as stems, or None when it speaks of no receiving:
    "Unterlagen eingegangen" and "Nachgereichte Unterlagen entgegennehmen" both give {unterlag}
    (plus "nachgereich" for the second)."""
    stems = content_stems(s)
    receive = _receive_stems()
    if not stems & receive:
        return None
    return stems - receive
