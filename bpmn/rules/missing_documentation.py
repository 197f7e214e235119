"""A process (or its pool) carries documentation.

Why: a municipality that finds the process in the library needs a few sentences on its purpose,
scope and legal basis before it adopts it; the diagram alone rarely says that.
How to fix: add a documentation text to the process or its pool (in most editors: the
"Documentation" field of the process or pool).
"""

from procex.bpmn.rules._util import problem

ID = "missing-documentation"
PRESET = "all"
SEVERITY = "warn"
DOC_DE = """Ein Prozess (oder sein Pool) hat eine Dokumentation.

Warum: Eine Kommune, die den Prozess in der Bibliothek findet, braucht ein paar Sätze zu Zweck,
Umfang und Rechtsgrundlage, bevor sie ihn übernimmt; das Diagramm allein sagt das selten.
Abhilfe: Fügen Sie dem Prozess oder seinem Pool einen Dokumentationstext hinzu (in den meisten
Editoren: das Feld "Dokumentation" des Prozesses oder Pools).
"""
MESSAGES = {
    "undocumented": {
        "de": "{process:container} hat keine Dokumentation: beschreiben Sie Zweck, Umfang und Rechtsgrundlage in "
        "der Dokumentation des Prozesses oder Pools",
        "en": "{process:container} has no documentation; describe its purpose, scope and legal basis in the "
        "process or pool documentation",
    },
}


def _documented(element):
    return element is not None and any(text.strip() for text in element.documentation)


def check(model):
    for process in model.processes:
        if not process.children:
            continue  # an empty process (a black-box pool's placeholder)
        if _documented(process) or _documented(process.participant):
            continue
        yield problem(process, "undocumented", process=process)
