"""What the reference checks need, gathered in one pass over a BPMN tree (``ReferenceIndex``)."""

from lxml.etree import _Element

from procex.bpmn import kinds
from procex.bpmn.xml import BPMN_NS, BPMNDI_NS

_BPMN = f"{{{BPMN_NS}}}"
_BPMNDI = f"{{{BPMNDI_NS}}}"
# Names of data types (an XSD type, a Java class, a FEEL type), not of BPMN elements: not checked.
_TYPE_NAMES = frozenset({"structureRef", "implementationRef", "evaluatesToTypeRef"})
_ATTRIBUTES = kinds.REFERENCE_ATTRIBUTES - _TYPE_NAMES
SEQUENCE_FLOW, MESSAGE_FLOW = _BPMN + "sequenceFlow", _BPMN + "messageFlow"
PROCESS, PARTICIPANT = _BPMN + "process", _BPMN + "participant"
_PLANE = _BPMNDI + "BPMNPlane"
_TEXT_TAGS = frozenset(_BPMN + name for name in kinds.REFERENCE_TEXT_ELEMENTS)


class ReferenceIndex:
    """What the reference checks need, gathered in one pass over the BPMN and BPMN DI elements
    (vendor elements, dc:Bounds and di:waypoint are skipped by the tag filter). Cheaper than the
    model's lazy indexes, which build views, bounds and buckets the checks do not need;
    bench/validate.py measures it."""

    def __init__(self, root: _Element) -> None:
        self.by_id: dict[str, _Element] = {}
        self.duplicates: list[_Element] = []
        self.refs: list[tuple[_Element, str, str]] = []  # (element, attribute, value)
        self.texts: list[_Element] = []  # elements whose text is a reference
        self.sequence_flows: list[_Element] = []
        self.message_flows: list[_Element] = []
        self.processes: list[_Element] = []
        self.defaults: list[_Element] = []
        self.drawn: set[str] = set()  # ids a BPMNShape/BPMNEdge draws
        self.planes: set[str] = set()  # ids a BPMNPlane draws
        self.pool_of_process: dict[str, _Element] = {}
        by_id, refs, texts, attributes, text_tags = self.by_id, self.refs, self.texts, _ATTRIBUTES, _TEXT_TAGS
        lists = {SEQUENCE_FLOW: self.sequence_flows, MESSAGE_FLOW: self.message_flows, PROCESS: self.processes}
        for el in root.iter(_BPMN + "*", _BPMNDI + "*"):
            tag = el.tag
            # keys() and get() for the few names wanted: lxml's items() looks every value up by
            # name, which is quadratic in the element's attributes (40,000 on one element: 8 s).
            for key in el.keys():
                if key == "id":
                    value = el.get(key)
                    if value in by_id:
                        self.duplicates.append(el)
                    else:
                        by_id[value] = el
                elif key in attributes:
                    value = el.get(key)
                    refs.append((el, key, value))
                    if key == "bpmnElement":
                        (self.planes if tag == _PLANE else self.drawn).add(kinds.local_ref(value))
                    elif key == "default":
                        self.defaults.append(el)
                    elif key == "processRef" and tag == PARTICIPANT:
                        self.pool_of_process.setdefault(kinds.local_ref(value), el)
            if tag in text_tags:
                texts.append(el)
            else:
                bucket = lists.get(tag)
                if bucket is not None:
                    bucket.append(el)

    def get(self, ref: str | None) -> _Element | None:
        return self.by_id.get(kinds.local_ref(ref)) if ref else None
