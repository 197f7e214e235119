"""The start event of an event sub-process must have a trigger.

Why: BPMN 2.0 (10.2.5) starts an event sub-process only by its start event's trigger (message,
timer, error, signal, ...); a blank start event would never fire.
How to fix: give the start event the trigger the event sub-process reacts to.
"""

from procex.bpmn.rules._util import event_definition_kinds, flow_nodes_in, is_true, problem

ID = "event-sub-process-typed-start-event"
PRESET = "correctness"
SEVERITY = "error"
DOC_DE = """Das Startereignis eines Ereignis-Teilprozesses braucht einen Auslöser.

Warum: BPMN 2.0 (10.2.5) startet einen Ereignis-Teilprozess nur durch den Auslöser seines
Startereignisses (Nachricht, Timer, Fehler, Signal, ...); ein Startereignis ohne Auslöser
würde nie eintreten.
Abhilfe: Geben Sie dem Startereignis den Auslöser, auf den der Ereignis-Teilprozess reagiert.
"""
MESSAGES = {
    "blank": {
        "de": "{node} startet den Ereignis-Teilprozess {sub:bare}, hat aber keinen Auslöser: geben Sie ihm die "
        "Nachricht, den Timer, den Fehler oder das Signal, auf das er reagiert",
        "en": "{node} starts event sub-process {sub:bare} but has no trigger; give it the message, timer, error "
        "or signal it reacts to",
    },
}


def check(model):
    for sub in model.of_kind("subProcess", "adHocSubProcess", "transaction"):
        if not is_true(sub, "triggeredByEvent"):
            continue
        for node in flow_nodes_in(sub):
            if node.type == "startEvent" and not event_definition_kinds(node):
                yield problem(node, "blank", node=node, sub=sub)
