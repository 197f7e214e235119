"""XProzess 2.0 bridge: the real FIM message, export -> import round trips, hostile input, CLI."""

import base64
import io
import json
import os
import zipfile
from datetime import datetime, timezone
from pathlib import Path

import pytest
from lxml import etree

from procex.bpmn import xml as bxml
from procex.exchange import xprozess
from procex.exchange.xprozess import files as xfiles
from procex.exchange.xprozess.read import XPROZESS_NS

from .conftest import REPO, need_shared

FIM = "corpora/fim/99006028261000_Anzeige_Beschaeftigung_schwangere_stillende_Frau.xprozess2.xml"
FIM_BPMN = "corpora/fim/99006028261000_BPMN_DI-Export.bpmn"
FIM_NAME = "Anzeige zur Beschäftigung einer schwangeren oder stillenden Frau bearbeiten"
NOW = datetime(2024, 5, 6, 7, 8, 9, 123000, tzinfo=timezone.utc)


def fim_message():
    return need_shared() / FIM


# --- small packages built here --------------------------------------------------------------

BPMN_TEMPLATE = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI"
    xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI"
    id="Defs_{id}" targetNamespace="https://example.org/{id}">
  <!-- {name} -->
  <bpmn:process id="P_{id}" name="{name}" isExecutable="false">
    <bpmn:startEvent id="Start" name="Antrag eingegangen"/>
    <bpmn:task id="Pruefen" name="Antrag prüfen&#10;(Vollständigkeit)"/>
    <bpmn:endEvent id="Ende" name="Bescheid erteilt"/>
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Pruefen"/>
    <bpmn:sequenceFlow id="F2" sourceRef="Pruefen" targetRef="Ende"/>
  </bpmn:process>
  <bpmndi:BPMNDiagram id="D_{id}">
    <bpmndi:BPMNPlane id="Pl_{id}" bpmnElement="P_{id}">
      <bpmndi:BPMNShape id="Start_di" bpmnElement="Start"><dc:Bounds x="100" y="100" width="36" height="36"/></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="Pruefen_di" bpmnElement="Pruefen"><dc:Bounds x="180" y="78" width="100" height="80"/></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="Ende_di" bpmnElement="Ende"><dc:Bounds x="330" y="100" width="36" height="36"/></bpmndi:BPMNShape>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>
"""

PACKAGES = [
    {
        "publisher": "trier",
        "slug": "hundesteuer-anmeldung",
        "version": "1.2.0",
        "name": "Hundesteuer Anmeldung",
        "leistungsschluessel": ["99102013104000"],
        "description": "Anmeldung eines Hundes zur Hundesteuer bei der Stadt Trier.",
        "keywords": ["Hund", "Steuer", "Anmeldung"],
        "detaillierungsstufe": 104,
        "status": 5,
        "region": {"ags": "07211000", "name": "Stadt Trier"},
        "contact": {"office": "Amt für Steuern", "mailbox": "steueramt@trier.example"},
        "license": "dl-de/by-2-0",
        "legal_basis": ["§ 1 Hundesteuersatzung Trier", "KAG Rheinland-Pfalz"],
    },
    {
        "publisher": "trier",
        "slug": "gewerbeanmeldung",
        "version": "2.0.11",
        "name": "Gewerbeanmeldung",
        "leistungsschluessel": ["99050012104000"],
        "keywords": ["Gewerbe"],
        "region": {"ags": "07211000", "name": "Stadt Trier"},
        "license": "dl-de/by-2-0",
        "derived_from": {"ref": "koblenz/gewerbeanmeldung@1.0.0", "sha256": "0" * 64},
    },
]
# What survives the trip through XProzess (publisher, contact, license, derived_from do not).
CARRIED = (
    "slug",
    "name",
    "version",
    "leistungsschluessel",
    "description",
    "keywords",
    "detaillierungsstufe",
    "status",
    "region",
    "legal_basis",
)


def small_model(manifest):
    return BPMN_TEMPLATE.format(id=manifest["slug"].replace("-", "_"), name=manifest["name"]).encode("utf-8")


def write_package(folder, manifest, model):
    bpmn_path = Path(folder) / f"{manifest['slug']}.bpmn"
    bpmn_path.write_bytes(model)
    bpmn_path.with_suffix(".json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    return bpmn_path


def trier_examples():
    folder = REPO / "exchange/examples/trier"
    return sorted(p for p in folder.glob("*.bpmn") if p.with_suffix(".json").is_file())


# --- hostile messages built here --------------------------------------------------------------


def message_with(inhalt, dateiname="Modell", prozess_id="99000000000001"):
    """A minimal prozessbibliothek.antwort.0202 with one prozess whose model file is ``inhalt``."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<xprozess:prozessbibliothek.antwort.0202 xmlns:xprozess="{XPROZESS_NS}" xprozessVersion="2.0">
  <xprozess:nachrichtenkopf><xprozess:nachrichtUUID>x</xprozess:nachrichtUUID></xprozess:nachrichtenkopf>
  <xprozess:prozessbibliothek>
    <xprozess:prozess>
      <xprozess:id>{prozess_id}</xprozess:id>
      <xprozess:version>1.0</xprozess:version>
      <xprozess:name>Testprozess</xprozess:name>
      <xprozess:prozessmodell>
        <xprozess:prozessmodelldatei>
          <xprozess:dateiname>{dateiname}</xprozess:dateiname>
          <xprozess:inhalt>{inhalt}</xprozess:inhalt>
        </xprozess:prozessmodelldatei>
      </xprozess:prozessmodell>
    </xprozess:prozess>
  </xprozess:prozessbibliothek>
</xprozess:prozessbibliothek.antwort.0202>
""".encode()


def b64_zip(entries, compression=zipfile.ZIP_DEFLATED):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, data in entries:
            archive.writestr(zipfile.ZipInfo(name), data, compress_type=compression)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


# --- the real FIM message ---------------------------------------------------------------------


def test_real_message_is_read():
    message = xprozess.read_file(fim_message())
    assert message.message_type == "alleInhalte.export.0303"
    assert message.uuid == "7a90138d-c30e-44b9-8058-fc48be05d8ec"
    assert message.author == "BOC"
    [prozess] = message.processes
    assert prozess.id == "99006028261000"
    assert prozess.version == "01.00.00"
    assert prozess.name == FIM_NAME
    assert prozess.bezeichnung.startswith("Benachrichtigung über die Beschäftigung")
    assert prozess.detaillierungsstufe == "101"
    assert prozess.status == "2"
    assert [code for _, code in prozess.regions] == [f"{n:02d}" for n in range(1, 17)]
    assert {kind for kind, _ in prozess.regions} == {"bundesland"}
    # The prozess names no legal bases itself; they come from its prozessklasse.
    assert [b.name for b in prozess.legal_bases] == ["§ 27 MuSchG", "§ 29 MuSchG", "§ 5 ArbSchG"]
    assert prozess.legal_bases[0].uri == "https://www.gesetze-im-internet.de/muschg_2018/__27.html"
    assert prozess.keywords == [
        "Beschäftigungsverbot",
        "Mutter",
        "Mutterschaft",
        "Mutterschutz",
        "Schwangerschaft",
        "Stillzeit",
    ]
    assert prozess.zustandsangaben["letzterBearbeiter"] == "FIM-Baustein Prozesse"
    assert prozess.zustandsangaben["gueltigkeitszeitraum.beginn"] == "2019-12-31T23:00:00.000Z"
    roles = [(f.role, f.name, f.content_type, f.mime_code) for f in prozess.files]
    assert roles == [
        ("model", "BPMN DI-Export", "application/zip", "1"),
        ("visualisation", "Modellgrafik", "application/zip", "1"),
        ("description", "Standard Report", "application/zip", "1"),
    ]
    members = [(m.name, m.content_type) for f in prozess.files for m in f.members]
    assert members == [
        ("BPMN DI-Export.xml", "application/bpmn+xml"),
        ("Modellgrafik.pdf", "application/pdf"),
        ("Standard Report.pdf", "application/pdf"),
    ]
    [(name, model)] = prozess.bpmn_models()
    assert name == "BPMN DI-Export.xml"
    assert bxml.canonical(model) == bxml.canonical((need_shared() / FIM_BPMN).read_bytes())


def test_real_message_imports(tmp_path):
    [done] = xprozess.import_file(fim_message(), tmp_path)
    manifest = json.loads(done.manifest_path.read_text(encoding="utf-8"))
    assert manifest["leistungsschluessel"] == ["99006028261000"]
    assert manifest["version"] == "1.0.0"
    assert manifest["name"] == FIM_NAME
    assert manifest["detaillierungsstufe"] == 101
    assert manifest["status"] == 2
    assert manifest["legal_basis"] == ["§ 27 MuSchG", "§ 29 MuSchG", "§ 5 ArbSchG"]
    assert "Mutterschutz" in manifest["keywords"]
    assert manifest["provenance"] == "xprozess:99006028261000@01.00.00"
    assert "region" not in manifest  # a federal master process names no municipality
    assert done.bpmn_path == tmp_path / "processes" / f"{done.slug}.bpmn"
    reference = (need_shared() / FIM_BPMN).read_bytes()
    assert bxml.canonical(done.bpmn_path.read_bytes()) == bxml.canonical(reference)
    assert manifest["model"]["size"] == len(reference)
    pdfs = sorted(p.name for p in done.files_dir.iterdir())
    assert pdfs == ["Modellgrafik.pdf", "Standard Report.pdf"]
    assert all((done.files_dir / p).read_bytes().startswith(b"%PDF-") for p in pdfs)


def test_import_again_is_a_no_op_and_a_changed_file_is_protected(tmp_path):
    [first] = xprozess.import_file(fim_message(), tmp_path)
    before = first.manifest_path.read_bytes()
    xprozess.import_file(fim_message(), tmp_path)  # same content: fine
    assert first.manifest_path.read_bytes() == before
    first.bpmn_path.write_bytes(b"<local edit/>")
    with pytest.raises(xprozess.XProzessImportError, match="already exists with other content.*--force"):
        xprozess.import_file(fim_message(), tmp_path)
    assert first.bpmn_path.read_bytes() == b"<local edit/>"
    xprozess.import_file(fim_message(), tmp_path, force=True)
    assert first.bpmn_path.read_bytes() == (need_shared() / FIM_BPMN).read_bytes()


def test_entry_selects_the_prozess_or_says_what_is_there(tmp_path):
    [done] = xprozess.import_file(fim_message(), tmp_path, entry="99006028261000")
    assert done.manifest["leistungsschluessel"] == ["99006028261000"]
    with pytest.raises(
        xprozess.XProzessImportError, match="no prozess with Leistungsschlüssel 99102013104000.*99006028261000"
    ):
        xprozess.import_file(fim_message(), tmp_path / "other", entry="99102013104000")
    assert not (tmp_path / "other").exists()


# --- export -----------------------------------------------------------------------------------


def test_export_follows_the_real_message():
    packages = [(m, small_model(m)) for m in PACKAGES]
    result = xprozess.build_export(
        packages, "Stadt Trier", now=NOW, message_uuid="0f8fad5b-d9cb-469f-a165-70867728950e"
    )
    root = etree.fromstring(result.data)
    ns = {"x": XPROZESS_NS}
    assert root.tag == f"{{{XPROZESS_NS}}}prozessbibliothek.export.0203"
    assert root.get("xprozessVersion") == "2.0"
    assert root.findtext("x:nachrichtenkopf/x:nachrichtUUID", namespaces=ns) == "0f8fad5b-d9cb-469f-a165-70867728950e"
    assert root.findtext("x:nachrichtenkopf/x:nachrichtentyp/code", namespaces=ns) == "0203"
    assert root.findtext("x:nachrichtenkopf/x:erstellungszeitpunkt", namespaces=ns) == "2024-05-06T07:08:09.123Z"
    assert root.findtext("x:nachrichtenkopf/x:autor", namespaces=ns) == "Stadt Trier"
    prozesse = root.findall("x:prozessbibliothek/x:prozess", ns)
    assert [p.findtext("x:id", namespaces=ns) for p in prozesse] == ["99102013104000", "99050012104000"]
    assert [p.findtext("x:version", namespaces=ns) for p in prozesse] == ["01.02.00", "02.00.11"]
    datei = prozesse[0].find("x:prozessmodell/x:prozessmodelldatei", ns)
    archive = zipfile.ZipFile(io.BytesIO(base64.b64decode(datei.findtext("x:inhalt", namespaces=ns))))
    assert archive.namelist() == ["hundesteuer-anmeldung.bpmn"]
    assert archive.read("hundesteuer-anmeldung.bpmn") == small_model(PACKAGES[0])
    assert result.omitted == {
        "trier/hundesteuer-anmeldung@1.2.0": ["publisher", "contact", "license"],
        "trier/gewerbeanmeldung@2.0.11": ["publisher", "license", "derived_from"],
    }
    # Element order: wherever the real message has the same elements, ours come in its order.
    real = etree.parse(str(fim_message())).getroot()
    assert result.data.startswith(b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<xprozess:')
    for path in (
        "x:nachrichtenkopf",
        "x:prozessbibliothek",
        "x:prozessbibliothek/x:prozess",
        "x:prozessbibliothek/x:prozess/x:klassifikation",
        "x:prozessbibliothek/x:prozess/x:prozesssteckbrief",
        "x:prozessbibliothek/x:prozess/x:prozessmodell/x:prozessmodelldatei",
        "x:prozessbibliothek/x:prozess/x:zustandsangaben",
    ):
        real_order = [etree.QName(c).localname for c in real.find(path, ns)]
        ours = [etree.QName(c).localname for c in root.find(path, ns)]
        # handlungsgrundlage: the real prozess has none (its legal bases sit on the prozessklasse).
        known = [name for name in ours if name != "handlungsgrundlage"]
        assert set(known) <= set(real_order), (path, set(known) - set(real_order))
        positions = [real_order.index(name) for name in known]
        assert positions == sorted(positions), (path, ours)


def test_export_is_reproducible():
    packages = [(m, small_model(m)) for m in PACKAGES]
    one = xprozess.build_export(packages, "Stadt Trier", now=NOW, message_uuid="u")
    two = xprozess.build_export(packages, "Stadt Trier", now=NOW, message_uuid="u")
    assert one.data == two.data


def check_round_trip(manifests_and_models, tmp_path):
    folder = tmp_path / "packages"
    folder.mkdir()
    names = [write_package(folder, manifest, model) for manifest, model in manifests_and_models]
    out = tmp_path / "out.xprozess.xml"
    xprozess.export_packages(names, out, "Stadt Trier", now=NOW)
    message = xprozess.read_file(out)
    assert message.message_type == "prozessbibliothek.export.0203"
    done = xprozess.import_message(message, tmp_path / "ws")
    assert len(done) == len(manifests_and_models)
    for (manifest, model), imported in zip(manifests_and_models, done, strict=True):
        written = json.loads(imported.manifest_path.read_text(encoding="utf-8"))
        for key in CARRIED:
            assert written.get(key) == manifest.get(key), key
        assert written["provenance"] == f"xprozess:{manifest['leistungsschluessel'][0]}@" + ".".join(
            f"{int(n):02d}" for n in manifest["version"].split(".")
        )
        assert bxml.canonical(imported.bpmn_path.read_bytes()) == bxml.canonical(model)
        assert not imported.attachments


def test_export_import_round_trip_of_small_packages(tmp_path):
    check_round_trip([(m, small_model(m)) for m in PACKAGES], tmp_path)


def test_export_import_round_trip_of_trier_examples(tmp_path):
    examples = trier_examples()
    assert len(examples) == 7  # the repo ships seven Trier packages
    pairs = []
    for path in examples:
        manifest = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        pairs.append((manifest, path.read_bytes()))
    check_round_trip(pairs, tmp_path)


@pytest.mark.parametrize(
    "change, message",
    [
        ({"leistungsschluessel": []}, "no leistungsschluessel"),
        ({"leistungsschluessel": ["9910201310400"]}, "is not 14 digits"),
        ({"version": "01.00.00"}, "not MAJOR.MINOR.PATCH"),
        ({"status": 9}, "not a FIM status code"),
        ({"detaillierungsstufe": 106}, "not a code 101-105"),
        ({"keywords": ["a|b"]}, "contains '|'"),
    ],
)
def test_export_refuses_what_xprozess_cannot_hold(change, message):
    manifest = {**PACKAGES[0], **change}
    with pytest.raises(xprozess.XProzessExportError, match=message):
        xprozess.build_export([(manifest, small_model(PACKAGES[0]))], "Stadt Trier")


def test_export_refuses_a_model_that_is_not_bpmn(tmp_path):
    path = write_package(tmp_path, PACKAGES[0], b"<html/>")
    with pytest.raises(xprozess.XProzessExportError, match="hundesteuer-anmeldung.bpmn.*not BPMN 2.0"):
        xprozess.export_packages([path], tmp_path / "out.xml", "Stadt Trier")
    assert not (tmp_path / "out.xml").exists()


# --- hostile input ----------------------------------------------------------------------------


def test_zip_bomb_is_refused_by_ratio(tmp_path):
    # 20 MB of zeros pack into about 20 kB: a thousandfold ratio.
    message = message_with(b64_zip([("modell.bpmn", b"\0" * (20 * 1024 * 1024))]))
    with pytest.raises(xprozess.ZipBombError, match=r"modell.bpmn.*unpacks over 200x.*ZIP bomb"):
        xprozess.read_bytes(message, "bomb.xml")
    with pytest.raises(xprozess.ZipBombError):
        xprozess.import_file(_write(tmp_path / "bomb.xml", message), tmp_path / "ws")
    assert not (tmp_path / "ws").exists()


def test_zip_bomb_is_refused_by_total_size():
    # Incompressible data, so only the total limit can stop it.
    message = message_with(b64_zip([(f"teil{n}.bin", os.urandom(400_000)) for n in range(4)]))
    limits = xfiles.Limits(max_unzipped_bytes=1_000_000)
    with pytest.raises(xprozess.ZipBombError, match=r"unpacks to more than 1,000,000 bytes \(entry 'teil2.bin'\)"):
        xprozess.read_bytes(message, "big.xml", limits)
    assert xprozess.read_bytes(message, "big.xml").processes[0].files[0].members[3].size == 400_000


def test_zip_with_too_many_entries_is_refused():
    message = message_with(b64_zip([(f"e{n}.txt", b"x") for n in range(20)]))
    with pytest.raises(xprozess.ZipBombError, match="20 entries, over the limit of 10"):
        xprozess.read_bytes(message, "many.xml", xfiles.Limits(max_zip_entries=10))


def message_with_files(inhalts):
    """message_with, but the prozess carries one prozessmodelldatei per base64 text in ``inhalts``."""
    files = "".join(
        f"<xprozess:prozessmodelldatei><xprozess:dateiname>Datei{n}</xprozess:dateiname>"
        f"<xprozess:inhalt>{inhalt}</xprozess:inhalt></xprozess:prozessmodelldatei>"
        for n, inhalt in enumerate(inhalts)
    )
    one = message_with("X")
    start = one.index(b"<xprozess:prozessmodelldatei>")
    end = one.index(b"</xprozess:prozessmodell>")
    return one[:start] + files.encode() + one[end:]


def test_many_small_entries_in_many_zips_are_refused_by_the_archive_ratio(tmp_path):
    # The review's bomb: 4 ZIPs of 255 entries just under 1 MiB of zeros (1.5 MB of message,
    # 1 GiB unpacked). No entry passes the 1 MiB floor of the per-entry ratio check and each ZIP
    # stays under the 256 MiB per-ZIP cap; the ratio of each archive's total catches it.
    bomb = b64_zip([(f"teil{n}.bin", bytes(xfiles.MiB - 1)) for n in range(255)])
    message = message_with_files([bomb] * 4)
    assert len(message) < 1_600_000
    with pytest.raises(
        xprozess.ZipBombError,
        match=r"Datei0': embedded ZIP unpacks over 200x its size "
        r"\(.*bytes packed, over .* unpacked so far, at entry 'teil\d+.bin'\)",
    ):
        xprozess.read_bytes(message, "bomb.xml")
    with pytest.raises(xprozess.ZipBombError):
        xprozess.import_file(_write(tmp_path / "bomb.xml", message), tmp_path / "ws")
    assert not (tmp_path / "ws").exists()


def test_the_unpacked_budget_counts_the_whole_message():
    # Incompressible entries, so no ratio check applies: 3 ZIPs of 400 kB, each under a 1 MB
    # per-ZIP cap. Each costs 800 kB of the budget (the ZIP decoded, then its entry unpacked):
    # 2.5 MB lets them through, 1.5 MB refuses them together, in the second file.
    zips = [b64_zip([(f"teil{n}.bin", os.urandom(400_000))]) for n in range(3)]
    message = message_with_files(zips)
    limits = xfiles.Limits(max_unzipped_bytes=1_000_000, max_unpacked_bytes=2_500_000)
    assert len(xprozess.read_bytes(message, "ok.xml", limits).processes[0].files) == 3
    limits = xfiles.Limits(max_unzipped_bytes=1_000_000, max_unpacked_bytes=1_500_000)
    with pytest.raises(xprozess.ZipBombError) as caught:
        xprozess.read_bytes(message, "three.xml", limits)
    assert str(caught.value).startswith("three.xml:")
    assert (
        "'Datei1': the message's embedded files unpack to more than 1,500,000 bytes together "
        "(entry 'teil1.bin'); refused as a possible ZIP bomb"
    ) in str(caught.value)
    assert "\n" not in str(caught.value)
    # Decoded files count too; one that cannot fit is refused by its base64 length, undecoded.
    plain = base64.b64encode(os.urandom(300_000)).decode()
    with pytest.raises(
        xprozess.PayloadTooLargeError,
        match=r"'Datei3': embedded file holds about 300,000 bytes, "
        r"more than the .* left of the message's limit",
    ):
        xprozess.read_bytes(message_with_files([plain] * 4), "plain.xml", xfiles.Limits(max_unpacked_bytes=1_000_000))


def test_zip_members_are_not_held_unpacked(tmp_path):
    import tracemalloc

    # 40 MiB of zeros in 40 entries; a lenient ratio lets them through to show the memory use.
    entries = [(f"anlage{n}.bin", bytes(xfiles.MiB)) for n in range(40)]
    model = small_model(PACKAGES[0])
    message = message_with(b64_zip([("modell.bpmn", model)] + entries))
    limits = xfiles.Limits(max_ratio=10_000)
    tracemalloc.start()
    try:
        read = xprozess.read_bytes(message, "gross.xml", limits)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    members = read.processes[0].files[0].members
    assert [m.size for m in members] == [len(model)] + [xfiles.MiB] * 40
    assert members[0].is_bpmn and members[1].content_type == "application/octet-stream"
    assert peak < 8 * xfiles.MiB, f"reading held {peak:,} bytes"
    assert members[7].read() == bytes(xfiles.MiB)
    [done] = xprozess.import_message(read, tmp_path / "ws")
    assert done.bpmn_path.read_bytes() == model
    assert sorted(p.name for p in done.files_dir.iterdir()) == sorted(name for name, _ in entries)
    assert (done.files_dir / "anlage39.bin").read_bytes() == bytes(xfiles.MiB)


def test_an_xml_member_too_large_for_a_model_says_so(tmp_path):
    model = small_model(PACKAGES[0]).replace(
        b"</bpmn:definitions>", b"<!--" + b"x" * 200_000 + b"--></bpmn:definitions>"
    )
    message = message_with(b64_zip([("modell.bpmn", model)]))
    limits = xfiles.Limits(max_payload_bytes=100_000)
    [member] = xprozess.read_bytes(message, "m.xml", limits).processes[0].files[0].members
    assert (member.content_type, member.size) == ("application/xml", len(model))
    with pytest.raises(
        xprozess.XProzessImportError,
        match=rf"no readable BPMN 2.0 model .*'modell.bpmn': XML entry of {len(model):,} bytes, "
        r"over the limit of 100,000 for a model read from a ZIP",
    ):
        xprozess.import_message(xprozess.read_bytes(message, "m.xml", limits), tmp_path / "ws")
    assert xprozess.read_bytes(message, "m.xml").processes[0].files[0].members[0].is_bpmn


@pytest.mark.parametrize(
    "name, reason",
    [
        ("../../etc/cron.d/evil", "climbs out"),
        ("modell/../../evil.bpmn", "climbs out"),
        ("..\\..\\Windows\\evil.bpmn", "climbs out"),
        ("/etc/passwd", "absolute path"),
        ("\\\\server\\share\\evil.bpmn", "absolute path"),
        ("C:\\Windows\\evil.bpmn", "drive letter"),
        ("c:evil.bpmn", "drive letter"),
    ],
)
def test_path_traversal_in_zip_entry_names_is_refused(tmp_path, name, reason):
    message = message_with(b64_zip([("ok.pdf", b"%PDF-1.4 x"), (name, b"<x/>")]))
    path = _write(tmp_path / "evil.xml", message)
    with pytest.raises(xprozess.UnsafeZipEntryError, match=reason) as caught:
        xprozess.import_file(path, tmp_path / "ws")
    assert repr(name)[1:-1] in str(caught.value)
    assert "evil.xml:" in str(caught.value) and "prozess 99000000000001@1.0" in str(caught.value)
    assert not (tmp_path / "ws").exists()


def test_oversized_base64_is_refused_before_decoding(monkeypatch):
    def no_decoding(*args, **kwargs):
        raise AssertionError("base64 was decoded although the payload is over the limit")

    monkeypatch.setattr(xfiles.base64, "b64decode", no_decoding)
    message = message_with("QUFB" * 400_000)  # 1.6 M characters, about 1.2 MB decoded
    with pytest.raises(
        xprozess.PayloadTooLargeError, match=r"1,600,000 characters of base64.*over the limit of 1,000,000 bytes"
    ):
        xprozess.read_bytes(message, "huge.xml", xfiles.Limits(max_payload_bytes=1_000_000))


def test_payload_limit_default_is_checked_on_length():
    limit = xfiles.DEFAULT_LIMITS.max_payload_bytes
    with pytest.raises(xprozess.PayloadTooLargeError):
        xfiles.decode_inhalt("A" * (limit // 3 * 4 + 8), "here")


@pytest.mark.parametrize(
    "data, error, text",
    [
        (
            b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
            b'<x:alleInhalte.export.0303 xmlns:x="http://www.regierung-mv.de/xprozess/2">&e;</x:alleInhalte.export.0303>',
            xprozess.XProzessReadError,
            "DOCTYPE",
        ),
        (
            b'<?xml version="1.0"?><!--'
            + b"x" * 8192
            + b'--><!DOCTYPE x [<!ENTITY % p SYSTEM "file:///dev/zero"> %p;]>'
            b'<x:alleInhalte.export.0303 xmlns:x="http://www.regierung-mv.de/xprozess/2"/>',
            xprozess.XProzessReadError,
            "DOCTYPE",
        ),
        (b"<root/>", xprozess.XProzessReadError, "not in the XProzess 2.0 namespace"),
        (b"not xml at all", xprozess.XProzessReadError, "not well-formed XML"),
        (message_with("@@@not base64@@@"), xprozess.EmbeddedFileError, "not valid base64"),
        (message_with(base64.b64encode(b"PK\x03\x04broken").decode()), xprozess.EmbeddedFileError, "cannot be opened"),
    ],
)
def test_unreadable_messages_give_clear_errors(data, error, text):
    with pytest.raises(error, match=text):
        xprozess.read_bytes(data, "in.xml")


def test_deeply_nested_message_does_not_crash_the_reader():
    deep = "<xprozess:x>" * 1500 + "</xprozess:x>" * 1500
    data = message_with(b64_zip([("a.pdf", b"%PDF-1.4")])).replace(
        b"<xprozess:prozessmodell>",
        f"<xprozess:zustandsangaben>{deep}</xprozess:zustandsangaben><xprozess:prozessmodell>".encode(),
    )
    try:
        message = xprozess.read_bytes(data, "deep.xml")
    except xprozess.XProzessReadError as error:  # libxml2 may refuse the depth: also fine
        assert "deep.xml" in str(error)
    else:
        assert message.processes[0].id == "99000000000001"


def test_message_without_bpmn_is_not_imported(tmp_path):
    message = message_with(b64_zip([("bericht.pdf", b"%PDF-1.4 nur ein Bericht")]))
    with pytest.raises(
        xprozess.XProzessImportError, match=r"holds no readable BPMN 2.0 model \(embedded: Modell \(application/zip\)\)"
    ):
        xprozess.import_file(_write(tmp_path / "m.xml", message), tmp_path / "ws")
    assert not (tmp_path / "ws").exists()


def test_plain_bpmn_inhalt_and_hostile_dateiname_are_handled(tmp_path):
    model = small_model(PACKAGES[0])
    message = message_with(base64.b64encode(model).decode(), dateiname="../../Modell")
    [done] = xprozess.import_file(_write(tmp_path / "m.xml", message), tmp_path / "ws")
    assert done.bpmn_path.read_bytes() == model
    assert done.slug == "testprozess"
    assert done.manifest["version"] == "1.0.0"
    assert sorted(p.name for p in (tmp_path / "ws/processes").iterdir()) == ["testprozess.bpmn", "testprozess.json"]


def _write(path, data):
    path.write_bytes(data)
    return path


# --- command line -----------------------------------------------------------------------------


def test_cli_inspect_json(run_cli):
    result = run_cli("xprozess", "inspect", str(fim_message()), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {
        "message_type": "alleInhalte.export.0303",
        "uuid": "7a90138d-c30e-44b9-8058-fc48be05d8ec",
        "product": "ADONIS NP",
        "processes": [
            {
                "id": "99006028261000",
                "version": "01.00.00",
                "name": FIM_NAME,
                "bezeichnung": "Benachrichtigung über die Beschäftigung einer schwangeren oder stillenden Frau "
                "Entgegennahme",
                "detaillierungsstufe": "101",
                "status": "2",
                "releasing_body": "Bundesministerium für Familie, Senioren, Frauen und Jugend (BMFSFJ)",
                "regions": [{"kind": "bundesland", "code": f"{n:02d}"} for n in range(1, 17)],
                "zustandsangaben": {
                    "letzterAenderungszeitpunkt": "2022-04-04T16:00:00.000Z",
                    "letzterBearbeiter": "FIM-Baustein Prozesse",
                    "status": "2",
                    "anmerkungLetzteAenderung": 'Dokumentsteckbrief unter "Auslöser" im Prozesssteckbrief ergänzt.',
                    "gueltigkeitszeitraum.beginn": "2019-12-31T23:00:00.000Z",
                    "fachlicherFreigabezeitpunkt": "2021-08-13T12:00:00.000Z",
                    "formellerFreigabezeitpunkt": "2021-08-19T09:45:00.000Z",
                },
                "files": [
                    {"role": "model", "name": "BPMN DI-Export", "content_type": "application/zip", "size": 19369},
                    {
                        "role": "visualisation",
                        "name": "Modellgrafik",
                        "content_type": "application/zip",
                        "size": 545194,
                    },
                    {
                        "role": "description",
                        "name": "Standard Report",
                        "content_type": "application/zip",
                        "size": 631226,
                    },
                ],
            }
        ],
    }


def test_cli_inspect_table(run_cli):
    result = run_cli("xprozess", "inspect", str(fim_message()))
    assert result.exit_code == 0, result.output
    assert "Leistungsschlüssel   99006028261000" in result.stdout
    assert "Status               2 in Bearbeitung" in result.stdout
    assert "Freigebende Stelle   Bundesministerium für Familie, Senioren, Frauen und Jugend (BMFSFJ)" in result.stdout
    assert "Gilt für             bundesweit (alle 16 Länder)" in result.stdout
    # 2019-12-31T23:00:00.000Z is midnight of 1 January 2020 in Germany
    assert "Gültig ab            2020-01-01" in result.stdout
    assert "Formell freigegeben  2021-08-19" in result.stdout
    assert "BPMN DI-Export.xml" in result.stdout and "(BPMN-Modell)" in result.stdout


def test_cli_error_is_one_line(tmp_path, run_cli):
    path = _write(tmp_path / "evil.xml", message_with(b64_zip([("../evil.bpmn", b"<x/>")])))
    result = run_cli("xprozess", "inspect", str(path), "--json")
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"procex: error: {path}:")
    assert "'../evil.bpmn' climbs out of the folder" in lines[0]


def test_cli_export_then_import(tmp_path, run_cli):
    names = [str(write_package(tmp_path, m, small_model(m))) for m in PACKAGES]
    out = tmp_path / "export.xml"
    result = run_cli("xprozess", "export", *names, "-o", str(out), "--author", "Stadt Trier")
    assert result.exit_code == 0, result.output
    assert "not carried by XProzess: publisher, contact, license" in result.stderr
    result = run_cli("xprozess", "import", out, "--into", tmp_path / "ws", "--entry", "99050012104000")
    assert result.exit_code == 0, result.output
    assert "xprozess:99050012104000@02.00.11" in result.stdout
    assert sorted(p.name for p in (tmp_path / "ws/processes").iterdir()) == [
        "gewerbeanmeldung.bpmn",
        "gewerbeanmeldung.json",
    ]


def test_cli_export_without_author_says_what_to_do(tmp_path, monkeypatch, run_cli):
    monkeypatch.chdir(tmp_path)
    name = str(write_package(tmp_path, PACKAGES[0], small_model(PACKAGES[0])))
    result = run_cli("xprozess", "export", name, "-o", "x.xml")
    assert result.exit_code == 2
    assert "give --author or set municipality in procex.toml" in result.stderr
    (tmp_path / "procex.toml").write_text('municipality = "Stadt Koblenz"\n', encoding="utf-8")
    result = run_cli("xprozess", "export", name, "-o", "x.xml")
    assert result.exit_code == 0, result.output
    assert b"<xprozess:autor>Stadt Koblenz</xprozess:autor>" in (tmp_path / "x.xml").read_bytes()
