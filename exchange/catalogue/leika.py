"""The LeiKa reference list (Leistungskatalog, 2019 snapshot) and key lookup by service name.

``load_leika()`` reads the list shipped in exchange/data/ once per process; ``check_key`` says
whether a Leistungsschlüssel is malformed or unknown; ``LeikaIndex`` proposes keys for free-text
service names ("Gewerbeanmeldung" -> 99050012104000 Gewerbe Anmeldung) through an inverted index
over German-aware stems (bpmn.text) and a final label-similarity ranking.
"""

import csv
import math
import os
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rapidfuzz import process
from rapidfuzz.distance import Indel

from procex.bpmn.text import label_similarity, label_tokens, normalize_label
from procex.core.errors import ProcexError

LEIKA_CSV = Path(__file__).resolve().parent.parent / "data" / "leika_2019.csv"
LEIKA_ATTRIBUTION = (
    "LeiKa 2019 snapshot from the MIT-licensed repository kdn-nrw/OZG-Datenbank-NRW "
    "(KDN); content from the FIM building block Leistungen"
)
KEY_RE = re.compile(r"^\d{14}$")


class LeikaError(ProcexError):
    """The LeiKa reference list cannot be read (missing or damaged file)."""


@dataclass(frozen=True)
class LeikaService:
    """One LeiKa service. The key is ``99 GGG OOO VVV DDD``: group, object, action, detail."""

    leistungsschluessel: str
    name: str
    typisierung: str
    rechtsgrundlage: str
    gesetz_kurz: str
    ozg_ids: tuple
    ozg_leistung: str
    lebenslage: str
    themenfeld: str

    @property
    def object_key(self):
        """The first 8 digits (99 + group + object): services about the same thing share them."""
        return self.leistungsschluessel[:8]

    @property
    def action_key(self):
        """The first 11 digits (object + action, the "Verrichtung")."""
        return self.leistungsschluessel[:11]


@lru_cache(maxsize=4)
def load_leika(path: str | os.PathLike[str] | None = None) -> dict[str, LeikaService]:
    """All services of the reference list, keyed by Leistungsschlüssel, in file order."""
    path = Path(path) if path else LEIKA_CSV
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
    except OSError as error:
        raise LeikaError(f"{path}: cannot read the LeiKa reference list ({error.strerror}); reinstall procex") from None
    services = {}
    for line, row in enumerate(rows, start=2):
        key = (row.get("leistungsschluessel") or "").strip()
        if not KEY_RE.match(key):
            raise LeikaError(
                f"{path}:{line}: malformed Leistungsschlüssel {key!r} in the reference list; reinstall procex"
            )
        services[key] = LeikaService(
            leistungsschluessel=key,
            name=" ".join((row.get("leistungsbezeichnung") or "").split()),
            typisierung=(row.get("typisierung") or "").strip(),
            rechtsgrundlage=(row.get("rechtsgrundlage") or "").strip(),
            gesetz_kurz=(row.get("gesetz_kurz") or "").strip(),
            ozg_ids=tuple(i.strip() for i in (row.get("ozg_id") or "").split(",") if i.strip()),
            ozg_leistung=(row.get("ozg_leistung") or "").strip(),
            lebenslage=(row.get("ozg_lebenslage") or "").strip(),
            themenfeld=(row.get("ozg_themenfeld") or "").strip(),
        )
    return services


def clean_key(raw):
    """A key as people type it ("99 050 012 104 000", 9.9050012104e13 from Excel) -> digits, or ''."""
    if raw is None:
        return ""
    if isinstance(raw, bool):
        return str(raw)
    if isinstance(raw, int):
        return str(raw)
    if isinstance(raw, float):
        return str(int(raw)) if raw.is_integer() else str(raw)
    text = str(raw).strip().lstrip("'")
    compact = re.sub(r"[\s.\-/\u00a0\u202f]", "", text)
    return compact if compact.isdigit() else text


def check_key(key, services=None):
    """None when ``key`` is a known Leistungsschlüssel, else 'malformed' or 'unknown'."""
    if not KEY_RE.match(key or ""):
        return "malformed"
    services = load_leika() if services is None else services
    return None if key in services else "unknown"


# --- key proposals for free-text names ----------------------------------------------------------
# Municipal lists name a service by object and citizen's verb ("Personalausweis beantragen");
# LeiKa names it by object and the authority's action noun ("Personalausweis Ausstellung").
# These are the everyday words and the LeiKa words they stand for; a query is scored in each reading.
# Written as people write them; keyed by their stem below, so "anfordern" and "Verlust" work too.
_REQUEST = ("Ausstellung", "Erteilung", "Bewilligung", "Genehmigung", "Erlaubnis")
_VERB_WORDS = {
    "beantragen": _REQUEST,
    "Antrag": _REQUEST,
    "bestellen": ("Ausstellung",),
    "anfordern": ("Ausstellung", "Zusendung"),
    "ummelden": ("Änderung", "Ummeldung"),
    "umschreiben": ("Ummeldung", "Änderung"),
    "zulassen": ("Zulassung",),
    "abholen": ("Abholung", "Ausgabe", "Herausgabe"),
    "einrichten": ("Eintragung", "Einrichtung"),
    "Verlust": ("Meldung wegen Verlust",),
    "Bescheid": ("Festsetzung",),  # a tax is set by Bescheid (§ 155 AO): Grundsteuerbescheid
}
_WORD_READINGS = {
    "kfz": "Kraftfahrzeug",
    "pkw": "Kraftfahrzeug",
    "auto": "Kraftfahrzeug",
    "anwohner": "Bewohner",
    "anwohnerparkausweis": "Bewohnerparkausweis",
    "kita": "Kindertagesstätte",
    "meldebescheinigung": "Meldebestätigung",
    "wbs": "Wohnberechtigungsschein",
    "heiratsurkunde": "Eheurkunde",
}
# Word endings read as another ending: Taxikonzession -> Taxigenehmigung.
_ENDING_READINGS = {"konzession": "genehmigung"}
# Verb particles that municipal lists leave standing alone ("Gewerbe an", "Kfz ab"): stop words to
# the tokeniser, but they carry the action, so a match that ignores them is never confident.
_PARTICLES = frozenset({"ab", "an", "um"})
# Endings of words that name a document or permit; a row that names only such a thing ("Meldebe-
# scheinigung", "Parkausweis für Anwohner") stands for the service that issues it.
_DOCUMENT_ENDINGS = (
    "ausweis",
    "pass",
    "schein",
    "zeugnis",
    "urkunde",
    "karte",
    "bescheinigung",
    "bestaetigung",
    "genehmigung",
    "erlaubnis",
    "konzession",
)
_MAX_RERANK = 300  # candidates scored in full after the cheap inverted-index ranking
_READING_DISCOUNT = 0.98  # a reading through a synonym never beats a literal match of equal form
_BELOW = 0.01  # how far an object key is put below its action key when the name asks for the action
_OBJECTS_CHECKED = 8  # object keys among this many best are checked for a better action key


def _stem(word):
    stems = label_tokens(word)
    if len(stems) != 1:
        raise ValueError(f"reading {word!r} must be one stem, the tokeniser gives {stems}")
    return stems[0]


_VERB_READINGS = {_stem(word): readings for word, readings in _VERB_WORDS.items()}
_REQUEST_STEMS = frozenset(_stem(word) for word in _REQUEST)


def _function_words():
    # The tokeniser's stop words (articles, prepositions), without the verb particles.
    from procex.bpmn.text import _STOPWORDS

    return frozenset(_STOPWORDS) - _PARTICLES


_FUNCTION_WORDS = _function_words()


def _stem_in(stem, stems):
    """Whether a stem is among ``stems``, allowing a longer or shorter form of at least 4 letters
    (the tokeniser stems "erweitert" and "erweitertes" a letter apart)."""
    if stem in stems:
        return True
    return len(stem) >= 4 and any(
        len(other) >= 4 and (other.startswith(stem) or stem.startswith(other)) for other in stems
    )


@dataclass(frozen=True)
class Candidate:
    """A proposed key for a name, with the similarity score in [0, 1].

    ``implied`` is set when the key's action is not written in the name but read into it (a bare
    document name means issuing it; a lone particle "ab" means Abmeldung): such a candidate ranks
    first but is never written by ``--accept``.
    """

    service: LeikaService
    score: float
    implied: bool = False


class LeikaIndex:
    """Token -> services inverted index over LeiKa names, for proposing keys for free text."""

    def __init__(self, services):
        self.services = list(services)
        self._tokens = [frozenset(label_tokens(s.name)) for s in self.services]
        postings = defaultdict(list)
        for position, tokens in enumerate(self._tokens):
            for token in tokens:
                postings[token].append(position)
        total = len(self.services)
        self._postings = dict(postings)
        self._idf = {t: math.log(1 + total / len(p)) for t, p in postings.items()}
        self._vocabulary = sorted(postings)
        self._position = {s.leistungsschluessel: p for p, s in enumerate(self.services)}
        # Object key (…000000) -> positions of its action and detail keys; and the action nouns
        # LeiKa uses (the part of an action key's name after its object's name: "Anmeldung").
        self._children = defaultdict(list)
        actions = set()
        for position, service in enumerate(self.services):
            key = service.leistungsschluessel
            if key.endswith("000000"):
                continue
            self._children[key[:8]].append(position)
            parent = self._position.get(key[:8] + "000000")
            if parent is None or not key.endswith("000"):
                continue
            name, parent_name = normalize_label(service.name), normalize_label(self.services[parent].name)
            rest = label_tokens(name[len(parent_name) :]) if name.startswith(parent_name + " ") else []
            if len(rest) == 1:  # one word, one stem: "Anmeldung"; not "Rücknahme" read as rueck+ahme
                actions.update(rest)
        self._action_stems = frozenset(actions) | frozenset(_VERB_READINGS)

    # --- reading a name ---------------------------------------------------------------------

    def _readings(self, title):
        """The title itself plus its readings in LeiKa's words (see _VERB_WORDS)."""
        words = normalize_label(title).split()
        base = [_reword(w) for w in words]
        readings = [(title, 1.0)]
        if base != words:
            readings.append((" ".join(base), _READING_DISCOUNT))
        for position, word in enumerate(base):
            stems = label_tokens(word)
            for index, stem in enumerate(stems):
                for replacement in _VERB_READINGS.get(stem, ()):
                    # Only the verb's part of a compound is replaced: Grundsteuerbescheid ->
                    # "grund steuer Festsetzung".
                    reworded = " ".join(stems[:index] + [replacement] + stems[index + 1 :])
                    variant = base[:position] + [reworded] + base[position + 1 :]
                    readings.append((" ".join(variant), _READING_DISCOUNT))
        return readings

    def _word_forms(self, word, verbs=True):
        """The stem sets a word of a name may be matched by: its own and its readings'."""
        forms = [tuple(label_tokens(word))]
        reworded = _reword(word)
        if reworded != word:
            forms.append(tuple(label_tokens(reworded)))
        for stems in list(forms) if verbs else ():
            for index, stem in enumerate(stems):
                for replacement in _VERB_READINGS.get(stem, ()):
                    forms.append(stems[:index] + tuple(label_tokens(replacement)) + stems[index + 1 :])
        return forms

    def _content_words(self, title):
        return [w for w in normalize_label(title).split() if w not in _FUNCTION_WORDS]

    def _covers(self, word, position, verbs=True):
        """Whether the LeiKa name at ``position`` accounts for one content word of a name.

        ``verbs=False`` leaves out the readings of verbs ("beantragen" as "Genehmigung"): an object
        key such as Baumfällgenehmigung names a thing, not the action of granting it.
        """
        name_words = normalize_label(self.services[position].name).split()
        if word in name_words:
            return True
        stems = self._tokens[position]
        if word in _PARTICLES:  # "ab" is covered by Abmeldung, "an" by Anmeldung, "um" by Ummeldung
            return any(w.startswith(word) and set(label_tokens(w)) & self._action_stems for w in name_words)
        return any(forms and all(_stem_in(stem, stems) for stem in forms) for forms in self._word_forms(word, verbs))

    def ignored_words(self, title, service):
        """The content words of ``title`` that ``service``'s name does not account for.

        Content words are all but articles and prepositions; the verb particles "ab", "an", "um"
        count ("Gewerbe ab" is not "Gewerbe"). A word counts as accounted for through its stems,
        compound parts and the readings above (beantragen -> Ausstellung, Kfz -> Kraftfahrzeug).
        """
        position = self._position[service.leistungsschluessel]
        return [w for w in self._content_words(title) if not self._covers(w, position)]

    def _is_action_word(self, word):
        """A verb particle, a citizen's verb (beantragen) or a word ending in a LeiKa action noun
        (Gewerbeanmeldung, Erlaubnis); a word that only begins with one (Meldebestätigung) is not."""
        if word in _PARTICLES:
            return True
        stems = label_tokens(word)
        return bool(stems) and (stems[-1] in self._action_stems or any(s in _VERB_READINGS for s in stems))

    def actions_of(self, service):
        """The action and detail keys under an object key (…000000), in list order; else []."""
        key = service.leistungsschluessel
        if not key.endswith("000000"):
            return []
        return [self.services[p] for p in self._children.get(key[:8], ())]

    # --- search -----------------------------------------------------------------------------

    def _expand(self, token):
        """Vocabulary tokens close to a query token that LeiKa does not use (typos, variants)."""
        if token in self._postings:
            return [(token, 1.0)]
        hits = process.extract(token, self._vocabulary, scorer=Indel.normalized_similarity, score_cutoff=0.8, limit=3)
        return [(hit, score) for hit, score, _ in hits]

    def search(self, title, limit=3):
        """The ``limit`` best services for a free-text title, best first (score, then key).

        When the name asks for an action ("Gewerbe abmelden", "Fällgenehmigung beantragen") or
        names only a document ("Meldebescheinigung"), an object key (…000000) is ranked just
        below the best of its own action keys that does what the name asks: the object key
        names no action, so it is never the better answer then.
        """
        readings = self._readings(title)
        weights = defaultdict(float)
        for text, _ in readings:
            for token in set(label_tokens(text)):
                for hit, closeness in self._expand(token):
                    idf = self._idf[hit] * closeness
                    for position in self._postings[hit]:
                        weights[position] += idf
        if not weights:
            return []
        # Cheap ranking first: shared rare stems, normalised by the length of the LeiKa name.
        ranked = sorted(weights, key=lambda p: (-weights[p] / math.sqrt(len(self._tokens[p]) or 1), p))

        def score(position):
            name = self.services[position].name
            return round(max(label_similarity(text, name) * factor for text, factor in readings), 4)

        scores = {position: score(position) for position in ranked[:_MAX_RERANK]}
        implied = self._prefer_actions(title, scores, score)
        order = sorted(scores, key=lambda p: (-scores[p], self.services[p].leistungsschluessel))
        return [Candidate(self.services[p], scores[p], p in implied) for p in order[:limit]]

    def _prefer_actions(self, title, scores, score):
        """Rank object keys below their action key where the name asks for the action.

        The action key takes the object key's score when that is higher (the name matched the
        object and says what is done to it), the object key goes just below. Changes ``scores`` in
        place; returns the positions whose action was read into the name rather than written in it.
        """
        words = self._content_words(title)
        action_words = [w for w in words if self._is_action_word(w)]
        documents = [w for w in words if w.endswith(_DOCUMENT_ENDINGS)]
        bare_document = bool(documents) and all(w in documents for w in action_words)
        implied = set()
        if not action_words and not bare_document:
            return implied
        top = sorted(scores, key=lambda p: (-scores[p], self.services[p].leistungsschluessel))
        for position in top[:_OBJECTS_CHECKED]:
            service = self.services[position]
            if not (service.leistungsschluessel.endswith("000000") and self._children.get(service.object_key)):
                continue
            wanted = [w for w in action_words if not self._covers(w, position, verbs=False)]
            best = None
            for child in self._children[service.object_key]:
                if wanted:
                    fits = any(self._covers(w, child) for w in wanted)
                elif bare_document:
                    fits = bool(_REQUEST_STEMS & (self._tokens[child] - self._tokens[position]))
                else:
                    fits = False
                if fits:
                    if child not in scores:
                        scores[child] = score(child)
                    if best is None or scores[child] > scores[best]:
                        best = child
            if best is not None and scores[position] >= scores[best]:
                scores[best] = max(scores[best], round(scores[position] - _BELOW, 4))
                scores[position] = max(0.0, round(scores[best] - _BELOW, 4))
                if not wanted or all(w in _PARTICLES for w in wanted if self._covers(w, best)):
                    implied.add(best)
        return implied


def _reword(word):
    """A word in LeiKa's vocabulary where people use another one (Kfz, WBS, ...konzession)."""
    if word in _WORD_READINGS:
        return _WORD_READINGS[word]
    for ending, replacement in _ENDING_READINGS.items():
        if word.endswith(ending) and len(word) > len(ending):
            return word[: -len(ending)] + replacement
    return word


@lru_cache(maxsize=2)
def leika_index(path=None):
    """The index over the shipped reference list, built once per process (~0.5 s)."""
    return LeikaIndex(load_leika(path).values())
