"""The hardened XML reader and the C14N-stable writer.

Untrusted input is parsed with entity resolution, DTD loading and network access off; a document
with a DOCTYPE is refused (BPMN never needs one, and every entity attack starts with one).
A document within the size limit may still be built to make later steps slow (200,000 attributes
on one element kept the library server busy for minutes), so a parsed document must also stay
within the structural limits below (attributes per element and in all, namespace declarations in
scope, elements). The lxml tree is kept as read, so writing an unmodified tree gives the same
document after canonicalisation: prefixes, foreign namespaces, extensions, comments and child
order included.
"""

import os
import re
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from lxml import etree

from procex.bpmn.errors import BpmnReadError

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI_NS = "http://www.omg.org/spec/BPMN/20100524/DI"
DC_NS = "http://www.omg.org/spec/DD/20100524/DC"
DI_NS = "http://www.omg.org/spec/DD/20100524/DI"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
XML_NS = "http://www.w3.org/XML/1998/namespace"
OMG_NAMESPACES = frozenset({BPMN_NS, BPMNDI_NS, DC_NS, DI_NS})

DEFINITIONS = f"{{{BPMN_NS}}}definitions"
DEFAULT_MAX_BYTES = 64 * 1024 * 1024

# Structural limits for every document read (parse_bytes). Some costs grow faster than the file:
# lxml reads an attribute's value by searching its element's attribute list, so listing one
# element's attributes is quadratic (20,000 attributes: 1.5 s; 40,000: 8.5 s), xmlschema decodes
# each attribute against the schema's wildcards, and every lxml/xmlschema namespace map walks all
# declarations in scope. Real models stay far below the limits: the 175 BPMN files of the MIWG
# corpus (21 reference models, 153 exports of 8 tools) and the FIM Stammprozess have at most
# 16 attributes on one element, 34 namespace declarations on one element and 35 in scope
# (redeclarations counted), 6,907 elements and 11,441 attributes in one document
# (bench/hostile.py prints these maxima).
MAX_ATTRIBUTES_PER_ELEMENT = 512  # 32x the corpus maximum (16); bounds the quadratic listing to ~1 ms
MAX_NAMESPACES_IN_SCOPE = 256  # declarations on an element and its ancestors; 7x the corpus (35)
MAX_ELEMENTS = 100_000  # 14x the corpus (6,907); 100,000 tasks are a 4.5 MB file
MAX_ATTRIBUTES = 400_000  # 35x the corpus (11,441); 4 per element at MAX_ELEMENTS (corpus: 3.0 at most)


@dataclass(frozen=True)
class DocumentLimits:
    """The whole-document structural limits in force (the per-element ones are fixed)."""

    elements: int = MAX_ELEMENTS
    attributes: int = MAX_ATTRIBUTES


_DEFAULT_LIMITS = DocumentLimits()
_document_limits: ContextVar[DocumentLimits | None] = ContextVar("procex_document_limits", default=None)


def document_limits() -> DocumentLimits:
    """The element and attribute limits every read applies now (the defaults unless raised)."""
    return _document_limits.get() or _DEFAULT_LIMITS


def set_document_limits(elements: int | None = None, attributes: int | None = None):
    """Raise (or lower) the whole-document limits for trusted files; returns a token for
    ``reset_document_limits``. Without ``attributes``, raising ``elements`` raises the attribute
    limit in the default proportion (4 per element). The CLI's --max-elements and
    --max-attributes set these for one command; the library server never does."""
    elements = MAX_ELEMENTS if elements is None else elements
    if attributes is None:
        attributes = max(MAX_ATTRIBUTES, elements * (MAX_ATTRIBUTES // MAX_ELEMENTS))
    return _document_limits.set(DocumentLimits(elements, attributes))


def reset_document_limits(token):
    _document_limits.reset(token)


@contextmanager
def raised_document_limits(elements: int | None = None, attributes: int | None = None):
    """``set_document_limits`` for the duration of a with-block."""
    token = set_document_limits(elements, attributes)
    try:
        yield document_limits()
    finally:
        reset_document_limits(token)


_UTF16_BOMS = {b"\xff\xfe": "utf-16-le", b"\xfe\xff": "utf-16-be"}
_UTF16_NO_BOM = {b"<\x00": "utf-16-le", b"\x00<": "utf-16-be"}
_LIBXML_POSITION = re.compile(r",? line (\d+), column (\d+)\)?$")


def hardened_parser(huge_tree=False, remove_comments=False):
    """An lxml parser for untrusted XML: no entities, no DTD, no network.

    ``huge_tree=False`` keeps libxml2's depth (256) and text-size (10 MB) limits; a caller that
    needs larger text nodes (XProzess's base64 payloads) must enforce its own limits. A new parser
    per call: lxml parsers are not thread-safe, and this one is cheap to make.
    """
    parser = etree.XMLParser(
        resolve_entities=False,
        load_dtd=False,
        dtd_validation=False,
        no_network=True,
        huge_tree=huge_tree,
        remove_blank_text=False,
        remove_comments=remove_comments,
        collect_ids=False,
    )
    # libxml2 still loads an external parameter entity named in an internal subset, whatever
    # load_dtd says; every external load goes through the resolvers, and this one refuses it.
    parser.resolvers.add(_RefuseExternal())
    return parser


class ExternalReferenceRefused(Exception):
    """The document asked the parser to load a file or URL; raised out of the parse."""


class _RefuseExternal(etree.Resolver):
    def resolve(self, url, public_id, context):
        raise ExternalReferenceRefused(url or public_id or "?")


def has_doctype(data):
    """Whether the prolog of the document ``data`` (bytes) declares a DOCTYPE.

    Walks the whole prolog (XML declaration, comments, processing instructions, white space) up
    to the first other markup, so padding before the DOCTYPE does not hide it. UTF-16 (either
    byte order, with or without BOM) is decoded first; the other encodings a BPMN file has agree
    with ASCII on the prolog's bytes, which are walked as they are.
    """
    data = bytes(data)
    for bom, encoding in _UTF16_BOMS.items():
        if data.startswith(bom):
            return _prolog_has_doctype(data[2:].decode(encoding, "replace"), _TEXT_TOKENS)
    encoding = _UTF16_NO_BOM.get(data[:2])
    if encoding:
        return _prolog_has_doctype(data.decode(encoding, "replace"), _TEXT_TOKENS)
    return _prolog_has_doctype(data[3:] if data.startswith(b"\xef\xbb\xbf") else data, _BYTE_TOKENS)


# (white space, PI open, PI close, comment open, comment close, DOCTYPE) as text and as bytes
_TEXT_TOKENS = (frozenset(" \t\r\n"), "<?", "?>", "<!--", "-->", "<!DOCTYPE")
_BYTE_TOKENS = (frozenset(b" \t\r\n"), b"<?", b"?>", b"<!--", b"-->", b"<!DOCTYPE")


def _prolog_has_doctype(text, tokens):
    space, pi_open, pi_close, comment_open, comment_close, doctype = tokens
    position, end = 0, len(text)
    while position < end:
        if text[position] in space:
            position += 1
        elif text.startswith(pi_open, position):
            close = text.find(pi_close, position + 2)
            if close < 0:
                return False  # unterminated: the parser reports it
            position = close + 2
        elif text.startswith(comment_open, position):
            close = text.find(comment_close, position + 4)
            if close < 0:
                return False
            position = close + 3
        else:
            return text[position : position + 9].upper() == doctype
    return False


_parser = hardened_parser


def parse_bytes(data: bytes, source: str | None = None, max_bytes: int | None = DEFAULT_MAX_BYTES) -> Any:
    """Parse ``data`` as a BPMN 2.0 document and return the lxml ElementTree.

    Raises BpmnReadError, naming ``source`` and the line, for anything that is not a safe,
    well-formed BPMN 2.0 ``definitions`` document.
    """
    if not isinstance(data, (bytes, bytearray)):
        raise TypeError("parse_bytes() takes bytes; pass file contents, not a str")
    if max_bytes is not None and len(data) > max_bytes:
        raise BpmnReadError(
            f"file is {len(data):,} bytes, over the limit of {max_bytes:,}; "
            "raise the limit (--max-bytes) if the file is trusted",
            source,
        )
    if has_doctype(data):
        raise BpmnReadError(
            "document has a DOCTYPE declaration; BPMN files never need one and entities are "
            "refused for safety; remove the DOCTYPE",
            source,
        )
    try:
        root = etree.fromstring(bytes(data), _parser())
    except etree.XMLSyntaxError as error:
        line, column = error.position if error.position else (None, None)
        reason = _LIBXML_POSITION.sub("", error.msg or "not well-formed").strip()
        if "Excessive depth" in reason or "Maximum depth" in reason:
            reason = "elements are nested too deeply (over 256 levels); the file is not a usable BPMN model"
        raise BpmnReadError(f"not well-formed XML: {reason}", source, line or None, column or None) from None
    except ExternalReferenceRefused as refused:
        raise BpmnReadError(
            f"document refers to an external file or URL ({refused}); BPMN files never "
            "need one and it is refused for safety; remove the reference",
            source,
        ) from None
    tree = root.getroottree()
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise BpmnReadError("document has a DOCTYPE declaration; remove it", source)
    if root.tag != DEFINITIONS:
        found = root.tag if isinstance(root.tag, str) else "?"
        raise BpmnReadError(
            f"root element is {_readable_tag(found)}, not BPMN 2.0 definitions "
            f"({{{BPMN_NS}}}definitions); is this a BPMN 2.0 file?",
            source,
            root.sourceline,
        )
    check_structure(tree, data, source)
    return tree


# Encodings in which every "<", "=" and "xmlns" of the markup is that ASCII byte sequence.
_ASCII_COMPATIBLE = re.compile(r"(?i)(utf-?8|(us-)?ascii|iso-?8859-\d+|latin-?1|windows-125\d|cp125\d)")
# Each attribute or namespace declaration takes at least 5 bytes (' a=""'), an element at least 4
# ('<a/>'): a start tag over MAX_ATTRIBUTES_PER_ELEMENT is followed by _SPAN bytes without a "<".
_SPAN = (MAX_ATTRIBUTES_PER_ELEMENT + 1) * 5
_CROWDED = re.compile(rb"<(?:[^<=]*+=){%d}" % (MAX_ATTRIBUTES_PER_ELEMENT + 1))
_START_TAG = re.compile(rb"""<([^\s/>!?]++)((?>\s++[^\s=/>]++\s*+=\s*+(?>"[^"]*+"|'[^']*+'))*+)""")
_ATTRIBUTE_NAME = re.compile(rb"""\s([^\s=/>]++)\s*+=\s*+(?>"[^"]*+"|'[^']*+')""")


def check_structure(tree, data=None, source=None):
    """Raise BpmnReadError if the document exceeds a structural limit (MAX_ATTRIBUTES_PER_ELEMENT
    and the others above), naming the first element over it and its line.

    Decided from the bytes ``data`` the tree was parsed from where it can be: every element has a
    "<", every attribute and namespace declaration an "=", all of one element's lie between its "<"
    and the next (an attribute value cannot hold a "<"), every declaration has "xmlns". While these
    upper bounds stay within the limits (as for every file of the corpus but 7 that redeclare
    namespaces on many elements and have their declarations walked) the tree is not walked;
    otherwise one walk counts exactly. Linear in the size of the document: lxml's namespace
    events are quadratic in one element's declarations, so a start tag with over 512 "=" has its
    declarations counted in its bytes first.
    """
    root = tree.getroot()
    limits = document_limits()
    data = _ascii_markup(tree, data)
    size = len(data)
    crowded = _crowded(data)
    if (
        not crowded
        and (size <= 4 * limits.elements or data.count(b"<") <= limits.elements)
        and (size <= 5 * limits.attributes or data.count(b"=") <= limits.attributes)
    ):
        if data.count(b"xmlns") <= MAX_NAMESPACES_IN_SCOPE or _namespaces_in_scope(root) <= MAX_NAMESPACES_IN_SCOPE:
            return
    if crowded:
        _check_crowded_tags(data, source)
    _count_exactly(root, source, limits)


def _crowded(data):
    """Whether some "<" of ``data`` is followed by over MAX_ATTRIBUTES_PER_ELEMENT "=" before the
    next "<" (a start tag that may hold too many attributes). Jumps from "<" to the last "<" less
    than _SPAN bytes ahead (memrchr speed) and counts "=" only after a longer run without one
    (long text, or such a tag)."""
    find, rfind, size = data.find, data.rfind, len(data)
    at = find(b"<")
    while 0 <= at < size - _SPAN:
        ahead = rfind(b"<", at + 1, at + _SPAN)
        if ahead >= 0:
            at = ahead
            continue
        end = find(b"<", at + _SPAN)
        if data.count(b"=", at, size if end < 0 else end) > MAX_ATTRIBUTES_PER_ELEMENT:
            return True
        at = end
    return False


def _ascii_markup(tree, data):
    """``data`` in an encoding whose markup is ASCII bytes (as read, or re-encoded as UTF-8 with the
    same lines), or the tree serialised when there are no bytes or their encoding is unknown."""
    encoding = tree.docinfo.encoding or "UTF-8"
    if data is not None:
        data = bytes(data)
        head = data[:4]
        if (
            _ASCII_COMPATIBLE.fullmatch(encoding)
            and head[:2] not in _UTF16_BOMS
            and head[:2] not in _UTF16_NO_BOM
            and b"\x00" not in head
        ):
            return data
        try:
            return data.decode(encoding).encode("utf-8")
        except (LookupError, UnicodeError):
            pass
    return etree.tostring(tree)


def _check_crowded_tags(data, source):
    """Refuse a start tag with more than 512 "=" that declares too many namespaces (counted in its
    bytes: lxml's walk would take quadratic time over them). Comments, CDATA and text with many "="
    are passed over."""
    for crowded in _CROWDED.finditer(data):
        tag = _START_TAG.match(data, crowded.start())
        if tag is None:
            continue
        names = _ATTRIBUTE_NAME.findall(tag.group(2))
        declared = sum(1 for name in names if name == b"xmlns" or name.startswith(b"xmlns:"))
        if declared > MAX_NAMESPACES_IN_SCOPE:
            name = tag.group(1).decode("utf-8", "replace")
            raise BpmnReadError(
                f"<{name}> {_too_many_declared(declared)}", source, data.count(b"\n", 0, crowded.start()) + 1
            )


def _too_many_declared(declared):
    return (
        f"declares {declared:,} namespaces, over the limit of {MAX_NAMESPACES_IN_SCOPE}; "
        "declare each namespace once, on <definitions>"
    )


def _namespaces_in_scope(root):
    """The most namespace declarations in scope at any element (a redeclared prefix counts again:
    lxml's and xmlschema's namespace maps walk every one). Walks the declarations only."""
    in_scope = most = 0
    for event, _ in etree.iterwalk(root, events=("start-ns", "end-ns")):
        if event == "start-ns":
            in_scope += 1
            if in_scope > most:
                most = in_scope
        else:
            in_scope -= 1
    return most


def _count_exactly(root, source, limits):
    elements = attributes = declared = in_scope = 0
    for event, el in etree.iterwalk(root, events=("start", "start-ns", "end-ns")):
        if event == "start-ns":
            declared += 1
            in_scope += 1
            continue
        if event == "end-ns":
            in_scope -= 1
            continue
        elements += 1
        count = len(el.attrib)  # counting is linear; listing them is what is quadratic
        attributes += count
        if count > MAX_ATTRIBUTES_PER_ELEMENT:
            _over_limit(
                el,
                source,
                f"has {count:,} attributes, over the limit of {MAX_ATTRIBUTES_PER_ELEMENT} "
                "per element (BPMN elements have fewer than 20); remove the surplus attributes",
            )
        if declared > MAX_NAMESPACES_IN_SCOPE:
            _over_limit(el, source, _too_many_declared(declared))
        if in_scope > MAX_NAMESPACES_IN_SCOPE:
            _over_limit(
                el,
                source,
                f"has {in_scope:,} namespace declarations in scope (its own and its "
                f"ancestors'), over the limit of {MAX_NAMESPACES_IN_SCOPE}; declare each namespace once, "
                "on <definitions>",
            )
        if elements > limits.elements:
            _over_limit(
                el,
                source,
                f"is element {elements:,}, past the limit of {limits.elements:,} elements "
                "in one document (the largest MIWG test models have about 7,000); split the model, "
                "e.g. into called processes, or raise the limit (--max-elements) if the file is trusted",
            )
        if attributes > limits.attributes:
            _over_limit(
                el,
                source,
                f"brings the document to {attributes:,} attributes, over the limit of "
                f"{limits.attributes:,} (the largest MIWG test models have about 11,000); split the model, "
                "e.g. into called processes, or raise the limit (--max-attributes) if the file is trusted",
            )
        declared = 0


def _over_limit(el, source, what):
    raise BpmnReadError(f"{_prefixed(el)} {what}", source, el.sourceline)


def _prefixed(el):
    local = local_name(el.tag)
    return f"<{el.prefix}:{local}>" if el.prefix else f"<{local}>"


def _readable_tag(tag):
    if tag.startswith("{"):
        ns, local = tag[1:].split("}", 1)
        return f"<{local}> in namespace {ns}"
    return f"<{tag}> without namespace"


def parse_file(path: str | os.PathLike[str], max_bytes: int | None = DEFAULT_MAX_BYTES) -> Any:
    """Read and parse a file; see parse_bytes."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if max_bytes is not None and size > max_bytes:
            raise BpmnReadError(
                f"file is {size:,} bytes, over the limit of {max_bytes:,}; "
                "raise the limit (--max-bytes) if the file is trusted",
                str(path),
            )
        data = path.read_bytes()
    except FileNotFoundError:
        raise BpmnReadError("no such file; check the path", str(path)) from None
    except IsADirectoryError:
        raise BpmnReadError("is a directory, not a BPMN file", str(path)) from None
    except PermissionError:
        raise BpmnReadError("permission denied; check the file's access rights", str(path)) from None
    return parse_bytes(data, str(path), max_bytes)


def serialize(tree: Any) -> bytes:
    """The document as bytes, in its declared encoding, with an XML declaration."""
    info = tree.docinfo
    encoding = info.encoding or "UTF-8"
    kwargs = {"xml_declaration": True, "encoding": encoding}
    if info.standalone is not None:
        kwargs["standalone"] = info.standalone
    return bytes(etree.tostring(tree, **kwargs))


def canonical(data_or_tree: Any) -> bytes:
    """C14N 2.0 of a document (bytes or tree): the form in which round-trips are compared."""
    if isinstance(data_or_tree, (bytes, bytearray)):
        data_or_tree = etree.fromstring(bytes(data_or_tree), _parser()).getroottree()
    return bytes(etree.tostring(data_or_tree, method="c14n2"))


@lru_cache(maxsize=4096)  # called per element on large models; a document has few distinct tags
def local_name(tag: object) -> str:
    """'task' for '{ns}task'; '' for comments and processing instructions."""
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


@lru_cache(maxsize=4096)
def namespace(tag):
    if isinstance(tag, str) and tag.startswith("{"):
        return tag[1:].split("}", 1)[0]
    return ""
