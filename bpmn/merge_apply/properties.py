"""Applying a property (attribute, child element, vendor extension) as UPSTREAM has it (mixed into Applier)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lxml.etree import _Element

if TYPE_CHECKING:
    from procex.bpmn.merge_apply.state import ApplierLike

from lxml import etree

from procex.bpmn import kinds
from procex.bpmn.merge_apply.names import BPMN, STRUCTURAL
from procex.bpmn.merge_apply.tree_index import REF_ATTRS
from procex.bpmn.xml import local_name


class Properties:
    """Makes a LOCAL element's attributes and children what UPSTREAM's are."""

    def set_property(self: ApplierLike, up_id: str, prop: str) -> None:
        """Make the LOCAL element's ``prop`` (a diff property path) what UPSTREAM's is."""
        up_el, loc_el = self._up(up_id), self._need(self._local_of(up_id))
        if prop.startswith("extensionElements/"):
            return self._sync_extension(up_el, loc_el, prop[len("extensionElements/") :])
        if prop == "xsi:type":
            prop = "{http://www.w3.org/2001/XMLSchema-instance}type"
        attr = _attribute_named(prop, up_el, loc_el)
        if attr is not None:
            value = up_el.get(attr)
            if value is not None and attr in kinds.REFERENCE_ATTRIBUTES:
                value = self._map_reference_value(value, drop_unknown=False)
            if value is None:
                loc_el.attrib.pop(attr, None)
            elif attr in REF_ATTRS:
                self.ix.set_ref(loc_el, attr, value)
            else:
                loc_el.set(attr, value)
            return None
        tags = _child_tags_named(prop, up_el, loc_el)
        if not tags:
            self._sync_all(up_el, loc_el)
        for tag in tags:
            self._sync_children(up_el, loc_el, tag)
        return None

    def _sync_children(self: ApplierLike, up_el: _Element, loc_el: _Element, tag: str) -> None:
        """Replace LOCAL's children with tag ``tag`` by copies of UPSTREAM's, in UPSTREAM's place."""
        old = [c for c in loc_el if c.tag == tag]
        anchor_index = loc_el.index(old[0]) if old else None
        for child in old:
            loc_el.remove(child)
            self.ix.drop_tree(child)
        new = [self._copy(c) for c in up_el if c.tag == tag]
        if not new:
            return
        if anchor_index is None:
            # After the last LOCAL child whose tag comes before ``tag`` in UPSTREAM's order.
            up_tags = [c.tag for c in up_el if isinstance(c.tag, str)]
            preceding = set(up_tags[: up_tags.index(tag)])
            anchor_index = 0
            for i, child in enumerate(loc_el):
                if child.tag in preceding:
                    anchor_index = i + 1
        for offset, child in enumerate(new):
            loc_el.insert(anchor_index + offset, child)
            if loc_el.text and not loc_el.text.strip():
                child.tail = loc_el.text
            self.ix.add_tree(child)

    def _sync_extension(self: ApplierLike, up_el: _Element, loc_el: _Element, tag: str) -> None:
        """One vendor element inside extensionElements (LOCAL's other extensions stay)."""
        ext_tag = BPMN + "extensionElements"
        up_ext, loc_ext = up_el.find(ext_tag), loc_el.find(ext_tag)
        if loc_ext is None:
            if up_ext is None:
                return
            loc_ext = etree.Element(ext_tag)
            docs = loc_el.findall(BPMN + "documentation")
            if docs:
                docs[-1].addnext(loc_ext)
            else:
                loc_el.insert(0, loc_ext)
        if up_ext is None:
            up_ext = etree.Element(ext_tag)
        self._sync_children(up_ext, loc_ext, tag)
        if len(loc_ext) == 0:
            loc_el.remove(loc_ext)

    def _sync_all(self: ApplierLike, up_el: _Element, loc_el: _Element) -> None:
        """Take every attribute and every non-structural child from UPSTREAM (ids and flow ends
        stay LOCAL's): for a property the diff names in words only, and for ``adopt``."""
        keep = ("id", "sourceRef", "targetRef")
        for key in list(loc_el.attrib):
            if key not in keep and key not in up_el.attrib:
                del loc_el.attrib[key]
        for key, value in up_el.attrib.items():
            if key in keep:
                continue
            if key in kinds.REFERENCE_ATTRIBUTES:
                value = self._map_reference_value(value, drop_unknown=True)
                if value is None:
                    loc_el.attrib.pop(key, None)
                    continue
            loc_el.set(key, value)
        tags: list[str] = []
        for child in list(up_el) + list(loc_el):
            if isinstance(child.tag, str) and local_name(child.tag) not in STRUCTURAL and child.tag not in tags:
                tags.append(child.tag)
        for tag in tags:
            self._sync_children(up_el, loc_el, tag)


def _attribute_named(prop: str, *els: _Element) -> str | None:
    """The attribute a diff property names, when it is one (plain or Clark name)."""
    name = prop[1:] if prop.startswith("@") else prop
    if any(name in el.attrib for el in els) or name in _KNOWN_ATTRIBUTES or name.startswith("{"):
        return name
    return None


_KNOWN_ATTRIBUTES = frozenset(
    {
        "completionQuantity",
        "startQuantity",
        "isForCompensation",
        "gatewayDirection",
        "default",
        "implementation",
        "isInterrupting",
        "cancelActivity",
        "parallelMultiple",
        "instantiate",
        "eventGatewayType",
        "triggeredByEvent",
        "method",
        "ordering",
        "cancelRemainingInstances",
        "isImmediate",
        "messageRef",
        "calledElement",
        "scriptFormat",
        "isCollection",
        "isClosed",
        "isExecutable",
        "processType",
        "textFormat",
        "associationDirection",
        "attachedToRef",
    }
)
_ALIASES = {
    "timer": ("timerEventDefinition",),
    "time": ("timerEventDefinition",),
    "condition": ("conditionExpression", "conditionalEventDefinition"),
    "loop": ("standardLoopCharacteristics", "multiInstanceLoopCharacteristics"),
    "extension": ("extensionElements",),
    "documentation": ("documentation",),
}


def _child_tags_named(prop: str, up_el: _Element, loc_el: _Element) -> list[str]:
    """Clark tags of the children a diff property path is about: 'documentation',
    'conditionExpression', 'timerEventDefinition/timeDuration', 'multiInstanceLoopCharacteristics/@x'."""
    present: list[str] = []
    for child in list(up_el) + list(loc_el):
        if isinstance(child.tag, str) and local_name(child.tag) not in STRUCTURAL and child.tag not in present:
            present.append(child.tag)
    head = prop.split("/")[0].lower()
    hits = [t for t in present if local_name(t).lower() == head or t.lower() == head]
    if not hits:
        for alias, names in _ALIASES.items():
            if alias in prop.lower():
                hits = [t for t in present if local_name(t) in names]
                if hits:
                    break
    return hits
