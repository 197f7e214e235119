"""The BPMN 2.0 element kinds procex distinguishes, and which attributes and texts are references.

Kept apart from model.py so that the validator, the differ and the renderer share one vocabulary.
"""

from functools import lru_cache

from lxml import etree

TASKS = frozenset(
    {
        "task",
        "userTask",
        "serviceTask",
        "sendTask",
        "receiveTask",
        "manualTask",
        "businessRuleTask",
        "scriptTask",
    }
)
SUB_PROCESSES = frozenset({"subProcess", "adHocSubProcess", "transaction"})
ACTIVITIES = TASKS | SUB_PROCESSES | {"callActivity"}
EVENTS = frozenset(
    {
        "startEvent",
        "endEvent",
        "intermediateCatchEvent",
        "intermediateThrowEvent",
        "boundaryEvent",
        "implicitThrowEvent",
    }
)
GATEWAYS = frozenset(
    {
        "exclusiveGateway",
        "inclusiveGateway",
        "parallelGateway",
        "eventBasedGateway",
        "complexGateway",
    }
)
FLOW_NODES = ACTIVITIES | EVENTS | GATEWAYS
DATA_ELEMENTS = frozenset({"dataObject", "dataObjectReference", "dataStoreReference"})
FLOWS = frozenset({"sequenceFlow"})
# Everything that may stand as a flowElement inside a process or sub-process.
FLOW_ELEMENTS = FLOW_NODES | DATA_ELEMENTS | FLOWS
ARTIFACTS = frozenset({"textAnnotation", "group", "association"})
DATA_ASSOCIATIONS = frozenset({"dataInputAssociation", "dataOutputAssociation"})
CONTAINERS = frozenset({"process"}) | SUB_PROCESSES
EVENT_DEFINITIONS = frozenset(
    {
        "timerEventDefinition",
        "messageEventDefinition",
        "signalEventDefinition",
        "errorEventDefinition",
        "escalationEventDefinition",
        "compensateEventDefinition",
        "conditionalEventDefinition",
        "linkEventDefinition",
        "cancelEventDefinition",
        "terminateEventDefinition",
    }
)


# Category of a kind: tasks may be retyped into each other, gateways likewise, and so on.
def category(kind: str) -> str:
    if kind in ACTIVITIES:
        return "activity"
    if kind in EVENTS:
        return "event"
    if kind in GATEWAYS:
        return "gateway"
    if kind in DATA_ELEMENTS or kind == "dataStore":
        return "data"
    return kind


# Attributes whose value names another element (IDREF or QName of an id).
REFERENCE_ATTRIBUTES = frozenset(
    {
        "sourceRef",
        "targetRef",
        "processRef",
        "bpmnElement",
        "attachedToRef",
        "default",
        "calledElement",
        "messageRef",
        "dataObjectRef",
        "dataStoreRef",
        "categoryValueRef",
        "errorRef",
        "signalRef",
        "escalationRef",
        "activityRef",
        "operationRef",
        "itemSubjectRef",
        "structureRef",
        "inMessageRef",
        "outMessageRef",
        "implementationRef",
        "sourceElement",
        "targetElement",
        "definitionalCollaborationRef",
        "partitionElementRef",
        "choreographyRef",
        "calledChoreographyRef",
        "interfaceRef",
        "evaluatesToTypeRef",
        "attributeRef",
        "correlationPropertyRef",
        "parameterRef",
        "participantRef",
        "linkedEventDefinitionRef",
        "messageVisibleRef",
        # BPMN DI: a label's style and a choreography participant band's activity shape
        "labelStyle",
        "choreographyActivityShape",
    }
)
# Child elements whose text names another element.
REFERENCE_TEXT_ELEMENTS = frozenset(
    {
        "flowNodeRef",
        "incoming",
        "outgoing",
        "sourceRef",
        "targetRef",
        "dataInputRefs",
        "dataOutputRefs",
        "inputSetRefs",
        "outputSetRefs",
        "optionalInputRefs",
        "optionalOutputRefs",
        "whileExecutingInputRefs",
        "whileExecutingOutputRefs",
        "eventDefinitionRef",
        "participantRef",
        "messageFlowRef",
        "interfaceRef",
        "supports",
        "categoryValueRef",
        "correlationPropertyRef",
        "source",
        "target",
        "innerConversationNodeRef",
        "outerConversationNodeRef",
        "innerMessageFlowRef",
        "outerMessageFlowRef",
        "resourceRef",
        "resourceParameterRef",
        "loopDataInputRef",
        "loopDataOutputRef",
        "inputDataRef",
        "outputDataRef",
        "endPointRef",
        "errorRef",
        "dataInputRef",
        "dataOutputRef",
        "choreographyRef",
    }
)


def local_ref(value: str) -> str:
    """The id a QName or IDREF value names: 'tns:Task_1' -> 'Task_1'."""
    value = value.strip()
    return value.rsplit(":", 1)[-1] if ":" in value else value


@lru_cache(maxsize=1)
def known_element_names() -> frozenset[str]:
    """Every element name declared in the OMG BPMN 2.0 XSDs (global and local declarations)."""
    from procex.schemas import SCHEMA_DIR

    names: set[str] = set()
    for xsd in ("BPMN20.xsd", "Semantic.xsd", "BPMNDI.xsd", "DC.xsd", "DI.xsd"):
        tree = etree.parse(str(SCHEMA_DIR / "bpmn20" / xsd), etree.XMLParser(resolve_entities=False, no_network=True))
        names.update(tree.xpath("//xsd:element/@name", namespaces={"xsd": "http://www.w3.org/2001/XMLSchema"}))
    names.add("definitions")
    return frozenset(names)
