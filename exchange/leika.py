"""The LeiKa reference list (Leistungskatalog, 2019 snapshot) and key lookup by service name.

``load_leika()`` reads the list shipped in exchange/data/ once per process; ``check_key`` says
whether a Leistungsschlüssel is malformed or unknown; ``LeikaIndex`` proposes keys for free-text
service names ("Gewerbeanmeldung" -> 99050012104000 Gewerbe Anmeldung) through an inverted index
over German-aware stems (bpmn.text) and a final label-similarity ranking.
"""
import csv
import math
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from bpmn.errors import ProcexError
from bpmn.text import label_similarity, label_tokens, normalize_label
from rapidfuzz import process
from rapidfuzz.distance import Indel

LEIKA_CSV = Path(__file__).resolve().parent / "data" / "leika_2019.csv"
LEIKA_ATTRIBUTION = ("LeiKa 2019 snapshot from the MIT-licensed repository kdn-nrw/OZG-Datenbank-NRW "
                     "(KDN); content from the FIM building block Leistungen")
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
def load_leika(path=None):
    """All services of the reference list, keyed by Leistungsschlüssel, in file order."""
    path = Path(path) if path else LEIKA_CSV
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
    except OSError as error:
        raise LeikaError(f"{path}: cannot read the LeiKa reference list ({error.strerror}); "
                         "reinstall procex") from None
    services = {}
    for line, row in enumerate(rows, start=2):
        key = (row.get("leistungsschluessel") or "").strip()
        if not KEY_RE.match(key):
            raise LeikaError(f"{path}:{line}: malformed Leistungsschlüssel {key!r} in the reference "
                             "list; reinstall procex")
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
_VERB_READINGS = {
    "beantrag": ("Ausstellung", "Erteilung", "Bewilligung", "Genehmigung", "Erlaubnis"),
    "antrag": ("Ausstellung", "Erteilung", "Bewilligung", "Genehmigung", "Erlaubnis"),
    "bestell": ("Ausstellung",),
    "anfordern": ("Ausstellung", "Zusendung"),
    "ummeld": ("Änderung", "Ummeldung"),
    "umschreib": ("Ummeldung", "Änderung"),
    "zulass": ("Zulassung",),
    "abhol": ("Abholung", "Ausgabe"),
    "einricht": ("Eintragung", "Einrichtung"),
    "verlust": ("Meldung wegen Verlust",),
}
_WORD_READINGS = {
    "kfz": "Kraftfahrzeug", "pkw": "Kraftfahrzeug", "auto": "Kraftfahrzeug",
    "anwohner": "Bewohner", "anwohnerparkausweis": "Bewohnerparkausweis",
    "kita": "Kindertagesstätte", "meldebescheinigung": "Meldebestätigung",
}
_MAX_RERANK = 300  # candidates scored in full after the cheap inverted-index ranking
_READING_DISCOUNT = 0.98  # a reading through a synonym never beats a literal match of equal form


@dataclass(frozen=True)
class Candidate:
    """A proposed key for a name, with the similarity score in [0, 1]."""

    service: LeikaService
    score: float


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

    def _readings(self, title):
        """The title itself plus its readings in LeiKa's words (see _VERB_READINGS)."""
        words = normalize_label(title).split()
        base = [_WORD_READINGS.get(w, w) for w in words]
        readings = [(title, 1.0)]
        if base != words:
            readings.append((" ".join(base), _READING_DISCOUNT))
        for position, word in enumerate(base):
            stems = label_tokens(word)
            for stem in stems:
                for replacement in _VERB_READINGS.get(stem, ()):
                    variant = base[:position] + [replacement] + base[position + 1:]
                    readings.append((" ".join(variant), _READING_DISCOUNT))
        return readings

    def _expand(self, token):
        """Vocabulary tokens close to a query token that LeiKa does not use (typos, variants)."""
        if token in self._postings:
            return [(token, 1.0)]
        hits = process.extract(token, self._vocabulary, scorer=Indel.normalized_similarity,
                               score_cutoff=0.8, limit=3)
        return [(hit, score) for hit, score, _ in hits]

    def search(self, title, limit=3):
        """The ``limit`` best services for a free-text title, best first (score, then key)."""
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
        scored = []
        for position in ranked[:_MAX_RERANK]:
            name = self.services[position].name
            score = max(label_similarity(text, name) * factor for text, factor in readings)
            scored.append((round(score, 4), position))
        scored.sort(key=lambda item: (-item[0], self.services[item[1]].leistungsschluessel))
        return [Candidate(self.services[p], s) for s, p in scored[:limit]]


@lru_cache(maxsize=2)
def leika_index(path=None):
    """The index over the shipped reference list, built once per process (~0.5 s)."""
    return LeikaIndex(load_leika(path).values())
