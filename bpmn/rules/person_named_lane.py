"""Pools and lanes name roles or offices, not people.

Why: a model shared through the library goes to other municipalities. A lane called "Frau
Schmidt" or "Thomas Müller" publishes a colleague's name (personal data under the GDPR) and
means nothing to the adopting municipality, which must map roles, not people.
Heuristics: a salutation or title followed by a name ("Herr Meier", "Fr. Dr. Koch"), a common
first name followed by a capitalised word ("Thomas Müller"), or "Surname, First name".
How to fix: name the role or office ("Sachbearbeitung Gewerbe", "Ordnungsamt").
"""

import re

from procex.bpmn.rules._util import label, problem

ID = "person-named-lane"
PRESET = "recommended"
SEVERITY = "warn"
DOC_DE = """Pools und Lanes benennen Rollen oder Stellen, keine Personen.

Warum: Ein über die Bibliothek geteiltes Modell geht an andere Kommunen. Eine Lane "Frau
Schmidt" oder "Thomas Müller" veröffentlicht den Namen einer Kollegin oder eines Kollegen
(personenbezogene Daten nach der DSGVO) und sagt der übernehmenden Kommune nichts, die Rollen
zuordnen muss, keine Personen.
Heuristik: eine Anrede oder ein Titel mit Namen ("Herr Meier", "Fr. Dr. Koch"), ein häufiger
Vorname mit einem großgeschriebenen Wort ("Thomas Müller") oder "Nachname, Vorname".
Abhilfe: Benennen Sie die Rolle oder Stelle ("Sachbearbeitung Gewerbe", "Ordnungsamt").
"""
MESSAGES = {
    "person": {
        "de": "{el} scheint eine Person zu nennen („{person}“): benennen Sie stattdessen die Rolle oder Stelle, "
        "damit kein Personenname geteilt wird",
        "en": "{el} seems to name a person ('{person}'); name the role or office instead, so no personal name is "
        "shared",
    },
}

# Frequent German first names (and some common in German administrations); no ordinary words.
FIRST_NAMES = frozenset(
    """
alexander andrea andreas angelika anja anna anne annette barbara bernd birgit brigitte carsten
christian christina christine claudia daniel daniela dieter dirk doris elke elisabeth emma eva
fabian felix florian frank franz gabriele georg gerhard gisela heike heinz helga helmut
hans ines ingrid jan jana jens joachim johanna johannes jonas jörg jürgen julia karin karl
katharina kathrin katrin kerstin klaus kristina lars laura lea lena leon lisa lukas manfred
manuela marco maria marie mario markus martin martina matthias max melanie michael michaela
monika nadine nicole niklas nina olaf oliver patrick paul peter petra philipp rainer ralf
regina renate robert sabine sandra sarah sascha sebastian silke simone sonja stefan stefanie
stephan susanne sven swen tanja thomas thorsten tim tobias torsten uta ute uwe ursula vanessa
werner wolfgang yvonne
""".split()
)
_WORD = r"[A-ZÄÖÜ][a-zäöüß]+(?:-[A-ZÄÖÜ][a-zäöüß]+)?(?![.\w])"
_SALUTATION = re.compile(rf"\b(?:Herr|Herrn|Frau|Hr\.|Fr\.)\s+(?:(?:Dr|Prof)\.\s+)*{_WORD}")
_TITLE = re.compile(rf"\b(?:(?:Dr|Prof)\.\s*)+(?:{_WORD}\s+)?{_WORD}")
_PAIR = re.compile(rf"\b(?=({_WORD})\s+({_WORD}))")  # overlapping: "Team Klaus Ehrlich"
# A role after a salutation ("Frau Sachbearbeiterin", "Herr Bürgermeister") is not a person's name.
_ROLE = re.compile(
    r"(?i)(sachbearbeit|leiter|leitung|mitarbeit|beauftragt|referent|meister|amt|stelle|"
    r"büro|team|abteilung|bereich|dezernent|vorsitz|vertret|kunde|antragsteller|bürger)"
)
_REVERSED = re.compile(rf"\b({_WORD}),\s*({_WORD})\b")


def person_in(text: str | None) -> str | None:
    """The part of ``text`` that looks like a person's name, or None."""
    if not text:
        return None
    text = " ".join(text.split())
    for pattern in (_SALUTATION, _TITLE):
        for match in pattern.finditer(text):
            if not _ROLE.search(match.group(0).split(None, 1)[-1]):
                return match.group(0)
    for match in _PAIR.finditer(text):
        if match.group(1).casefold() in FIRST_NAMES and match.group(2).casefold() not in FIRST_NAMES:
            return f"{match.group(1)} {match.group(2)}"
    for match in _REVERSED.finditer(text):
        if match.group(2).casefold() in FIRST_NAMES:
            return match.group(0)
    return None


def check(model):
    for el in model.of_kind("participant", "lane"):
        person = person_in(label(el.el))
        if person:
            yield problem(el, "person", el=el, person=person)
