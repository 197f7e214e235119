"""Helpers shared by the lint rules and the validator: naming elements in messages, and putting
findings into words in German (the default: councils and reviewers read them) or English.

A rule's ``check(model)`` yields ``problem(element, key, **params)``; its module's ``MESSAGES``
maps each key to a German and an English template, side by side, and the runner renders the
chosen language with ``say``. In a template an element parameter is named as ``{node}`` (kind,
label, id), ``{node:bare}`` (label and id), ``{node:kind}`` (the kind word) or
``{node:container}`` (a process without a name by its pool); ``Words(de=..., en=...)`` is a
parameter spelled per language; anything else is formatted as it is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from types import ModuleType
from typing import TYPE_CHECKING, Any, Union, cast

from lxml.etree import _Element

from procex.bpmn.findings import Finding
from procex.bpmn.xml import local_name

if TYPE_CHECKING:
    from procex.bpmn.model import Element, Model

# where a rule points: an lxml element or a model view of one
Located = Union[_Element, "Element"]

LANGS = ("de", "en")
# A MESSAGES table: key -> {"de": template, "en": template}
Messages = dict[str, dict[str, str]]
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
# Words for kinds whose split camelCase reads badly.
_KIND_WORDS = {
    "participant": "pool",
    "BPMNShape": "shape",
    "BPMNEdge": "edge",
    "BPMNPlane": "diagram plane",
    "BPMNDiagram": "diagram",
    "BPMNLabel": "label",
    "dataObjectReference": "data object",
    "dataStoreReference": "data store",
    "subProcess": "sub-process",
    "adHocSubProcess": "ad-hoc sub-process",
    "eventBasedGateway": "event-based gateway",
}
# German words for kinds that bpmn.diff_text.TYPE_WORDS_DE (the flow elements) does not name.
_KIND_WORDS_DE = {
    "BPMNShape": "Form",
    "BPMNEdge": "Kante",
    "BPMNPlane": "Diagrammebene",
    "BPMNDiagram": "Diagramm",
    "BPMNLabel": "Beschriftung",
    "definitions": "Definitionen",
    "collaboration": "Kollaboration",
    "message": "Nachricht",
    "error": "Fehler",
    "signal": "Signal",
    "escalation": "Eskalation",
    "laneSet": "Lane-Gruppe",
    "globalTask": "globale Aufgabe",
    "dataInput": "Dateneingabe",
    "dataOutput": "Datenausgabe",
    "dataInputAssociation": "Dateneingabe-Assoziation",
    "dataOutputAssociation": "Datenausgabe-Assoziation",
    "category": "Kategorie",
    "categoryValue": "Kategoriewert",
    "conversation": "Konversation",
    "itemDefinition": "Datentyp",
    "interface": "Schnittstelle",
    "operation": "Operation",
    "property": "Eigenschaft",
    "ioSpecification": "Ein-/Ausgabespezifikation",
    "extensionElements": "Erweiterungen",
    "documentation": "Dokumentation",
}
# Event definitions by their trigger ("messageEventDefinition" -> message / Nachricht).
_TRIGGER_WORDS_DE = {
    "message": "Nachricht",
    "timer": "Timer",
    "signal": "Signal",
    "error": "Fehler",
    "escalation": "Eskalation",
    "conditional": "Bedingung",
    "compensate": "Kompensation",
    "link": "Link",
    "terminate": "Terminierung",
    "cancel": "Abbruch",
}


def kind_words(kind: str, lang: str = "en") -> str:
    """'userTask' -> 'user task' / 'Benutzeraufgabe'."""
    if lang == "de":
        from procex.bpmn.diff_text import TYPE_WORDS_DE

        return TYPE_WORDS_DE.get(kind) or _KIND_WORDS_DE.get(kind) or kind
    return _KIND_WORDS.get(kind) or _CAMEL.sub(" ", kind).lower()


def label(el: _Element) -> str | None:
    """The element's name on one line, or None."""
    name = el.get("name")
    if name is None:
        return None
    name = " ".join(name.split())
    return name or None


def describe(el: Any, kind: bool = True, lang: str = "en") -> str:
    """How a message names an element: "user task 'Antrag prüfen' (Task_1)", in German
    "Benutzeraufgabe „Antrag prüfen“ [Task_1]"; lxml element or view."""
    el = getattr(el, "el", el)
    parts = []
    if kind:
        parts.append(kind_words(local_name(el.tag), lang))
    name = label(el)
    ident = el.get("id")
    if lang == "de":
        if name:
            parts.append(f"„{name}“")
        if ident:
            parts.append(f"[{ident}]")
        return " ".join(parts) or "Element"
    if name:
        parts.append(f"'{name}'")
    if ident:
        parts.append(f"({ident})" if name or kind else ident)
    return " ".join(parts) or "element"


@dataclass(frozen=True)
class Words:
    """A message parameter spelled per language."""

    de: str
    en: str


def trigger_words(definition_kinds: Iterable[str]) -> Words:
    """Words(...) for event definition kinds: 'message, timer' / 'Nachricht, Timer'."""
    short = [k.replace("EventDefinition", "") for k in definition_kinds]
    return Words(de=", ".join(_TRIGGER_WORDS_DE.get(k, k) for k in short), en=", ".join(short))


@dataclass(frozen=True)
class Problem:
    """What a rule found, before it is put into words: where, a key of the rule's MESSAGES, and
    the parameters of its templates."""

    el: Located
    key: str
    params: dict[str, object] = field(default_factory=dict)


def problem(at: Located, key: str, /, **params: object) -> Problem:
    """What a rule's check yields: ``problem(node, "no-label", node=node)`` (at ``node``)."""
    return Problem(at, key, params)


class _Param:
    """A parameter rendered in one language; the format spec chooses how an element is named."""

    def __init__(self, value: object, lang: str) -> None:
        self.value, self.lang = value, lang

    def __format__(self, spec: str) -> str:
        value, lang = self.value, self.lang
        if isinstance(value, Words):
            return format(getattr(value, lang), spec)
        el = getattr(value, "el", value)
        if hasattr(el, "tag") and hasattr(el, "get"):
            if spec == "bare":
                return describe(el, kind=False, lang=lang)
            if spec == "kind":
                return kind_words(local_name(el.tag), lang)
            if spec == "container":
                return describe_container(cast("Element", value), lang)  # a view, as {x:container} is used
            return describe(el, lang=lang)
        return format(value, spec)


def say(messages: Messages, key: str, lang: str = "de", /, **params: object) -> str:
    """The message ``key`` of a MESSAGES table in ``lang`` (de or en), its parameters filled in."""
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; use de or en")
    template = messages[key][lang]
    text = template.format(**{name: _Param(value, lang) for name, value in params.items()})
    if lang == "de" and template.startswith("{"):
        text = text[:1].upper() + text[1:]  # "exklusives Gateway ..." opens a sentence
    return text


def nearest_id(el: _Element | None) -> str | None:
    """The id of the element or of its nearest ancestor that has one."""
    while el is not None:
        ident: str | None = el.get("id") if isinstance(el.tag, str) else None
        if ident:
            return ident
        el = el.getparent()
    return None


def finding(rule: str, el: Located, message: str, severity: str = "warning") -> Finding:
    """A Finding located at an element (lxml element or model view)."""
    element: _Element = getattr(el, "el", el)  # the lxml element of a view
    return Finding(rule, message, severity, element.sourceline, nearest_id(element))


def check_messages(messages: Messages, where: str) -> None:
    """Every template has a German and an English text naming the same parameters."""
    import string

    for key, texts in messages.items():
        assert set(texts) == set(LANGS), f"{where}: message {key!r} needs de and en"
        names = [{f for _, f, _, _ in string.Formatter().parse(texts[lang]) if f} for lang in LANGS]
        assert names[0] == names[1], f"{where}: message {key!r} names {names[0]} in de but {names[1]} in en"


def is_triggered_by_event(el: Located) -> bool:
    element: _Element = getattr(el, "el", el)  # the lxml element of a view
    return (element.get("triggeredByEvent") or "").strip() in ("true", "1")


def event_definition_kinds(el: Located) -> list[str]:
    """Local names of an event's event definitions ('messageEventDefinition', ...); an
    <eventDefinitionRef> to a global definition counts as that definition's kind when it resolves."""
    model = getattr(el, "model", None)
    element: _Element = getattr(el, "el", el)  # the lxml element of a view
    from procex.bpmn import kinds

    found: list[str] = []
    for child in element:
        kind = local_name(child.tag)
        if kind in kinds.EVENT_DEFINITIONS:
            found.append(kind)
        elif kind == "eventDefinitionRef":
            target = model.element(kinds.local_ref(child.text or "")) if model is not None else None
            found.append(local_name(target.tag) if target is not None else kind)
    return found


# --- flow structure shared by the rules (built from sourceRef/targetRef, never <incoming>) -----


def _kinds() -> ModuleType:
    from procex.bpmn import kinds

    return kinds


def containers(model: Model) -> list[Element]:
    """Views of every process and sub-process (ad-hoc sub-processes and transactions included)."""
    k = _kinds()
    return model.of_kind("process", *sorted(k.SUB_PROCESSES))


def flow_nodes_in(container: Element) -> list[Element]:
    """Flow nodes standing directly in a process or sub-process."""
    k = _kinds()
    return [c for c in container.children if c.type in k.FLOW_NODES]


def is_true(el: Located, attr: str) -> bool:
    element: _Element = getattr(el, "el", el)  # the lxml element of a view
    return (element.get(attr) or "").strip() in ("true", "1")


def is_compensation(node: Located) -> bool:
    """An activity that only runs as compensation (connected by association, not by flows)."""
    return is_true(node, "isForCompensation")


def in_ad_hoc(node: Element) -> bool:
    container = node.container
    return container is not None and container.type == "adHocSubProcess"


def has_definition(node: Located, kind: str) -> bool:
    return kind in event_definition_kinds(node)


def is_conditional(flow: Element) -> bool:
    return flow.el.find("{http://www.omg.org/spec/BPMN/20100524/MODEL}conditionExpression") is not None


def is_default(flow: Element) -> bool:
    source = flow.source
    if source is None:
        return False
    default = source.el.get("default")
    return default is not None and default.strip().rsplit(":", 1)[-1] == flow.id


def describe_container(container: Element, lang: str = "en") -> str:
    """Like describe(), and for a process that has no name, the pool it is drawn as."""
    if container.type == "process" and not label(container.el):
        pool = container.participant
        if pool is not None and label(pool.el):
            if lang == "de":
                return f"Prozess des Pools „{label(pool.el)}“ [{container.id}]"
            return f"process of pool '{label(pool.el)}' ({container.id})"
    return describe(container, lang=lang)
