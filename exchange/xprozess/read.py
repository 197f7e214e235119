"""Read XProzess 2.0 messages (alleInhalte.export.0303, prozessbibliothek.export.0203,
prozessbibliothek.antwort.0202 and any other message of the namespace) into plain objects.

The reader follows the real FIM message in ../shared/corpora/fim (exported by ADONIS NP): every
``prozess`` anywhere under the root is read; what a prozess leaves out (legal bases, keywords,
status, definition) is taken from the ``prozessklasse`` of the same id when the message carries
the process catalogue too. Code values sit in an unqualified ``code`` child (XÖV code type);
a qualified one is accepted as well. The XML is parsed hardened: no DTD, no entities, no network.
"""

from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from procex.bpmn.xml import ExternalReferenceRefused, hardened_parser, has_doctype
from procex.exchange.xprozess.errors import XProzessReadError
from procex.exchange.xprozess.files import DEFAULT_LIMITS, ROLES, Budget, load_embedded

XPROZESS_NS = "http://www.regierung-mv.de/xprozess/2"
KNOWN_MESSAGES = ("alleInhalte.export.0303", "prozessbibliothek.export.0203", "prozessbibliothek.antwort.0202")
STATUS_LABELS = {
    "1": "in Planung",
    "2": "in Bearbeitung",
    "3": "Entwurf",
    "4": "methodisch freigegeben",
    "5": "fachlich freigegeben (silber)",
    "6": "fachlich freigegeben (gold)",
    "7": "inaktiv",
    "8": "vorgesehen zum Löschen",
}


def q(local):
    """Qualified tag in the XProzess namespace."""
    return f"{{{XPROZESS_NS}}}{local}"


@dataclass
class LegalBasis:
    """One ``handlungsgrundlage``: its name (e.g. '§ 27 MuSchG'), the art code and the URI."""

    name: str
    art: str | None = None
    uri: str | None = None


@dataclass
class Prozess:
    """One ``prozess`` of a message with the metadata procex uses and its embedded files."""

    id: str  # the Leistungsschlüssel
    version: str | None
    name: str | None
    bezeichnung: str | None = None
    description: str | None = None  # steckbrief beschreibung, else definition (prozess, then klasse)
    releasing_body: str | None = None  # fachlichFreigebendeStelle
    detaillierungsstufe: str | None = None
    status: str | None = None
    regions: list = field(default_factory=list)  # [(kind, code)], e.g. ("bundesland", "07")
    legal_bases: list = field(default_factory=list)  # LegalBasis
    keywords: list = field(default_factory=list)
    zustandsangaben: dict = field(default_factory=dict)  # flattened: 'gueltigkeitszeitraum.beginn'
    files: list = field(default_factory=list)  # EmbeddedFile
    line: int | None = None

    @property
    def label(self):
        return f"prozess {self.id}@{self.version or '?'}"

    def bpmn_models(self):
        """(name, bytes) of every BPMN model found in the model files, then in the others."""
        ordered = sorted(self.files, key=lambda f: f.role != "model")
        return [model for f in ordered for model in f.bpmn_models()]


@dataclass
class Message:
    """A whole XProzess message."""

    message_type: str  # root element's local name, e.g. 'alleInhalte.export.0303'
    source: str
    uuid: str | None = None
    created: str | None = None
    author: str | None = None
    product: str | None = None
    processes: list = field(default_factory=list)


def _parser():
    # Base64 payloads exceed libxml2's 10 MB text-node limit; procex's own limits apply instead.
    return hardened_parser(huge_tree=True, remove_comments=True)


def read_file(path, limits=DEFAULT_LIMITS):
    """Read an XProzess message from a file; see read_bytes."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > limits.max_message_bytes:
            raise XProzessReadError(
                f"{path}: message is {size:,} bytes, over the limit of {limits.max_message_bytes:,}"
            )
        data = path.read_bytes()
    except FileNotFoundError:
        raise XProzessReadError(f"{path}: no such file; check the path") from None
    except IsADirectoryError:
        raise XProzessReadError(f"{path}: is a directory, not an XProzess message") from None
    except PermissionError:
        raise XProzessReadError(f"{path}: permission denied; check the file's access rights") from None
    return read_bytes(data, str(path), limits)


def read_bytes(data, source="<input>", limits=DEFAULT_LIMITS):
    """Parse an XProzess 2.0 message and decode every embedded file -> Message."""
    if len(data) > limits.max_message_bytes:
        raise XProzessReadError(
            f"{source}: message is {len(data):,} bytes, over the limit of {limits.max_message_bytes:,}"
        )
    if has_doctype(data):
        raise XProzessReadError(
            f"{source}: message has a DOCTYPE declaration; XProzess never needs one and entities are refused for safety"
        )
    try:
        root = etree.fromstring(bytes(data), _parser())
    except etree.XMLSyntaxError as error:
        line = error.position[0] if error.position else None
        where = f"{source}:{line}" if line else source
        raise XProzessReadError(f"{where}: not well-formed XML: {error.msg}; is this an XProzess message?") from None
    except ExternalReferenceRefused as refused:
        raise XProzessReadError(
            f"{source}: message refers to an external file or URL ({refused}); XProzess "
            "never needs one and it is refused for safety"
        ) from None
    tree = root.getroottree()
    if tree.docinfo.doctype:
        raise XProzessReadError(f"{source}: message has a DOCTYPE declaration; remove it")
    if not isinstance(root.tag, str) or not root.tag.startswith(f"{{{XPROZESS_NS}}}"):
        raise XProzessReadError(
            f"{source}: root element {root.tag} is not in the XProzess 2.0 namespace "
            f"{XPROZESS_NS}; is this an XProzess 2.0 message?"
        )
    message = Message(etree.QName(root).localname, source, product=root.get("produkt"))
    head = root.find(q("nachrichtenkopf"))
    if head is not None:
        message.uuid = _text(head, "nachrichtUUID")
        message.created = _text(head, "erstellungszeitpunkt")
        message.author = _text(head, "autor")
    classes = {}
    for klasse in root.iter(q("prozessklasse")):
        classes.setdefault(_text(klasse, "id"), klasse)
    budget = Budget(limits)  # one for the whole message: many small ZIPs cannot add up unchecked
    for element in root.iter(q("prozess")):
        message.processes.append(_read_prozess(element, classes, source, limits, budget))
    return message


def _read_prozess(element, classes, source, limits, budget):
    pid = _text(element, "id")
    if not pid:
        raise XProzessReadError(
            f"{source}:{element.sourceline}: prozess without id (Leistungsschlüssel); the message is incomplete"
        )
    version = _text(element, "version")
    klasse = classes.get(pid)
    steckbrief = element.find(q("prozesssteckbrief"))
    prozess = Prozess(pid, version, _text(element, "name"), _text(element, "bezeichnung"), line=element.sourceline)
    prozess.releasing_body = _text(element, "fachlichFreigebendeStelle")
    prozess.description = (
        _text(steckbrief, "beschreibung") or _text(steckbrief, "definition") or _text(klasse, "definition")
    )
    if steckbrief is not None:
        prozess.detaillierungsstufe = _code(steckbrief.find(q("detaillierungsstufe")))
        for kodierung in steckbrief.iterfind(q("verwaltungspolitischeKodierung")):
            for item in kodierung:
                if isinstance(item.tag, str):
                    prozess.regions.append((etree.QName(item).localname, _code(item)))
    legal = list(element.iterfind(q("handlungsgrundlage")))
    if steckbrief is not None:
        legal += steckbrief.iterfind(q("handlungsgrundlage"))
    if not legal and klasse is not None:
        legal = list(klasse.iterfind(q("handlungsgrundlage")))
    prozess.legal_bases = [LegalBasis(_text(h, "name") or "", _code(h.find(q("art"))), _text(h, "uri")) for h in legal]
    keywords = [k.text for k in element.iterfind(q("schlagwort")) if k.text]
    if not keywords and klasse is not None:
        keywords = [k.text for k in klasse.iterfind(q("schlagwort")) if k.text]
    prozess.keywords = [word.strip() for text in keywords for word in text.split("|") if word.strip()]
    state = element.find(q("zustandsangaben"))
    if state is None and klasse is not None:
        state = klasse.find(q("zustandsangaben"))
    prozess.zustandsangaben = _flatten(state)
    prozess.status = prozess.zustandsangaben.get("status")
    modell = element.find(q("prozessmodell"))
    if modell is not None:
        for datei in modell:
            if not isinstance(datei.tag, str):
                continue
            role = ROLES.get(etree.QName(datei).localname)
            if role is None:
                continue
            name = _text(datei, "dateiname") or role
            where = f"{source}:{datei.sourceline}: {prozess.label}, {etree.QName(datei).localname} {name!r}"
            method = datei.find(q("modellierungsmethode"))
            prozess.files.append(
                load_embedded(
                    role,
                    name,
                    _text(datei, "inhalt"),
                    where,
                    limits,
                    mime_code=_code(datei.find(q("mimeType"))),
                    method=_text(method, "freitext") or _code(method.find(q("code"))) if method is not None else None,
                    line=datei.sourceline,
                    budget=budget,
                )
            )
    return prozess


def _text(parent, local):
    """Stripped text of the first child ``local`` of ``parent``; None when absent or empty."""
    if parent is None:
        return None
    child = parent.find(q(local))
    if child is None or child.text is None:
        return None
    return child.text.strip() or None


def _code(element):
    """The value of an XÖV code element: its ``code`` child (unqualified or qualified)."""
    if element is None:
        return None
    for child in element:
        if isinstance(child.tag, str) and etree.QName(child).localname == "code" and child.text:
            return child.text.strip()
    if len(element) == 0 and element.text and element.text.strip():
        return element.text.strip()
    return None


def _flatten(element, prefix="", depth=0):
    """zustandsangaben as {name: text}, codes resolved, nested names joined with '.'."""
    result = {}
    # The real structure is two levels deep; a hostile one could be thousands (huge_tree).
    if element is None or depth > 8:
        return result
    for child in element:
        if not isinstance(child.tag, str):
            continue
        name = prefix + etree.QName(child).localname
        code = _code(child)
        if code is not None and (len(child) == 0 or any(etree.QName(c).localname == "code" for c in child)):
            result[name] = code
        elif len(child):
            result.update(_flatten(child, name + ".", depth + 1))
        elif child.text and child.text.strip():
            result[name] = child.text.strip()
    return result
