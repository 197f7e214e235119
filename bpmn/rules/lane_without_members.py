"""A lane holds at least one flow node.

Why: lanes are how a model says who does what (office, role, IT system); an empty lane is a role
with no work in it, often left over when steps were moved, and it misleads whoever adapts the
model to their own offices. Lanes that only hold child lanes are not checked themselves.
How to fix: move the steps of that role into the lane (flowNodeRef), or delete the lane.
"""

from procex.bpmn.rules._util import problem

ID = "lane-without-members"
PRESET = "recommended"
SEVERITY = "warn"
DOC_DE = """Eine Lane enthält mindestens einen Flussknoten.

Warum: Lanes sagen, wer was tut (Amt, Rolle, IT-System); eine leere Lane ist eine Rolle ohne
Arbeit, oft übrig geblieben, nachdem Schritte verschoben wurden, und sie führt in die Irre, wer
das Modell an die eigenen Ämter anpasst. Lanes, die nur Unter-Lanes enthalten, werden selbst
nicht geprüft.
Abhilfe: Verschieben Sie die Schritte dieser Rolle in die Lane (flowNodeRef) oder löschen Sie
die Lane.
"""
MESSAGES = {
    "empty": {
        "de": "{lane} enthält keine Aktivität, kein Ereignis und kein Gateway: verschieben Sie die Schritte "
        "dieser Rolle hinein oder löschen Sie die Lane",
        "en": "{lane} holds no activity, event or gateway; move the role's steps into it or delete it",
    },
}


def check(model):
    for lane in model.lanes:
        if lane.child_lanes:
            continue
        if not any(ref for ref in lane.flow_node_refs):
            yield problem(lane, "empty", lane=lane)
