"""Flows out of a splitting exclusive, inclusive or complex gateway need conditions.

Why: after a decision every outgoing sequence flow except the default one must say when it is
taken; without a condition the split cannot be carried out and readers must guess. The same
holds for an activity or event where some outgoing flows are conditional: then all must be
(or be the default). In a process that is not executable (isExecutable is not "true"; most
municipal models document work for people) the flow's label ("ja", "nein", "unvollständig")
is the condition; an executable process needs a conditionExpression.
How to fix: label each such flow with its condition (and, for an executable process, give it a
conditionExpression), or mark one flow as the default.
"""

from procex.bpmn.rules._util import is_conditional, is_default, is_true, label, problem

ID = "conditional-flows"
PRESET = "recommended"
SEVERITY = "error"
DOC_DE = """Flüsse aus einem verzweigenden exklusiven, inklusiven oder komplexen Gateway brauchen Bedingungen.

Warum: Nach einer Entscheidung muss jeder ausgehende Sequenzfluss außer dem Standardfluss sagen,
wann er genommen wird; ohne Bedingung lässt sich die Verzweigung nicht ausführen, und Lesende
müssen raten. Dasselbe gilt für eine Aktivität oder ein Ereignis, von dessen ausgehenden
Flüssen einige bedingt sind: dann müssen es alle sein (oder der Standardfluss). In einem nicht
ausführbaren Prozess (isExecutable ist nicht "true"; die meisten kommunalen Modelle beschreiben
Arbeit von Menschen) ist die Beschriftung des Flusses ("ja", "nein", "unvollständig") die
Bedingung; ein ausführbarer Prozess braucht eine conditionExpression.
Abhilfe: Beschriften Sie jeden solchen Fluss mit seiner Bedingung (und geben Sie ihm in einem
ausführbaren Prozess eine conditionExpression), oder machen Sie einen Fluss zum Standardfluss.
"""
MESSAGES = {
    "no-condition": {
        "de": "Sequenzfluss {flow:bare} (Quelle: {node}) hat keine Bedingung: beschriften Sie ihn mit seiner Bedingung "
        "(z. B. „ja“, „nein“) oder machen Sie ihn zum Standardfluss",
        "en": "sequence flow {flow:bare} out of {node} has no condition; label it with its condition or make it "
        "the default flow",
    },
    "no-expression": {
        "de": "Sequenzfluss {flow:bare} (Quelle: {node}) hat keinen Bedingungsausdruck (der Prozess ist ausführbar): "
        "geben Sie ihm eine conditionExpression oder machen Sie ihn zum Standardfluss",
        "en": "sequence flow {flow:bare} out of {node} has no condition expression (the process is executable); "
        "add a conditionExpression or make it the default flow",
    },
}
_DECIDING = ("exclusiveGateway", "inclusiveGateway", "complexGateway")


def check(model):
    for node in model.flow_nodes:
        outgoing = node.outgoing
        if len(outgoing) < 2:
            continue
        if node.type in _DECIDING:
            need = True
        elif node.category != "gateway":
            need = any(is_conditional(f) for f in outgoing)
        else:
            need = False
        if not need:
            continue
        process = node.process
        executable = process is not None and is_true(process, "isExecutable")
        for flow in outgoing:
            if is_conditional(flow) or is_default(flow) or (not executable and label(flow.el)):
                continue
            key = "no-expression" if executable else "no-condition"
            yield problem(flow, key, flow=flow, node=node)
