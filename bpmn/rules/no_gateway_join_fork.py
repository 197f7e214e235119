"""A gateway either joins or splits, not both.

Why: a gateway with several incoming and several outgoing flows hides two decisions in one
symbol; its behaviour (wait for whom, then go where) is hard to read and easy to get wrong.
How to fix: use two gateways, one that joins and one after it that splits.
"""

from procex.bpmn.rules._util import problem

ID = "no-gateway-join-fork"
PRESET = "recommended"
SEVERITY = "error"
DOC_DE = """Ein Gateway führt entweder zusammen oder verzweigt, nicht beides.

Warum: Ein Gateway mit mehreren eingehenden und mehreren ausgehenden Flüssen versteckt zwei
Entscheidungen in einem Symbol; sein Verhalten (auf wen warten, dann wohin) ist schwer zu lesen
und leicht falsch zu verstehen.
Abhilfe: Verwenden Sie zwei Gateways: eines, das zusammenführt, und dahinter eines, das
verzweigt.
"""
MESSAGES = {
    "join-fork": {
        "de": "{node} führt zusammen ({incoming} eingehende) und verzweigt zugleich ({outgoing} ausgehende "
        "Flüsse): verwenden Sie ein Gateway zum Zusammenführen und ein zweites zum Verzweigen",
        "en": "{node} both joins ({incoming} incoming) and splits ({outgoing} outgoing); use one gateway to join "
        "and another to split",
    },
}


def check(model):
    for node in model.flow_nodes:
        if node.category == "gateway" and len(node.incoming) > 1 and len(node.outgoing) > 1:
            yield problem(node, "join-fork", node=node, incoming=len(node.incoming), outgoing=len(node.outgoing))
