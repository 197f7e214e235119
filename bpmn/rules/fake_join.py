"""Join flows with a gateway, not by pointing several flows at one activity.

Why: an activity with two or more incoming sequence flows runs once per arriving token; it does
not wait for the others. Modellers usually mean a join, which needs a gateway.
How to fix: merge the flows with a gateway (parallel to wait for all, exclusive to pass each
through) in front of the activity.
"""

from procex.bpmn.rules._util import problem

ID = "fake-join"
PRESET = "recommended"
SEVERITY = "warn"
DOC_DE = """Flüsse mit einem Gateway zusammenführen, nicht indem mehrere Flüsse auf eine Aktivität zeigen.

Warum: Eine Aktivität mit zwei oder mehr eingehenden Sequenzflüssen läuft für jeden ankommenden
Fluss einmal; sie wartet nicht auf die anderen. Gemeint ist meist eine Zusammenführung, und die
braucht ein Gateway.
Abhilfe: Führen Sie die Flüsse vor der Aktivität mit einem Gateway zusammen (parallel, um auf
alle zu warten; exklusiv, um jeden durchzulassen).
"""
MESSAGES = {
    "fake-join": {
        "de": "{node} hat {count} eingehende Sequenzflüsse und läuft für jeden einmal: führen Sie sie davor mit "
        "einem Gateway zusammen",
        "en": "{node} has {count} incoming sequence flows and runs once for each; join them with a gateway in front "
        "of it",
    },
}


def check(model):
    for node in model.flow_nodes:
        if node.category == "activity" and len(node.incoming) > 1:
            yield problem(node, "fake-join", node=node, count=len(node.incoming))
