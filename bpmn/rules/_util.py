"""Helpers shared by the lint rules and the validator: naming elements in messages, reporting."""
import re

from ..findings import Finding
from ..xml import local_name

_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
# Words for kinds whose split camelCase reads badly.
_KIND_WORDS = {"participant": "pool", "BPMNShape": "shape", "BPMNEdge": "edge", "BPMNPlane": "diagram plane",
               "BPMNDiagram": "diagram", "BPMNLabel": "label", "dataObjectReference": "data object",
               "dataStoreReference": "data store", "subProcess": "sub-process",
               "adHocSubProcess": "ad-hoc sub-process", "eventBasedGateway": "event-based gateway"}


def kind_words(kind):
    """'userTask' -> 'user task'."""
    return _KIND_WORDS.get(kind) or _CAMEL.sub(" ", kind).lower()


def label(el):
    """The element's name on one line, or None."""
    name = el.get("name")
    if name is None:
        return None
    name = " ".join(name.split())
    return name or None


def describe(el, kind=True):
    """How a message names an element: "user task 'Antrag prüfen' (Task_1)"; lxml element or view."""
    el = getattr(el, "el", el)
    parts = []
    if kind:
        parts.append(kind_words(local_name(el.tag)))
    name = label(el)
    if name:
        parts.append(f"'{name}'")
    ident = el.get("id")
    if ident:
        parts.append(f"({ident})" if name or kind else ident)
    return " ".join(parts) or "element"


def nearest_id(el):
    """The id of the element or of its nearest ancestor that has one."""
    while el is not None:
        ident = el.get("id") if isinstance(el.tag, str) else None
        if ident:
            return ident
        el = el.getparent()
    return None


def finding(rule, el, message, severity="warning"):
    """A Finding located at an element (lxml element or model view)."""
    el = getattr(el, "el", el)
    return Finding(rule, message, severity, el.sourceline, nearest_id(el))


def is_triggered_by_event(el):
    el = getattr(el, "el", el)
    return (el.get("triggeredByEvent") or "").strip() in ("true", "1")


def event_definition_kinds(el):
    """Local names of an event's event definitions ('messageEventDefinition', ...); an
    <eventDefinitionRef> to a global definition counts as that definition's kind when it resolves."""
    model = getattr(el, "model", None)
    el = getattr(el, "el", el)
    from .. import kinds

    found = []
    for child in el:
        kind = local_name(child.tag)
        if kind in kinds.EVENT_DEFINITIONS:
            found.append(kind)
        elif kind == "eventDefinitionRef":
            target = model.element(kinds.local_ref(child.text or "")) if model is not None else None
            found.append(local_name(target.tag) if target is not None else kind)
    return found


# --- flow structure shared by the rules (built from sourceRef/targetRef, never <incoming>) -----

def _kinds():
    from .. import kinds

    return kinds


def containers(model):
    """Views of every process and sub-process (ad-hoc sub-processes and transactions included)."""
    k = _kinds()
    return model.of_kind("process", *sorted(k.SUB_PROCESSES))


def flow_nodes_in(container):
    """Flow nodes standing directly in a process or sub-process."""
    k = _kinds()
    return [c for c in container.children if c.type in k.FLOW_NODES]


def is_true(el, attr):
    el = getattr(el, "el", el)
    return (el.get(attr) or "").strip() in ("true", "1")


def is_compensation(node):
    """An activity that only runs as compensation (connected by association, not by flows)."""
    return is_true(node, "isForCompensation")


def in_ad_hoc(node):
    container = node.container
    return container is not None and container.type == "adHocSubProcess"


def has_definition(node, kind):
    return kind in event_definition_kinds(node)


def is_conditional(flow):
    return flow.el.find("{http://www.omg.org/spec/BPMN/20100524/MODEL}conditionExpression") is not None


def is_default(flow):
    source = flow.source
    if source is None:
        return False
    default = source.el.get("default")
    return default is not None and default.strip().rsplit(":", 1)[-1] == flow.id


def container_word(container):
    return "Process" if container.type == "process" else "Sub-process"


def describe_container(container):
    """Like describe(), and for a process that has no name, the pool it is drawn as."""
    if container.type == "process" and not label(container.el):
        pool = container.participant
        if pool is not None and label(pool.el):
            return f"process of pool '{label(pool.el)}' ({container.id})"
    return describe(container)
