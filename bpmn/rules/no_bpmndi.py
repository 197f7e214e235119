"""A model needs diagram interchange (BPMN DI): a diagram that draws it.

Why: a file without BPMNDiagram has the process logic but no layout; other municipalities'
tools show nothing or an automatic layout, and reviewers cannot compare drawings. (Elements
that a diagram leaves out are reported by the reference checks, when the file has a diagram.)
How to fix: export the model from the modelling tool with diagram information, or lay it out
once in a BPMN editor and save it.
"""

from procex.bpmn.rules._util import problem

ID = "no-bpmndi"
PRESET = "recommended"
SEVERITY = "error"
DOC_DE = """Ein Modell braucht Diagramminformationen (BPMN DI): ein Diagramm, das es zeichnet.

Warum: Eine Datei ohne BPMNDiagram enthält die Prozesslogik, aber kein Layout; die Werkzeuge
anderer Kommunen zeigen nichts oder ein automatisches Layout, und Prüfende können keine
Zeichnungen vergleichen. (Elemente, die ein Diagramm auslässt, melden die Verweisprüfungen,
wenn die Datei ein Diagramm hat.)
Abhilfe: Exportieren Sie das Modell aus dem Modellierungswerkzeug mit Diagramminformationen,
oder ordnen Sie es einmal in einem BPMN-Editor an und speichern Sie es.
"""
MESSAGES = {
    "no-diagram": {
        "de": "Die Datei hat kein Diagramm (BPMNDiagram mit Formen) und kann daher nicht angezeigt werden: "
        "speichern Sie sie aus einem BPMN-Editor mit Diagramminformationen",
        "en": "the file has no diagram (BPMNDiagram with shapes), so it cannot be shown; save it from a BPMN "
        "editor with diagram information",
    },
}


def check(model):
    if model.flow_nodes and not any(d.shapes for d in model.diagrams):
        yield problem(model.root, "no-diagram")
