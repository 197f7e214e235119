"""The start event of an embedded sub-process must be blank.

Why: BPMN 2.0 (10.5.2) starts an embedded sub-process when the flow reaches it; its start event
cannot have a trigger (message, timer, ...). A typed start event belongs in an event
sub-process or in the parent process.
How to fix: remove the event definition, or model the trigger as an intermediate event before
the sub-process.
"""

from procex.bpmn.rules._util import event_definition_kinds, flow_nodes_in, is_true, problem, trigger_words

ID = "sub-process-blank-start-event"
PRESET = "correctness"
SEVERITY = "error"
DOC_DE = """Das Startereignis eines eingebetteten Teilprozesses hat keinen Auslöser.

Warum: BPMN 2.0 (10.5.2) startet einen eingebetteten Teilprozess, wenn der Fluss ihn erreicht;
sein Startereignis kann keinen Auslöser (Nachricht, Timer, ...) haben. Ein Startereignis mit
Auslöser gehört in einen Ereignis-Teilprozess oder in den übergeordneten Prozess.
Abhilfe: Entfernen Sie die Ereignisdefinition, oder modellieren Sie den Auslöser als
Zwischenereignis vor dem Teilprozess.
"""
MESSAGES = {
    "typed": {
        "de": "{node} in {sub} hat einen Auslöser ({trigger}); das Startereignis eines Teilprozesses hat keinen: "
        "entfernen Sie den Auslöser oder setzen Sie ihn als Zwischenereignis vor den Teilprozess",
        "en": "{node} in {sub} has a trigger ({trigger}); a sub-process's start event must be blank: remove the "
        "trigger or move it before the sub-process",
    },
}


def check(model):
    for sub in model.of_kind("subProcess", "transaction"):
        if is_true(sub, "triggeredByEvent"):
            continue
        for node in flow_nodes_in(sub):
            defs = event_definition_kinds(node)
            if node.type == "startEvent" and defs:
                yield problem(node, "typed", node=node, sub=sub, trigger=trigger_words(defs[:1]))
