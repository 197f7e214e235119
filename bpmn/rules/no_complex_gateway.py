"""Avoid complex gateways.

Why: a complex gateway's behaviour lives in a free-text activation condition that readers and
most tools (and process engines) cannot interpret; the diagram alone does not say what happens.
How to fix: express the logic with exclusive, parallel or inclusive gateways and conditions.
"""

from procex.bpmn.rules._util import problem

ID = "no-complex-gateway"
PRESET = "all"
SEVERITY = "warn"
DOC_DE = """Komplexe Gateways vermeiden.

Warum: Das Verhalten eines komplexen Gateways steht in einer Freitext-Aktivierungsbedingung, die
Lesende und die meisten Werkzeuge (und Prozess-Engines) nicht auswerten können; das Diagramm
allein sagt nicht, was geschieht.
Abhilfe: Drücken Sie die Logik mit exklusiven, parallelen oder inklusiven Gateways und
Bedingungen aus.
"""
MESSAGES = {
    "complex": {
        "de": "{gateway} verbirgt sein Verhalten in einer Freitext-Aktivierungsbedingung, die kaum jemand und kaum "
        "ein Werkzeug versteht: verwenden Sie exklusive, parallele oder inklusive Gateways",
        "en": "{gateway} hides its behaviour in a free-text activation condition that few readers or tools "
        "understand; use exclusive, parallel or inclusive gateways",
    },
}


def check(model):
    for gateway in model.of_kind("complexGateway"):
        yield problem(gateway, "complex", gateway=gateway)
