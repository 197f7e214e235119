"""Namespace prefixes and the element-kind sets the modules of the merge applier share."""

from procex.bpmn import kinds
from procex.bpmn.xml import BPMN_NS, BPMNDI_NS, DC_NS, DI_NS

BPMN = f"{{{BPMN_NS}}}"
BPMNDI = f"{{{BPMNDI_NS}}}"
DC = f"{{{DC_NS}}}"
DI = f"{{{DI_NS}}}"
OMG_PREFIXES = (BPMN, BPMNDI, DC, DI)
# Children that are diffed (and so added) on their own, or that edits keep in step.
_NESTED_ON_THEIR_OWN = kinds.FLOW_ELEMENTS | kinds.ARTIFACTS | {"laneSet", "childLaneSet", "flowNodeRef"}
STRUCTURAL = _NESTED_ON_THEIR_OWN | {"incoming", "outgoing"}
CONTAINER_BEFORE = kinds.ARTIFACTS | {"resourceRole", "correlationSubscription", "supports"}
ROOT_BEFORE = ("collaboration", "process", "choreography", "BPMNDiagram", "relationship")
# Flows with a sourceRef and a targetRef: moved, restored and adopted together with their ends.
FLOW_ENDS_KINDS = frozenset({"sequenceFlow", "messageFlow", "association"})
