"""An ad-hoc sub-process has no start or end events.

Why: the activities of an ad-hoc sub-process run in any order, as the performer decides;
BPMN 2.0 (10.2.5) does not allow start or end events in it.
How to fix: remove the start and end events from the ad-hoc sub-process (its completion
condition says when it is done), or make it an ordinary sub-process.
"""

from procex.bpmn.rules._util import flow_nodes_in, problem

ID = "ad-hoc-sub-process"
PRESET = "correctness"
SEVERITY = "error"
DOC_DE = """Ein Ad-hoc-Teilprozess hat keine Start- und keine Endereignisse.

Warum: Die Aktivitäten eines Ad-hoc-Teilprozesses laufen in beliebiger Reihenfolge, wie die
Bearbeitenden entscheiden; BPMN 2.0 (10.2.5) erlaubt darin keine Start- oder Endereignisse.
Abhilfe: Entfernen Sie die Start- und Endereignisse aus dem Ad-hoc-Teilprozess (seine
Abschlussbedingung sagt, wann er fertig ist), oder machen Sie ihn zu einem gewöhnlichen Teilprozess.
"""
MESSAGES = {
    "start-or-end": {
        "de": "{node} liegt in {sub}; ein Ad-hoc-Teilprozess hat keine Start- oder Endereignisse: entfernen "
        "Sie das Ereignis",
        "en": "{node} is inside {sub}; ad-hoc sub-processes have no start or end events: remove it",
    },
}


def check(model):
    for sub in model.of_kind("adHocSubProcess"):
        for node in flow_nodes_in(sub):
            if node.type in ("startEvent", "endEvent"):
                yield problem(node, "start-or-end", node=node, sub=sub)
