"""Write procex packages as an XProzess 2.0 ``prozessbibliothek.export.0203`` message.

The element names and their order follow the real FIM message (alleInhalte.export.0303 by
ADONIS NP in ../shared/corpora/fim); the official XSD could not be obtained, so the output was
checked against that message, not against the schema. One ``prozess`` per package; the BPMN is
embedded like the real message does it: base64 of a ZIP that holds the model file.
"""

import base64
import json
import re
import uuid as uuidlib
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from lxml import etree

from procex.bpmn import xml as bxml
from procex.bpmn.errors import BpmnReadError
from procex.core.files import atomic_write
from procex.exchange.xprozess.errors import XProzessExportError
from procex.exchange.xprozess.files import make_zip
from procex.exchange.xprozess.read import XPROZESS_NS, q

MESSAGE_TYPE = "prozessbibliothek.export.0203"
# listURI / listVersionID pairs exactly as the real message uses them.
LISTS = {
    "nachricht": ("urn:xoev-de:xprozess:codeliste:nachricht", "1.0"),
    "detaillierungsstufe": ("urn:xoev-de:xprozess:codeliste:detaillierungsstufe", "2022-03-15"),
    "bundesland": ("urn:xoev-de:bund:destatis:bevoelkerungsstatistik:schluessel:bundesland", "2010-04-01"),
    "handlungsgrundlagenart": ("urn:xoev-de:mv:em:codeliste:xprozess:handlungsgrundlagenart", "2019-04-16"),
    "modellierungsmethode": ("urn:xoev-de:xprozess:codeliste:modellierungsmethode", "2019-08-05"),
    "mimetype": ("urn:xoev-de:xprozess:codeliste:mimetype", "2020-01-20"),
    "status": ("urn:xoev-de:xprozess:codeliste:status", "2020-03-19"),
    # Not in the real message (it names no municipality): the AGS list of Destatis, a guess.
    "gemeindeschluessel": ("urn:xoev-de:bund:destatis:bevoelkerungsstatistik:schluessel:ags", "2010-04-01"),
}
# Manifest fields XProzess has no place for; export reports them as not carried.
NOT_CARRIED = ("publisher", "contact", "license", "derived_from")
_KEY = re.compile(r"^[0-9]{14}$")
_SEMVER = re.compile(r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$")


@dataclass
class ExportResult:
    """The message bytes and, per package, the manifest fields XProzess could not carry."""

    data: bytes
    message_uuid: str
    omitted: dict = field(default_factory=dict)  # "publisher/slug@version" -> [field, ...]


def xprozess_version(version):
    """procex '1.2.3' -> XProzess '01.02.03' (two digits at least, as FIM writes them)."""
    match = _SEMVER.match(version or "")
    if not match:
        return version
    return ".".join(f"{int(part):02d}" for part in match.groups())


def build_export(packages, author, *, now=None, message_uuid=None, library_name=None, method=("10", "FIM")):
    """A prozessbibliothek.export.0203 message for ``packages`` [(manifest dict, bpmn bytes)].

    A package may carry a third item, a label for error messages (e.g. its file path).

    ``author`` goes to nachrichtenkopf/autor and zustandsangaben/letzterBearbeiter; ``now`` (an
    aware datetime) and ``message_uuid`` make the output reproducible; ``method`` is the
    modellierungsmethode (code, freitext), by default what the real FIM message says.
    """
    if not packages:
        raise XProzessExportError("nothing to export: name at least one package")
    if not author or not str(author).strip():
        raise XProzessExportError("the message needs an author: give --author or set municipality in procex.toml")
    now = now or datetime.now(timezone.utc).astimezone()
    stamp = _timestamp(now)
    message_uuid = message_uuid or str(uuidlib.uuid4())
    nsmap = {"xprozess": XPROZESS_NS}
    root = etree.Element(q(MESSAGE_TYPE), nsmap=nsmap)
    root.set("produkt", "procex")
    root.set("produkthersteller", "procex")
    root.set("xprozessVersion", "2.0")
    head = _sub(root, "nachrichtenkopf")
    _sub(head, "nachrichtUUID", message_uuid)
    _code(_sub(head, "nachrichtentyp"), "nachricht", MESSAGE_TYPE.rsplit(".", 1)[1])
    _sub(head, "erstellungszeitpunkt", stamp)
    _sub(head, "autor", author)
    library = _sub(root, "prozessbibliothek")
    _sub(library, "name", library_name or f"Prozessbibliothek {author}")
    omitted = {}
    seen = set()
    for package in packages:
        manifest, model = package[0], package[1]
        label = package[2] if len(package) > 2 else _label(manifest)
        _check(manifest, model, label)
        key = (manifest["leistungsschluessel"][0], xprozess_version(manifest["version"]))
        if key in seen:
            raise XProzessExportError(
                f"{label}: a second package with Leistungsschlüssel {key[0]} version {key[1]}; "
                "XProzess identifies a prozess by both, export each only once"
            )
        seen.add(key)
        _prozess(library, manifest, model, author, stamp, method)
        left = [name for name in NOT_CARRIED if manifest.get(name)]
        left += [f"leistungsschluessel {k}" for k in manifest["leistungsschluessel"][1:]]
        if left:
            omitted[label] = left
    # The declaration written out to match the real message byte for byte (lxml uses ' quotes).
    data = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + etree.tostring(
        root, encoding="UTF-8", xml_declaration=False, pretty_print=True
    )
    return ExportResult(data, message_uuid, omitted)


def _prozess(library, manifest, model, author, stamp, method):
    element = _sub(library, "prozess")
    key = manifest["leistungsschluessel"][0]
    _sub(element, "id", key)
    _sub(element, "version", xprozess_version(manifest["version"]))
    _sub(element, "name", manifest["name"])
    region = manifest.get("region") or {}
    if region.get("name"):
        _sub(element, "fachlichFreigebendeStelle", region["name"])
    klasse = _sub(element, "klassifikation")
    _sub(klasse, "ordnungsrahmenName", "FIM Prozesskatalog")
    _sub(klasse, "ordnungsrahmenVersion", "")  # empty, as in the real message
    _sub(klasse, "klasseID", key)
    _sub(klasse, "klasseName", manifest["name"])
    if manifest.get("keywords"):
        _sub(element, "schlagwort", "|".join(manifest["keywords"]))
    steckbrief = _sub(element, "prozesssteckbrief")
    if manifest.get("description"):
        _sub(steckbrief, "beschreibung", manifest["description"])
    for basis in manifest.get("legal_basis") or []:
        legal = _sub(steckbrief, "handlungsgrundlage")
        _sub(legal, "name", basis)
    if manifest.get("detaillierungsstufe") is not None:
        _code(_sub(steckbrief, "detaillierungsstufe"), "detaillierungsstufe", str(manifest["detaillierungsstufe"]))
    if region.get("ags"):
        _code(_sub(_sub(steckbrief, "verwaltungspolitischeKodierung"), "bundesland"), "bundesland", region["ags"][:2])
        _code(
            _sub(_sub(steckbrief, "verwaltungspolitischeKodierung"), "gemeindeschluessel"),
            "gemeindeschluessel",
            region["ags"],
        )
    slug = manifest.get("slug") or key
    modell = _sub(element, "prozessmodell")
    datei = _sub(modell, "prozessmodelldatei")
    _sub(datei, "dateiname", slug)
    methode = _sub(datei, "modellierungsmethode")
    _code(_sub(methode, "code"), "modellierungsmethode", method[0])
    _sub(methode, "freitext", method[1])
    _code(_sub(datei, "mimeType"), "mimetype", "1")  # the real message's code for its ZIPs
    _sub(datei, "inhalt", base64.b64encode(make_zip([(f"{slug}.bpmn", model)])).decode("ascii"))
    state = _sub(element, "zustandsangaben")
    _sub(state, "letzterAenderungszeitpunkt", manifest.get("published_at") or stamp)
    _sub(state, "letzterBearbeiter", author)
    if manifest.get("status") is not None:
        _code(_sub(state, "status"), "status", str(manifest["status"]))


def _check(manifest, model, label):
    """Refuse what XProzess cannot hold or a receiver could not read, naming the field."""
    if not isinstance(manifest, dict):
        raise XProzessExportError(f"{label}: manifest is not a JSON object")
    if not manifest.get("name"):
        raise XProzessExportError(f"{label}: its manifest has no name; XProzess needs one")
    keys = manifest.get("leistungsschluessel")
    if not isinstance(keys, list) or not keys:
        raise XProzessExportError(
            f"{label}: its manifest has no leistungsschluessel; XProzess needs one as the prozess id"
        )
    for key in keys:
        if not isinstance(key, str) or not _KEY.match(key):
            raise XProzessExportError(f"{label}: leistungsschluessel {key!r} is not 14 digits")
    if not _SEMVER.match(str(manifest.get("version") or "")):
        raise XProzessExportError(f"{label}: version {manifest.get('version')!r} is not MAJOR.MINOR.PATCH (e.g. 1.0.0)")
    stufe = manifest.get("detaillierungsstufe")
    if stufe is not None and str(stufe) not in {"101", "102", "103", "104", "105"}:
        raise XProzessExportError(f"{label}: detaillierungsstufe {stufe!r} is not a code 101-105")
    status = manifest.get("status")
    if status is not None and str(status) not in {str(n) for n in range(1, 9)}:
        raise XProzessExportError(f"{label}: status {status!r} is not a FIM status code 1-8")
    ags = (manifest.get("region") or {}).get("ags")
    if ags is not None and not re.match(r"^[0-9]{8}$", str(ags)):
        raise XProzessExportError(f"{label}: region.ags {ags!r} is not an 8-digit Amtlicher Gemeindeschlüssel")
    for word in manifest.get("keywords") or []:
        if "|" in word:
            raise XProzessExportError(
                f"{label}: keyword {word!r} contains '|', which XProzess uses to separate keywords"
            )
    try:
        bxml.parse_bytes(bytes(model), label)
    except BpmnReadError as error:
        raise XProzessExportError(f"{error}; export needs a readable BPMN 2.0 model") from None


def _label(manifest):
    if not isinstance(manifest, dict):
        return "package"
    return f"{manifest.get('publisher') or '?'}/{manifest.get('slug') or '?'}@{manifest.get('version') or '?'}"


def _sub(parent, local, text=None):
    child = etree.SubElement(parent, q(local))
    if text is not None:
        child.text = str(text)
    return child


def _code(element, codelist, value):
    """Fill an XÖV code element: list attributes and an unqualified ``code`` child."""
    uri, version = LISTS[codelist]
    element.set("listURI", uri)
    element.set("listVersionID", version)
    etree.SubElement(element, "code").text = value
    return element


def _timestamp(moment):
    """ISO 8601 with milliseconds and offset, as the real message writes it."""
    text = moment.isoformat(timespec="milliseconds")
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def load_package(name):
    """A package on disk: NAME is a .bpmn file (or its .json manifest) with a sibling manifest.

    Returns (manifest dict, bpmn bytes, source label).
    """
    path = Path(name)
    bpmn_path = path.with_suffix(".bpmn") if path.suffix == ".json" else path
    manifest_path = bpmn_path.with_suffix(".json")
    if not bpmn_path.is_file():
        raise XProzessExportError(f"{bpmn_path}: no such BPMN file; name the .bpmn file of a package")
    if not manifest_path.is_file():
        raise XProzessExportError(
            f"{manifest_path}: no manifest beside {bpmn_path.name}; write one with the package's metadata"
        )
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise XProzessExportError(f"{manifest_path}: not valid JSON ({error})") from None
    if not isinstance(manifest, dict):
        raise XProzessExportError(f"{manifest_path}: manifest is not a JSON object")
    return manifest, bpmn_path.read_bytes(), str(bpmn_path)


def export_packages(names, output, author, *, now=None, message_uuid=None):
    """Export packages named by path into ``output`` (written atomically) -> ExportResult."""
    packages = [load_package(name) for name in names]
    result = build_export(packages, author, now=now, message_uuid=message_uuid)
    atomic_write(output, result.data)
    return result
