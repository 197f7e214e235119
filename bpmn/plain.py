"""Vendor-neutral export: the same model without any modelling tool's extensions.

Removes elements and attributes of non-OMG namespaces (extension elements, di:extension content,
vendor attributes such as camunda:assignee or signavio:*), then drops namespace declarations
nothing uses any more. Kept: every BPMN semantic element and attribute, diagram interchange,
xsi:type, xml:* attributes, and free content where the standard allows any content for people
(documentation, text annotations' text, expressions).
"""

import re
from copy import deepcopy
from typing import Any

from lxml import etree
from lxml.etree import _Element

from procex.bpmn.xml import BPMN_NS, OMG_NAMESPACES, XML_NS, XSI_NS, local_name

_KEEP_ATTRIBUTE_NAMESPACES = OMG_NAMESPACES | {XSI_NS, XML_NS}
# Mixed content the standard opens to any namespace for human-readable or executable text.
_FREE_CONTENT = {
    f"{{{BPMN_NS}}}{name}"
    for name in (
        "documentation",
        "text",
        "conditionExpression",
        "completionCondition",
        "condition",
        "timeDate",
        "timeDuration",
        "timeCycle",
        "from",
        "to",
        "script",
        "formalExpression",
        "messagePath",
        "dataPath",
        "transformation",
        "loopCondition",
        "loopCardinality",
        "activationCondition",
        "resourceAssignmentExpression",
        "expression",
    )
}
_QNAME_PREFIX = re.compile(r"^\s*([A-Za-z_][\w.\-]*):[A-Za-z_]")


def _namespace(name: str) -> str:
    return name[1 : name.index("}")] if name[:1] == "{" else ""


def plain_tree(tree: Any) -> Any:
    """A copy of ``tree`` with every non-OMG extension removed; ``tree`` itself is unchanged."""
    tree = deepcopy(tree)
    root = tree.getroot()
    doomed: list[_Element] = []
    stack = [root]
    while stack:
        el = stack.pop()
        for key in list(el.attrib):
            if key[0] == "{" and _namespace(key) not in _KEEP_ATTRIBUTE_NAMESPACES:
                del el.attrib[key]
        if el.tag in _FREE_CONTENT:
            continue
        for child in el:
            tag = child.tag
            if not isinstance(tag, str):
                continue  # comments and processing instructions stay
            if _namespace(tag) not in OMG_NAMESPACES:
                doomed.append(child)
            else:
                stack.append(child)
    for el in doomed:
        _remove_keep_tail(el)
    for ext in root.iter(f"{{{BPMN_NS}}}extensionElements"):
        if len(ext) == 0 and not (ext.text or "").strip():
            _remove_keep_tail(ext)
    etree.cleanup_namespaces(root, keep_ns_prefixes=sorted(_prefixes_in_values(root)))
    return tree


def _remove_keep_tail(el: _Element) -> None:
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail
    previous = el.getprevious()
    parent.remove(el)
    # Keep the whitespace that followed the element where it was, so indentation stays tidy.
    if tail and tail.strip() == "":
        return
    if tail:
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail


def _prefixes_in_values(root: _Element) -> set[str]:
    """Prefixes that QName-valued attributes or texts still use (xsi:type, typeRef, messageRef ...)."""
    used: set[str] = set()
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        for value in el.attrib.values():
            match = _QNAME_PREFIX.match(value)
            if match:
                used.add(match.group(1))
        if el.text and len(el.text) < 300:
            match = _QNAME_PREFIX.match(el.text)
            if match:
                used.add(match.group(1))
    return used


def is_vendor_namespace(uri: str) -> bool:
    return uri not in _KEEP_ATTRIBUTE_NAMESPACES


__all__ = ["plain_tree", "is_vendor_namespace", "local_name"]
