"""Split the flow with a gateway, not with several unconditional flows out of an activity or event.

Why: two or more plain sequence flows leaving an activity or event all run in parallel (an
implicit parallel split). Readers often take them for a decision. A gateway says which it is.
How to fix: add a parallel gateway (all branches) or an exclusive gateway (one branch) after the
element, or give the flows conditions.
"""

from procex.bpmn.rules._util import is_conditional, is_default, problem

ID = "no-implicit-split"
PRESET = "recommended"
SEVERITY = "error"
DOC_DE = """Den Fluss mit einem Gateway verzweigen, nicht mit mehreren unbedingten Flüssen \
aus einer Aktivität oder einem Ereignis.

Warum: Zwei oder mehr einfache Sequenzflüsse, die eine Aktivität oder ein Ereignis verlassen,
laufen alle gleichzeitig (eine implizite parallele Verzweigung). Lesende halten sie oft für eine
Entscheidung. Ein Gateway sagt, was gemeint ist.
Abhilfe: Setzen Sie ein paralleles Gateway (alle Wege) oder ein exklusives Gateway (ein Weg)
hinter das Element, oder geben Sie den Flüssen Bedingungen.
"""
MESSAGES = {
    "implicit-split": {
        "de": "{node} hat {count} ausgehende Sequenzflüsse ohne Bedingung, die alle gleichzeitig laufen: "
        "verzweigen Sie stattdessen mit einem Gateway",
        "en": "{node} has {count} outgoing sequence flows without conditions, which all run at once; split with a "
        "gateway instead",
    },
}


def check(model):
    for node in model.flow_nodes:
        if node.category == "gateway":
            continue
        plain = [f for f in node.outgoing if not is_conditional(f) and not is_default(f)]
        if len(plain) > 1:
            yield problem(node, "implicit-split", node=node, count=len(plain))
