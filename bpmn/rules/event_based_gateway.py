"""An event-based gateway waits for events: two or more outgoing flows to catch events or receive tasks.

Why: BPMN 2.0 (10.6.6) requires that every flow out of an event-based gateway leads to an
intermediate catch event (message, timer, signal, conditional) or a receive task, that there
are at least two of them, and that the flows carry no conditions: the first event to happen
chooses the path.
How to fix: put a catch event (e.g. "Antwort eingegangen", "Frist abgelaufen") right after the
gateway on each path, or use an exclusive gateway for a decision on data.
"""

from procex.bpmn.rules._util import event_definition_kinds, is_conditional, problem

ID = "event-based-gateway"
PRESET = "correctness"
SEVERITY = "error"
DOC_DE = """Ein ereignisbasiertes Gateway wartet auf Ereignisse: zwei oder mehr \
ausgehende Flüsse zu Zwischenereignissen oder Empfangsaufgaben.

Warum: BPMN 2.0 (10.6.6) verlangt, dass jeder Fluss aus einem ereignisbasierten Gateway zu einem
eintretenden Zwischenereignis (Nachricht, Timer, Signal, Bedingung) oder einer Empfangsaufgabe
führt, dass es mindestens zwei davon gibt und dass die Flüsse keine Bedingungen tragen: Das
Ereignis, das zuerst eintritt, wählt den Weg.
Abhilfe: Setzen Sie auf jedem Weg direkt hinter das Gateway ein eintretendes Ereignis (z. B.
"Antwort eingegangen", "Frist abgelaufen"), oder nehmen Sie für eine Entscheidung nach Daten ein
exklusives Gateway.
"""
MESSAGES = {
    "too-few": {
        "de": "{gateway} hat weniger als zwei ausgehende Sequenzflüsse ({count}); ein ereignisbasiertes Gateway "
        "wählt zwischen mindestens zwei Ereignissen: ergänzen Sie die Wege oder entfernen Sie das Gateway",
        "en": "{gateway} has {count} outgoing flow(s); an event-based gateway chooses between at least two events",
    },
    "not-waiting": {
        "de": "Sequenzfluss {flow:bare} (Quelle: {gateway}, Ziel: {target}): nach einem ereignisbasierten Gateway "
        "muss jeder Weg mit einem eintretenden Ereignis (Nachricht, Timer, Signal, Bedingung) oder einer "
        "Empfangsaufgabe beginnen: setzen Sie ein solches Ereignis davor",
        "en": "sequence flow {flow:bare} leads from {gateway} to {target}; after an event-based gateway each path "
        "must start with a catch event (message, timer, signal, condition) or a receive task",
    },
    "condition": {
        "de": "Sequenzfluss {flow:bare} (Quelle: {gateway}) hat eine Bedingung; hier entscheidet das Ereignis über den "
        "Weg: entfernen Sie die Bedingung",
        "en": "sequence flow {flow:bare} out of {gateway} has a condition; the event decides the path: remove the "
        "condition",
    },
}
_CATCHABLE = {"messageEventDefinition", "timerEventDefinition", "signalEventDefinition", "conditionalEventDefinition"}


def _waits(target):
    if target is None:
        return True  # a dangling flow is a reference error
    if target.type == "receiveTask":
        return True
    return target.type == "intermediateCatchEvent" and bool(set(event_definition_kinds(target)) & _CATCHABLE)


def check(model):
    for gateway in model.of_kind("eventBasedGateway"):
        outgoing = gateway.outgoing
        if len(outgoing) < 2:
            yield problem(gateway, "too-few", gateway=gateway, count=len(outgoing))
        for flow in outgoing:
            target = flow.target
            if not _waits(target):
                yield problem(flow, "not-waiting", flow=flow, gateway=gateway, target=target)
            elif is_conditional(flow):
                yield problem(flow, "condition", flow=flow, gateway=gateway)
