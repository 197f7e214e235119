"""Global elements (messages, errors, signals, escalations) are used and named uniquely.

Why: a message, error, signal or escalation that no event, task or message flow refers to is a
leftover that confuses readers and importers; two of the same kind with the same name make
references ambiguous for people (who see names, not ids).
How to fix: delete the unused definition, or refer to it; rename or merge duplicates.
"""

from procex.bpmn import kinds
from procex.bpmn.rules._util import label, problem

ID = "global"
PRESET = "recommended"
SEVERITY = "warn"
DOC_DE = """Globale Elemente (Nachrichten, Fehler, Signale, Eskalationen) werden benutzt und eindeutig benannt.

Warum: Eine Nachricht, ein Fehler, ein Signal oder eine Eskalation, auf die kein Ereignis, keine
Aufgabe und kein Nachrichtenfluss verweist, ist ein Überbleibsel, das Lesende und Import-Werkzeuge
verwirrt; zwei gleichnamige derselben Art machen Verweise für Menschen (die Namen sehen, keine
Ids) mehrdeutig.
Abhilfe: Löschen Sie die unbenutzte Definition oder verweisen Sie auf sie; benennen Sie Dubletten
um oder führen Sie sie zusammen.
"""
MESSAGES = {
    "unused": {
        "de": "{el} wird von keinem Ereignis, keiner Aufgabe und keinem Nachrichtenfluss benutzt: löschen Sie "
        "die Definition oder verweisen Sie auf sie",
        "en": "{el} is not used by any event, task or message flow; delete it or refer to it",
    },
    "same-name": {
        "de": "{el} heißt genauso wie {first:bare}: benennen Sie eines davon um oder verwenden Sie eine "
        "Definition ({el:kind}) für beide",
        "en": "{el} has the same name as {first:bare}; rename one of them or use one {el:kind} for both",
    },
}
_GLOBALS = {
    "message": ("messageRef", "inMessageRef", "outMessageRef"),
    "error": ("errorRef",),
    "signal": ("signalRef",),
    "escalation": ("escalationRef",),
}
_REF_NAMES = {name for names in _GLOBALS.values() for name in names}


def _referenced(model):
    used = set()
    for el in model.root.iter():
        if not isinstance(el.tag, str):
            continue
        for name in _REF_NAMES:
            value = el.get(name)
            if value:
                used.add(kinds.local_ref(value))
        if el.tag.rsplit("}", 1)[-1] in _REF_NAMES and el.text:
            used.add(kinds.local_ref(el.text))
    return used


def check(model):
    used = None
    for kind in _GLOBALS:
        names = {}
        for el in model.of_kind(kind):
            if el.el.getparent() is not model.root:
                continue
            if used is None:
                used = _referenced(model)
            if el.id not in used:
                yield problem(el, "unused", el=el)
            name = label(el.el)
            if name:
                first = names.setdefault(name.casefold(), el)
                if first is not el:
                    yield problem(el, "same-name", el=el, first=first)
