"""Helpers shared by the lint rules and the validator: naming elements in messages, reporting."""
import re

from ..findings import Finding
from ..xml import local_name

_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
# Words for kinds whose split camelCase reads badly.
_KIND_WORDS = {"participant": "pool", "BPMNShape": "shape", "BPMNEdge": "edge", "BPMNPlane": "diagram plane",
               "BPMNDiagram": "diagram", "BPMNLabel": "label", "dataObjectReference": "data object",
               "dataStoreReference": "data store", "subProcess": "sub-process",
               "adHocSubProcess": "ad-hoc sub-process"}


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
    """Local names of an event's event definitions ('messageEventDefinition', ...)."""
    el = getattr(el, "el", el)
    from .. import kinds

    return [local_name(c.tag) for c in el if local_name(c.tag) in kinds.EVENT_DEFINITIONS
            or local_name(c.tag) == "eventDefinitionRef"]
