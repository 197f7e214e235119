"""An event has at most one event definition.

Why: an event with several definitions (a "multiple" event) is triggered by any one of them, or
by all of them when parallelMultiple is set; few readers and fewer tools understand it.
How to fix: split it into separate events (an event-based gateway in front of several catch
events), or keep the one trigger that is meant.
"""

from procex.bpmn.rules._util import event_definition_kinds, problem, trigger_words

ID = "single-event-definition"
PRESET = "recommended"
SEVERITY = "error"
DOC_DE = """Ein Ereignis hat höchstens eine Ereignisdefinition.

Warum: Ein Ereignis mit mehreren Definitionen (ein "Mehrfach"-Ereignis) wird durch eine davon
ausgelöst, oder durch alle, wenn parallelMultiple gesetzt ist; wenige Lesende und noch weniger
Werkzeuge verstehen das.
Abhilfe: Teilen Sie es in getrennte Ereignisse (ein ereignisbasiertes Gateway vor mehreren
eintretenden Ereignissen), oder behalten Sie den einen gemeinten Auslöser.
"""
MESSAGES = {
    "several": {
        "de": "{node} hat {count} Ereignisdefinitionen ({names}): verwenden Sie ein Ereignis je Auslöser",
        "en": "{node} has {count} event definitions ({names}); use one event per trigger",
    },
}


def check(model):
    for node in model.flow_nodes:
        if node.category != "event":
            continue
        defs = event_definition_kinds(node)
        if len(defs) > 1:
            yield problem(node, "several", node=node, count=len(defs), names=trigger_words(defs))
