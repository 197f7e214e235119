"""Flow nodes must be connected by sequence flows.

Why: an activity, event or gateway with neither incoming nor outgoing sequence flow is never
reached and leads nowhere; usually a flow was deleted by mistake or the element is left over.
Exempt: event sub-processes, compensation activities, boundary events of compensation, and
elements of ad-hoc sub-processes (they need no flows). Connections are read from the sequence
flows' sourceRef/targetRef only.
How to fix: connect the element with sequence flows, or remove it.
"""

from procex.bpmn.rules._util import has_definition, in_ad_hoc, is_compensation, is_true, problem

ID = "no-disconnected"
PRESET = "recommended"
SEVERITY = "error"
DOC_DE = """Flussknoten müssen durch Sequenzflüsse verbunden sein.

Warum: Eine Aktivität, ein Ereignis oder ein Gateway ohne eingehenden und ohne ausgehenden
Sequenzfluss wird nie erreicht und führt nirgendwohin; meist wurde ein Fluss versehentlich
gelöscht oder das Element ist übrig geblieben. Ausgenommen: Ereignis-Teilprozesse,
Kompensationsaktivitäten, angeheftete Kompensationsereignisse und Elemente von
Ad-hoc-Teilprozessen (sie brauchen keine Flüsse). Verbindungen werden nur aus
sourceRef/targetRef der Sequenzflüsse gelesen.
Abhilfe: Verbinden Sie das Element mit Sequenzflüssen oder entfernen Sie es.
"""
MESSAGES = {
    "disconnected": {
        "de": "{node} ist mit keinem Sequenzfluss verbunden: verbinden Sie das Element mit Sequenzflüssen oder "
        "entfernen Sie es",
        "en": "{node} is not connected to any sequence flow; connect it or remove it",
    },
}


def exempt(node):
    if node.type == "subProcess" and is_true(node, "triggeredByEvent"):
        return True
    if node.type == "boundaryEvent" and has_definition(node, "compensateEventDefinition"):
        return True
    return is_compensation(node) or in_ad_hoc(node)


def check(model):
    for node in model.flow_nodes:
        if exempt(node):
            continue
        if node.type == "boundaryEvent":
            continue  # a boundary event has no incoming flow; no-implicit-end reports it without outgoing
        if not node.incoming and not node.outgoing:
            yield problem(node, "disconnected", node=node)
