"""A gateway with one incoming and one outgoing flow does nothing.

Why: it neither decides nor joins; it only adds a symbol the reader has to interpret.
How to fix: remove the gateway and connect its neighbours directly.
"""

from procex.bpmn.rules._util import problem

ID = "superfluous-gateway"
PRESET = "recommended"
SEVERITY = "warn"
DOC_DE = """Ein Gateway mit einem eingehenden und einem ausgehenden Fluss tut nichts.

Warum: Es entscheidet nicht und führt nicht zusammen; es fügt nur ein Symbol hinzu, das Lesende
deuten müssen.
Abhilfe: Entfernen Sie das Gateway und verbinden Sie seine Nachbarn direkt.
"""
MESSAGES = {
    "superfluous": {
        "de": "{node} hat nur einen eingehenden und einen ausgehenden Fluss und tut nichts: entfernen Sie es und "
        "verbinden Sie die Nachbarn direkt",
        "en": "{node} has only one incoming and one outgoing flow and does nothing; remove it and connect its "
        "neighbours directly",
    },
}


def check(model):
    for node in model.flow_nodes:
        if node.category == "gateway" and len(node.incoming) == 1 and len(node.outgoing) == 1:
            yield problem(node, "superfluous", node=node)
