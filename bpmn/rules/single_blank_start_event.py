"""A process or sub-process has at most one blank start event.

Why: blank (untyped) start events cannot be told apart by their trigger, so with two of them it
is unclear which one starts the process, or whether both do.
How to fix: keep one blank start event and give the others a trigger (message, timer, ...), or
merge them.
"""

from procex.bpmn.rules._util import containers, event_definition_kinds, flow_nodes_in, problem

ID = "single-blank-start-event"
PRESET = "recommended"
SEVERITY = "error"
DOC_DE = """Ein Prozess oder Teilprozess hat höchstens ein Startereignis ohne Auslöser.

Warum: Startereignisse ohne Auslöser lassen sich nicht an ihrem Auslöser unterscheiden; bei
zweien ist unklar, welches den Prozess startet oder ob beide es tun.
Abhilfe: Behalten Sie ein Startereignis ohne Auslöser und geben Sie den anderen einen Auslöser
(Nachricht, Timer, ...), oder führen Sie sie zusammen.
"""
MESSAGES = {
    "several": {
        "de": "{container:container} hat {count} Startereignisse ohne Auslöser ({ids}): behalten Sie eines und "
        "geben Sie den anderen einen Auslöser",
        "en": "{container:container} has {count} blank start events ({ids}); keep one and give the others a trigger",
    },
}


def check(model):
    for container in containers(model):
        blank = [n for n in flow_nodes_in(container) if n.type == "startEvent" and not event_definition_kinds(n)]
        if len(blank) > 1:
            ids = ", ".join(n.id or "?" for n in blank)
            yield problem(container, "several", container=container, count=len(blank), ids=ids)
