"""Link events come in pairs: each throwing link has one catching link of the same name.

Why: a link event is an off-page connector: the flow continues at the catch event with the same
link name in the same (sub-)process (BPMN 2.0, 10.5.6). A throw without its catch, two catches
with the same name, or a nameless link break the flow.
How to fix: name the link definition (or the event) the same on both ends, one catch per name,
both in the same process or sub-process.
"""

from collections import defaultdict

from procex.bpmn.rules._util import containers, flow_nodes_in, problem

ID = "link-event"
PRESET = "correctness"
SEVERITY = "error"
DOC_DE = """Link-Ereignisse treten paarweise auf: zu jedem auslösenden Link gehört \
ein eintretender Link gleichen Namens.

Warum: Ein Link-Ereignis ist ein Seitenverbinder: Der Fluss geht beim eintretenden Ereignis mit
demselben Link-Namen im selben (Teil-)Prozess weiter (BPMN 2.0, 10.5.6). Ein auslösender Link
ohne Gegenstück, zwei eintretende Links mit demselben Namen oder ein Link ohne Namen
unterbrechen den Fluss.
Abhilfe: Benennen Sie die Link-Definition (oder das Ereignis) an beiden Enden gleich, nur ein
eintretender Link je Name, beide im selben Prozess oder Teilprozess.
"""
MESSAGES = {
    "nameless": {
        "de": "{node} ist ein Link-Ereignis ohne Namen: benennen Sie den Link, damit auslösendes und "
        "eintretendes Ereignis zueinander finden",
        "en": "{node} is a link event without a name; name the link so its throw and catch events can be paired",
    },
    "second-catch": {
        "de": "{node} ist ein zweiter eintretender Link mit dem Namen „{name}“: geben Sie jedem eintretenden Link "
        "einen eigenen Namen",
        "en": "{node} is a second catching link named '{name}'; give each catching link its own name",
    },
    "no-catch": {
        "de": "{node} löst den Link „{name}“ aus, aber im selben Prozess gibt es keinen eintretenden Link mit "
        "diesem Namen: ergänzen Sie ihn oder korrigieren Sie den Namen",
        "en": "{node} throws link '{name}', but no catching link of that name is in the same process; add one or "
        "correct the name",
    },
}
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
                yield problem(node, "nameless", node=node)
            elif node.type == "intermediateCatchEvent":
                catches[name].append(node)
            elif node.type == "intermediateThrowEvent":
                throws.append((name, node))
        for name, events in catches.items():
            for extra in events[1:]:
                yield problem(extra, "second-catch", node=extra, name=name)
        # Paired by the link definition's name as the standard says; exports that leave the
        # definition unnamed or give it its own id still pair by the event's name.
        catch_names = set(catches) | {" ".join(e.name.split()) for es in catches.values() for e in es if e.name}
        for name, node in throws:
            own = " ".join(node.name.split()) if node.name else None
            if name not in catch_names and own not in catch_names:
                yield problem(node, "no-catch", node=node, name=name)
