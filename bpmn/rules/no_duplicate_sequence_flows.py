"""No two sequence flows may connect the same two elements with the same condition.

Why: a duplicated flow sends two tokens along the same path, so the next step runs twice; it is
nearly always a leftover of editing (often drawn on top of the first, invisible).
How to fix: delete one of the two flows.
"""

from procex.bpmn.rules._util import problem

ID = "no-duplicate-sequence-flows"
PRESET = "recommended"
SEVERITY = "error"
DOC_DE = """Zwei Sequenzflüsse dürfen nicht dieselben zwei Elemente mit derselben Bedingung verbinden.

Warum: Ein doppelter Fluss schickt zwei Token denselben Weg, der nächste Schritt läuft also
zweimal; fast immer ist es ein Überbleibsel der Bearbeitung (oft genau über dem ersten
gezeichnet und unsichtbar).
Abhilfe: Löschen Sie einen der beiden Flüsse.
"""
MESSAGES = {
    "duplicate": {
        "de": "Sequenzfluss {flow:bare} verbindet dieselben Elemente ({source} → {target}) wie {first:bare}: "
        "löschen Sie einen der beiden",
        "en": "sequence flow {flow:bare} duplicates {first:bare} from {source} to {target}; delete one of them",
    },
}


def check(model):
    seen = {}
    for flow in model.sequence_flows:
        key = (flow.el.get("sourceRef"), flow.el.get("targetRef"), flow.condition)
        if None in key[:2]:
            continue
        first = seen.setdefault(key, flow)
        if first is not flow:
            yield problem(flow, "duplicate", flow=flow, first=first, source=key[0], target=key[1])
