"""Link events come in pairs: each throwing link has one catching link of the same name.

Why: a link event is an off-page connector: the flow continues at the catch event with the same
link name in the same (sub-)process (BPMN 2.0, 10.5.6). A throw without its catch, two catches
with the same name, or a nameless link break the flow.
How to fix: name the link definition (or the event) the same on both ends, one catch per name,
both in the same process or sub-process.
"""
from collections import defaultdict

from ._util import containers, describe, finding, flow_nodes_in

ID = "link-event"
PRESET = "correctness"
SEVERITY = "error"
_LINK = "{http://www.omg.org/spec/BPMN/20100524/MODEL}linkEventDefinition"


def _link_name(event):
    definition = event.el.find(_LINK)
    name = (definition.get("name") if definition is not None else None) or event.name
    return " ".join(name.split()) if name else None


def check(model):
    for container in containers(model):
        throws, catches = [], defaultdict(list)
        for node in flow_nodes_in(container):
            if node.el.find(_LINK) is None:
                continue
            name = _link_name(node)
            if not name:
                yield finding(ID, node, f"{describe(node)} is a link event without a name; name the link so its "
                                        "throw and catch events can be paired")
            elif node.type == "intermediateCatchEvent":
                catches[name].append(node)
            elif node.type == "intermediateThrowEvent":
                throws.append((name, node))
        for name, events in catches.items():
            for extra in events[1:]:
                yield finding(ID, extra, f"{describe(extra)} is a second catching link named '{name}'; "
                                         "give each catching link its own name")
        # Paired by the link definition's name as the standard says; exports that leave the
        # definition unnamed or give it its own id still pair by the event's name.
        catch_names = set(catches) | {" ".join(e.name.split()) for es in catches.values() for e in es if e.name}
        for name, node in throws:
            own = " ".join(node.name.split()) if node.name else None
            if name not in catch_names and own not in catch_names:
                yield finding(ID, node, f"{describe(node)} throws link '{name}', but no catching link of that name "
                                        "is in the same process; add one or correct the name")
