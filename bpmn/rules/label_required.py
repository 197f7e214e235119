"""Activities, events, splitting gateways, pools and lanes need a label.

Why: a step without a name tells a reader in another municipality nothing; labels are also what
search and the adaptation diff compare. Parallel and event-based gateways and joins need no label; a splitting
exclusive, inclusive or complex gateway should ask its question.
How to fix: give the element a name ("Antrag prüfen", "Unterlagen vollständig?").
"""

from procex.bpmn.rules._util import label, problem

ID = "label-required"
PRESET = "recommended"
SEVERITY = "error"
DOC_DE = """Aktivitäten, Ereignisse, verzweigende Gateways, Pools und Lanes brauchen eine Beschriftung.

Warum: Ein Schritt ohne Namen sagt Lesenden in einer anderen Kommune nichts; Beschriftungen sind
auch das, was die Suche und der Anpassungsvergleich vergleichen. Parallele und ereignisbasierte
Gateways und Zusammenführungen brauchen keine Beschriftung; ein verzweigendes exklusives,
inklusives oder komplexes Gateway sollte seine Frage stellen.
Abhilfe: Geben Sie dem Element einen Namen ("Antrag prüfen", "Unterlagen vollständig?").
"""
MESSAGES = {
    "node": {
        "de": "{node} hat keine Beschriftung: geben Sie dem Element einen Namen, damit Lesende wissen, was geschieht",
        "en": "{node} has no label; name it so readers know what happens",
    },
    "role": {
        "de": "{el} hat keine Beschriftung: benennen Sie die dargestellte Rolle oder Stelle",
        "en": "{el} has no label; name the role or office it stands for",
    },
}
_LABELLED = ("participant", "lane")


def check(model):
    for node in model.flow_nodes:
        if node.category == "gateway" and (
            node.type in ("parallelGateway", "eventBasedGateway") or len(node.outgoing) <= 1
        ):
            continue
        if not label(node.el):
            yield problem(node, "node", node=node)
    for el in model.of_kind(*_LABELLED):
        if not label(el.el):
            yield problem(el, "role", el=el)
