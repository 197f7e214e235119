"""Activities, events, splitting gateways, pools and lanes need a label.

Why: a step without a name tells a reader in another municipality nothing; labels are also what
search and the adaptation diff compare. Parallel and event-based gateways and joins need no label; a splitting
exclusive, inclusive or complex gateway should ask its question.
How to fix: give the element a name ("Antrag prüfen", "Unterlagen vollständig?").
"""
from ._util import describe, finding, label

ID = "label-required"
PRESET = "recommended"
SEVERITY = "error"
_LABELLED = ("participant", "lane")


def check(model):
    for node in model.flow_nodes:
        if node.category == "gateway" and (node.type in ("parallelGateway", "eventBasedGateway")
                                           or len(node.outgoing) <= 1):
            continue
        if not label(node.el):
            yield finding(ID, node, f"{describe(node)} has no label; name it so readers know what happens")
    for el in model.of_kind(*_LABELLED):
        if not label(el.el):
            yield finding(ID, el, f"{describe(el)} has no label; name the role or office it stands for")
