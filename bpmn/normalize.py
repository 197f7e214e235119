"""Comparable properties of one BPMN element, normalised so that only meaning is compared.

Two files can say the same thing in different ways: an attribute left out or written with its
schema default (``completionQuantity="1"``), ``30`` or ``30.0``, ``1`` or ``true``, children in
another order, other namespace prefixes, other whitespace in labels and texts, a message named by
id here and by another id there. ``element_properties`` turns one element into a flat dict
``property -> Value`` in which all of these agree, so the differ only has to compare dicts.

- Attributes are keyed by local name (OMG attributes) or Clark name ``{uri}local`` (foreign ones);
  schema defaults come from the OMG XSD (``schemas/bpmn20/Semantic.xsd``), values are normalised by
  their XSD type (booleans, integers, decimals); foreign values that look like numbers likewise.
- BPMN children that are not diffed on their own (event definitions, conditions, loop
  characteristics, I/O specifications …) are flattened into path keys such as
  ``timerEventDefinition/timeDuration``; a child kind that occurs more than once becomes one value,
  the sorted list of its members' canonical forms (child order does not matter).
- ``documentation`` is the whitespace-normalised text; each ``extensionElements`` child is one
  property ``extensionElements/{uri}local`` whose value is a prefix-free canonical form.
- References (ids) are turned into comparable tokens by the caller's ``resolve(id)`` (the differ
  maps them to the matched counterpart, messages to their names), so regenerated ids compare equal.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from lxml import etree
from lxml.etree import _Element

from procex.bpmn import kinds
from procex.bpmn.xml import BPMN_NS, XSI_NS, local_name, namespace

_XSD = "{http://www.w3.org/2001/XMLSchema}"
_XSI_TYPE = f"{{{XSI_NS}}}type"
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")

# BPMN children that are diffed as elements of their own, are structure (lane membership,
# incoming/outgoing, derived from the flows), or belong to another element's diff.
SKIPPED_CHILDREN = (
    kinds.FLOW_ELEMENTS
    | kinds.ARTIFACTS
    | frozenset(
        {
            "laneSet",
            "childLaneSet",
            "lane",
            "flowNodeRef",
            "incoming",
            "outgoing",
            "dataStore",
            "documentation",
            "extensionElements",
        }
    )
)
# Attributes that are compared elsewhere (identity, label, flow ends) or carry no meaning.
SKIPPED_ATTRIBUTES = frozenset({"id", "name"})
FLOW_END_ATTRIBUTES = frozenset({"sourceRef", "targetRef"})
# Expression elements: xsi:type tExpression vs tFormalExpression vs none is how tools spell the
# same expression, so the type is dropped and only language and body are compared.
_EXPRESSION_TYPES = frozenset({"tExpression", "tFormalExpression"})


@dataclass(frozen=True)
class Value:
    """A property value: ``cmp`` is compared, ``show`` is what a person reads."""

    cmp: object
    show: object
    default: bool = False  # filled in from the schema, not written in the file

    @staticmethod
    def plain(text: object) -> "Value":
        return Value(text, text)


# (xsd type, default) of a schema attribute
AttributeSpec = tuple[str, str | None]


# --- the schema -----------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _schema() -> tuple[dict[str, str], dict[str, tuple[str | None, dict[str, AttributeSpec]]]]:
    """(element name -> type name, type name -> (base, {attribute: (xsd type, default)}))."""
    from procex.schemas import SCHEMA_DIR

    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    tree = etree.parse(str(SCHEMA_DIR / "bpmn20" / "Semantic.xsd"), parser)
    elements: dict[str, str] = {}
    types: dict[str, tuple[str | None, dict[str, AttributeSpec]]] = {}
    for decl in tree.iter(_XSD + "element"):
        name, typ = decl.get("name"), decl.get("type")
        if name and typ:
            elements.setdefault(name, typ.split(":")[-1])
    for ctype in tree.iter(_XSD + "complexType"):
        name = ctype.get("name")
        if not name:
            continue
        ext = ctype.find(f"{_XSD}complexContent/{_XSD}extension")
        base = ext.get("base").split(":")[-1] if ext is not None else None
        attrs: dict[str, AttributeSpec] = {}
        for attr in ctype.iter(_XSD + "attribute"):
            if attr.get("name"):
                attrs[attr.get("name")] = ((attr.get("type") or "").split(":")[-1], attr.get("default"))
        types[name] = (base, attrs)
    return elements, types


@lru_cache(maxsize=512)
def schema_attributes(type_name: str | None) -> dict[str, AttributeSpec]:
    """{attribute: (xsd type, default)} of a complex type, its bases' attributes included."""
    _, types = _schema()
    result: dict[str, AttributeSpec] = {}
    seen: set[str] = set()
    while type_name and type_name in types and type_name not in seen:
        seen.add(type_name)
        base, attrs = types[type_name]
        for key, spec in attrs.items():
            result.setdefault(key, spec)
        type_name = base
    return result


@lru_cache(maxsize=512)
def schema_defaults(type_name: str) -> tuple[tuple[str, Value], ...]:
    """((attribute, its normalised default as a Value), ...) of a complex type, in schema order:
    worked out once per type, not once per element (a diff of two large models asks thousands of
    times). Values are frozen, so every element shares them."""
    out = []
    for key, (xsd_type, default) in schema_attributes(type_name).items():
        if default is not None:
            value = normalize_value(default, xsd_type)
            out.append((key, Value(value, value, True)))
    return tuple(out)


def element_type_name(el: _Element) -> str | None:
    """The XSD type of a BPMN element: its xsi:type if given, else its declaration's type."""
    xsi: str | None = el.get(_XSI_TYPE)
    if xsi:
        return xsi.strip().split(":")[-1]
    return _schema()[0].get(local_name(el.tag))


# --- values ---------------------------------------------------------------------------------------


def normalize_text(text: str | None) -> str:
    """Whitespace-normalised text: runs of spaces, tabs and line breaks become one space."""
    return " ".join((text or "").split())


def normalize_number(text: str) -> str:
    """'30.0' -> '30', '1e1' -> '10', '+2' -> '2'; other text unchanged (stripped)."""
    text = text.strip()
    if not _NUMBER.match(text):
        return text
    try:
        value = Decimal(text)
    except InvalidOperation:
        return text
    if value == value.to_integral_value():
        return str(value.to_integral_value())
    return format(value.normalize(), "f")


def normalize_value(raw: str, xsd_type: str | None = None) -> str:
    raw = raw.strip()
    if xsd_type == "boolean":
        return {"1": "true", "0": "false"}.get(raw, raw.lower())
    if xsd_type in ("integer", "int", "decimal", "double", "float", "long", "short", None):
        return normalize_number(raw)
    return raw


def _qname_to_clark(value: str, el: _Element) -> str:
    """A QName attribute value ('bpmn:tFormalExpression') in prefix-free form."""
    value = value.strip()
    prefix, _, local = value.rpartition(":")
    uri = el.nsmap.get(prefix or None)
    return f"{{{uri}}}{local}" if uri else local


def canonical_form(el: _Element) -> str:
    """A prefix-free, order-free string for a (foreign) element subtree."""
    if not isinstance(el.tag, str):
        return ""
    attrs = ",".join(f"{k}={normalize_value(v)}" for k, v in sorted(el.attrib.items()))
    children = sorted(canonical_form(c) for c in el if isinstance(c.tag, str))
    text = normalize_text(el.text)
    out = el.tag
    if attrs:
        out += f"[{attrs}]"
    if text:
        out += f"({text})"
    if children:
        out += "{" + ";".join(children) + "}"
    return out


# --- properties -----------------------------------------------------------------------------------


def label_of(el: _Element) -> str | None:
    """The label a person sees: the name, or the text of a text annotation."""
    if local_name(el.tag) == "textAnnotation":
        text = el.find(f"{{{BPMN_NS}}}text")
        return normalize_text("".join(text.itertext())) if text is not None else None
    name = el.get("name")
    return normalize_text(name) if name is not None and name.strip() else None


# resolve(id, raw) -> Value: how a reference to another element is compared
Resolver = Callable[[str, str], Value]
# foreign(namespace uri) -> whether to compare what that namespace adds
Foreign = Callable[[str], bool]
# property path -> its value
Props = dict[str, Value]


def element_properties(
    el: _Element, resolve: Resolver, is_flow: bool = False, foreign: Foreign | None = None
) -> dict[str, Value]:
    """The normalised comparable properties of ``el`` (name and id excluded; see module doc).

    ``resolve(id, raw) -> Value`` turns a referenced id into a comparable token; ``is_flow`` drops
    sourceRef/targetRef, which the differ compares as wiring; ``foreign(uri) -> bool`` says which
    foreign namespaces to compare (default: all).
    """
    props: dict[str, Value] = {}
    skip = SKIPPED_ATTRIBUTES | (FLOW_END_ATTRIBUTES if is_flow else frozenset())
    _attributes(el, "", props, resolve, skip)
    if foreign is not None:
        keep: dict[str, Value] = {}
        for key, value in props.items():
            uri = _foreign_uri(key)
            if uri is None or foreign(uri):
                keep[key] = value
        props = keep
    docs = [normalize_text("".join(d.itertext())) for d in el.iterfind(f"{{{BPMN_NS}}}documentation")]
    docs = [d for d in docs if d]
    if docs:
        props["documentation"] = Value.plain("\n".join(docs))
    groups: dict[str, list[_Element]] = {}
    for child in el:
        if not isinstance(child.tag, str):
            continue
        ns, kind = namespace(child.tag), local_name(child.tag)
        if ns == BPMN_NS:
            if kind == "extensionElements":
                _extensions(child, props, foreign)
                continue
            if kind in SKIPPED_CHILDREN or (kind == "text" and local_name(el.tag) == "textAnnotation"):
                continue
            groups.setdefault(kind, []).append(child)
        else:
            # Foreign content directly inside a BPMN element (not XSD-valid, but tools write it).
            if foreign is not None and not foreign(ns):
                continue
            key = child.tag
            forms = props.get(key)
            form = canonical_form(child)
            props[key] = Value.plain(form if forms is None else "; ".join(sorted([str(forms.cmp), form])))
    for kind, children in groups.items():
        _flatten_group(children, kind, props, resolve, foreign)
    return props


def _flatten_group(
    children: list[_Element], key: str, props: Props, resolve: Resolver, foreign: Foreign | None
) -> None:
    """Children of one kind under ``key``: one is flattened in place; several become one value
    that ignores their order (child order is not a change)."""
    if len(children) == 1:
        _flatten(children[0], key, props, resolve, foreign)
        return
    members: list[Props] = []
    for child in children:
        sub: Props = {}
        _flatten(child, "", sub, resolve, foreign)
        members.append(sub)
    props[key] = Value(
        tuple(sorted(_member_key(m, "cmp") for m in members)),
        "; ".join(sorted(_member_key(m, "show") for m in members)),
    )


def _foreign_uri(key: str) -> str | None:
    """The namespace of a foreign attribute or extension key, else None."""
    start = key.find("{")
    if start < 0:
        return None
    return key[start + 1 : key.index("}", start)]


def _member_key(sub: Props, which: str) -> str:
    parts: list[str] = []
    for key in sorted(sub):
        value = getattr(sub[key], which)
        parts.append(f"{key.lstrip('/') or '.'}={value}" if key else f"{value}")
    return ", ".join(parts) if parts else "(leer)"


def _attributes(el: _Element, prefix: str, props: Props, resolve: Resolver, skip: frozenset[str]) -> None:
    type_name = element_type_name(el) if namespace(el.tag) == BPMN_NS else None
    spec = schema_attributes(type_name) if type_name else {}
    kind = local_name(el.tag)
    is_expression = (
        type_name in _EXPRESSION_TYPES
        or el.get(_XSI_TYPE) is not None
        and kind
        in (
            "conditionExpression",
            "timeDuration",
            "timeDate",
            "timeCycle",
            "condition",
            "completionCondition",
            "loopCondition",
            "loopCardinality",
            "activationCondition",
        )
    )
    for key, raw in el.attrib.items():
        if key in skip:
            continue
        if key == _XSI_TYPE:
            if is_expression and raw.strip().split(":")[-1] in _EXPRESSION_TYPES:
                continue
            props[prefix + "@xsi:type" if prefix else "xsi:type"] = Value.plain(_qname_to_clark(raw, el))
            continue
        name = prefix + "@" + key if prefix else key
        if key[0] != "{" and key in kinds.REFERENCE_ATTRIBUTES:
            if key == "calledElement" or key == "implementationRef":
                props[name] = resolve(kinds.local_ref(raw), raw)
            else:
                refs = [resolve(kinds.local_ref(part), part) for part in raw.split()]
                props[name] = (
                    refs[0]
                    if len(refs) == 1
                    else Value(tuple(sorted(str(r.cmp) for r in refs)), ", ".join(sorted(str(r.show) for r in refs)))
                )
            continue
        xsd_type = spec.get(key, (None, None))[0] if key[0] != "{" else None
        if key[0] != "{" and key not in spec:
            xsd_type = "string"  # unknown OMG attribute: compare as text
        props[name] = Value.plain(normalize_value(raw, xsd_type))
    if type_name:
        attrib = el.attrib
        for key, value in schema_defaults(type_name):
            if key in attrib or key in skip:
                continue
            props[prefix + "@" + key if prefix else key] = value
    if kind == "process" and "isExecutable" not in el.attrib and not prefix:
        # No default in the XSD; a process that does not say it is executable is not.
        props["isExecutable"] = Value.plain("false")
    if kind == "sequenceFlow" and "isImmediate" not in el.attrib and not prefix:
        # BPMN 2.0 section 10.5.1: no value means false in a non-executable process, true in an
        # executable one.
        props["isImmediate"] = Value.plain("true" if _in_executable_process(el) else "false")


def _in_executable_process(el: _Element) -> bool:
    for parent in el.iterancestors(f"{{{BPMN_NS}}}process"):
        return normalize_value(parent.get("isExecutable", "false"), "boolean") == "true"
    return False


def _flatten(el: _Element, path: str, props: Props, resolve: Resolver, foreign: Foreign | None = None) -> None:
    """Flatten a non-diffed BPMN child into ``path``-prefixed properties."""
    kind = local_name(el.tag)
    sub: Props = {}
    _attributes(el, path, sub, resolve, SKIPPED_ATTRIBUTES)
    for key, value in sub.items():
        uri = _foreign_uri(key) if foreign is not None else None
        if uri is None or (foreign is not None and foreign(uri)):
            props[key] = value
    if kind in kinds.REFERENCE_TEXT_ELEMENTS:
        text = (el.text or "").strip()
        if text:
            props[path] = resolve(kinds.local_ref(text), text)
    else:
        text = normalize_text("".join(t for t in [el.text] if t))
        if text:
            props[path] = Value.plain(text)
    groups: dict[str, list[_Element]] = {}
    for child in el:
        if not isinstance(child.tag, str):
            continue
        if namespace(child.tag) != BPMN_NS:
            if foreign is not None and not foreign(namespace(child.tag)):
                continue
            key = f"{path}/{child.tag}"
            props[key] = Value.plain(canonical_form(child))
            continue
        ckind = local_name(child.tag)
        if ckind == "extensionElements":
            sub = {}
            _extensions(child, sub, foreign)
            for key, value in sub.items():
                props[f"{path}/{key}"] = value
            continue
        if ckind == "documentation":
            text = normalize_text("".join(child.itertext()))
            if text:
                props[f"{path}/documentation"] = Value.plain(text)
            continue
        groups.setdefault(ckind, []).append(child)
    for ckind, children in groups.items():
        _flatten_group(children, f"{path}/{ckind}" if path else ckind, props, resolve, foreign)


def _extensions(ext: _Element, props: Props, foreign: Foreign | None = None) -> None:
    by_tag: dict[str, list[str]] = {}
    for child in ext:
        if isinstance(child.tag, str) and (foreign is None or foreign(namespace(child.tag))):
            by_tag.setdefault(child.tag, []).append(canonical_form(child))
    for tag, forms in by_tag.items():
        forms.sort()
        props[f"extensionElements/{tag}"] = Value.plain(forms[0] if len(forms) == 1 else "; ".join(forms))
