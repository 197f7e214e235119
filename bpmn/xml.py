"""The hardened XML reader and the C14N-stable writer.

Untrusted input is parsed with entity resolution, DTD loading and network access off; a document
with a DOCTYPE is refused (BPMN never needs one, and every entity attack starts with one).
The lxml tree is kept as read, so writing an unmodified tree gives the same document after
canonicalisation: prefixes, foreign namespaces, extensions, comments and child order included.
"""
import re
from pathlib import Path

from lxml import etree

from .errors import BpmnReadError

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI_NS = "http://www.omg.org/spec/BPMN/20100524/DI"
DC_NS = "http://www.omg.org/spec/DD/20100524/DC"
DI_NS = "http://www.omg.org/spec/DD/20100524/DI"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
XML_NS = "http://www.w3.org/XML/1998/namespace"
OMG_NAMESPACES = frozenset({BPMN_NS, BPMNDI_NS, DC_NS, DI_NS})

DEFINITIONS = f"{{{BPMN_NS}}}definitions"
DEFAULT_MAX_BYTES = 64 * 1024 * 1024

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
            return text[position:position + 9].upper() == doctype
    return False


_parser = hardened_parser


def parse_bytes(data, source=None, max_bytes=DEFAULT_MAX_BYTES):
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
        raise BpmnReadError(f"document refers to an external file or URL ({refused}); BPMN files never "
                            "need one and it is refused for safety; remove the reference", source) from None
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
    return tree


def _readable_tag(tag):
    if tag.startswith("{"):
        ns, local = tag[1:].split("}", 1)
        return f"<{local}> in namespace {ns}"
    return f"<{tag}> without namespace"


def parse_file(path, max_bytes=DEFAULT_MAX_BYTES):
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


def serialize(tree):
    """The document as bytes, in its declared encoding, with an XML declaration."""
    info = tree.docinfo
    encoding = info.encoding or "UTF-8"
    kwargs = {"xml_declaration": True, "encoding": encoding}
    if info.standalone is not None:
        kwargs["standalone"] = info.standalone
    return etree.tostring(tree, **kwargs)


def canonical(data_or_tree):
    """C14N 2.0 of a document (bytes or tree): the form in which round-trips are compared."""
    if isinstance(data_or_tree, (bytes, bytearray)):
        data_or_tree = etree.fromstring(bytes(data_or_tree), _parser()).getroottree()
    return etree.tostring(data_or_tree, method="c14n2")


def local_name(tag):
    """'task' for '{ns}task'; '' for comments and processing instructions."""
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def namespace(tag):
    if isinstance(tag, str) and tag.startswith("{"):
        return tag[1:].split("}", 1)[0]
    return ""
