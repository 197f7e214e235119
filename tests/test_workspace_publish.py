"""What `procex publish` checks and builds before it uploads: the manifest's texts through the mapping
rules, warnings about the upstream town, the contact mailbox, the licence, personal data in the
contact and in extensions; and the token file in procex.toml. Offline: the library client is a stub."""

import json

import pytest

from procex.bpmn.model import Model
from procex.exchange.library.licenses import LicenseError, check_license
from procex.exchange.workspace import privacy, publishing
from procex.exchange.workspace.folder import Workspace, WorkspaceError
from procex.exchange.workspace.lock import LockEntry
from procex.exchange.workspace.publishing import (
    PublishRefused,
    build_manifest,
    publish_process,
    upstream_town_warnings,
)
from tests.models import SMALL

from .conftest import REPO

UPSTREAM = {
    "publisher": "trier",
    "slug": "hundesteuer-anmeldung",
    "version": "1.0.0",
    "name": "Hundesteuer Anmeldung (Trier)",
    "leistungsschluessel": ["99086001001000"],
    "description": "Anmeldung eines Hundes zur Hundesteuer bei der Stadt Trier; die Trierer Steuermarke folgt.",
    "keywords": ["Hund", "Hundesteuer", "Trier"],
    "region": {"ags": "07211000", "name": "Stadt Trier"},
    "contact": {"office": "Steueramt", "mailbox": "steueramt@trier.example"},
    "license": "dl-de/by-2-0",
    "legal_basis": ["Hundesteuersatzung der Stadt Trier", "§ 3 KAG"],
}
BONN_RULES = """
[[rule]]
name = "stadt-pool"
kind = "participant"
from = "Trier"
to = "Bonn"

[[rule]]
name = "stadt"
kind = "text"
from = "Stadt Trier"
to = "Stadt Bonn"
"""


class StubClient:
    def __init__(self):
        self.published = []

    def publish(self, manifest, data):
        self.published.append((manifest, data))
        return 201, manifest


def adaptation(tmp_path, mailbox="poststelle@bonn.de", rules=BONN_RULES, upstream=UPSTREAM, model=SMALL):
    """A Bonn workspace with processes/hundesteuer.bpmn imported from Trier (cache, lock, mapping)."""
    ws = Workspace.init(
        tmp_path / "bonn", "Stadt Bonn", "05314000", "http://127.0.0.1:9", mailbox=mailbox, office="Steueramt"
    )
    (ws.root / "mapping.toml").write_text(rules, "utf-8")
    sha = ws.cache_put(model, upstream)
    ws.process_path("hundesteuer").write_bytes(model)
    lock = ws.lock()
    lock.processes["hundesteuer"] = LockEntry(upstream="trier/hundesteuer-anmeldung@1.0.0", sha256=sha)
    ws.save_lock(lock)
    stub = StubClient()
    ws.client = lambda: stub
    return ws, stub


# --- 1. the upstream texts get the mapping; what still names Trier is warned about ----------------


def test_manifest_texts_pass_through_the_text_mapping_rules(tmp_path):
    ws, _ = adaptation(tmp_path)
    lock_entry = ws.lock().processes["hundesteuer"]
    changes = {}
    manifest = build_manifest(ws, "hundesteuer", SMALL, "1.0.0", lock_entry, changes)
    assert manifest["description"] == (
        "Anmeldung eines Hundes zur Hundesteuer bei der Stadt Bonn; die Trierer Steuermarke folgt."
    )
    assert manifest["legal_basis"] == ["Hundesteuersatzung der Stadt Bonn", "§ 3 KAG"]
    # only text rules apply to free text: the participant rule "Trier" -> "Bonn" leaves these alone
    assert manifest["name"] == "Hundesteuer Anmeldung (Trier)"
    assert manifest["keywords"] == ["Hund", "Hundesteuer", "Trier"]
    assert changes == {"description": ["stadt"], "legal_basis": ["stadt"]}
    warnings = upstream_town_warnings(manifest, UPSTREAM)
    assert warnings == [
        "manifest name still names Trier, the upstream publisher's town (Hundesteuer Anmeldung (Trier)); adapt "
        "it with the catalogue entry's title in catalogue.csv or a text rule in mapping.toml "
        '(kind = "text", from = "Trier")',
        "manifest description still names Trier, the upstream publisher's town (…teuer bei "
        "der Stadt Bonn; die Trierer Steuermarke folgt.); adapt it with a text rule in mapping.toml "
        '(kind = "text", from = "Trierer")',
        "manifest keywords still names Trier, the upstream publisher's town (Trier); adapt it with a text rule "
        'in mapping.toml (kind = "text", from = "Trier")',
    ]


def test_publish_uploads_the_mapped_manifest_and_reports_the_warnings(tmp_path):
    rules = BONN_RULES + '\n[[rule]]\nname = "trierer"\nkind = "text"\nfrom = "Trierer"\nto = "Bonner"\n'
    ws, stub = adaptation(tmp_path, rules=rules)
    said = []
    result = publish_process(ws, "hundesteuer", progress=said.append)
    manifest, _ = stub.published[0]
    assert manifest["description"] == (
        "Anmeldung eines Hundes zur Hundesteuer bei der Stadt Bonn; die Bonner Steuermarke folgt."
    )
    assert manifest["legal_basis"] == ["Hundesteuersatzung der Stadt Bonn", "§ 3 KAG"]
    assert manifest["contact"] == {"office": "Steueramt", "mailbox": "poststelle@bonn.de"}
    assert said[0] == "manifest description, legal_basis adapted by mapping rules stadt, trierer"
    assert [line.split(" (")[0] for line in said if line.startswith("warning:")] == [
        "warning: manifest name still names Trier, the upstream publisher's town",
        "warning: manifest keywords still names Trier, the upstream publisher's town",
    ]
    assert [w.split(" (")[0] for w in result.manifest_warnings] == [
        "manifest name still names Trier, the upstream publisher's town",
        "manifest keywords still names Trier, the upstream publisher's town",
    ]


def test_own_process_texts_are_not_mapped_and_own_town_is_no_warning(tmp_path):
    ws, _ = adaptation(tmp_path)
    manifest = build_manifest(ws, "hundesteuer", SMALL, "1.0.0", None)
    assert manifest["description"] == "" and "derived_from" not in manifest
    assert (
        upstream_town_warnings(
            {"region": {"name": "Stadt Trier"}, "description": "Stadt Trier"}, {"region": {"name": "Stadt Trier"}}
        )
        == []
    )


def test_koblenz_mapping_makes_the_gewerbeanmeldung_description_koblenz(tmp_path):
    koblenz_rules = (REPO / "exchange" / "examples" / "koblenz" / "mapping.toml").read_text("utf-8")
    upstream = dict(
        UPSTREAM,
        description="Anmeldung eines stehenden Gewerbes beim Ordnungsamt der Stadt Trier.",
        name="Gewerbeanmeldung",
        keywords=["Gewerbe"],
        legal_basis=["§ 14 GewO"],
    )
    ws, _ = adaptation(tmp_path, rules=koblenz_rules, upstream=upstream)
    manifest = build_manifest(ws, "hundesteuer", SMALL, "1.0.0", ws.lock().processes["hundesteuer"])
    assert manifest["description"] == "Anmeldung eines stehenden Gewerbes beim Ordnungsamt der Stadt Koblenz."
    assert upstream_town_warnings(manifest, upstream) == []


# --- 2. a placeholder mailbox is refused ------------------------------------------------------


@pytest.mark.parametrize(
    "mailbox, domain",
    [
        ("prozesse@bonn.example", "bonn.example"),
        ("x@stadt.invalid", "stadt.invalid"),
        ("x@bonn.test", "bonn.test"),
        ("prozesse@example.org", "example.org"),
        ("a@Example.COM", "example.com"),
        ("a@mail.example.net", "mail.example.net"),
    ],
)
def test_a_mailbox_on_a_reserved_example_domain_is_refused(tmp_path, mailbox, domain):
    ws, stub = adaptation(tmp_path, mailbox=mailbox)
    with pytest.raises(PublishRefused) as refused:
        publish_process(ws, "hundesteuer", allow_personal_data=True)
    message = str(refused.value)
    assert message == (
        f"the contact mailbox {mailbox} is a placeholder on the reserved example domain {domain}; "
        f"set the municipality's functional mailbox as [publish] mailbox in {ws.root / 'procex.toml'}"
    )
    assert stub.published == []


def test_the_default_mailbox_of_init_is_refused_and_a_real_one_passes(tmp_path):
    ws = Workspace.init(tmp_path / "k", "Stadt Koblenz", "07111000", "http://127.0.0.1:9")
    assert ws.config["publish"]["mailbox"] == "prozesse@koblenz.example"
    assert publishing.reserved_mail_domain("prozesse@koblenz.example") == "koblenz.example"
    for fine in ("gewerbe@koblenz.de", "a@examples.org", "a@example.de", "a@test.de"):
        assert publishing.reserved_mail_domain(fine) is None, fine


# --- 3. the contact is checked for personal data -------------------------------------------------


def test_a_persons_mailbox_in_procex_toml_is_refused(tmp_path):
    ws, stub = adaptation(tmp_path, mailbox="hans.meier@bonn.de")
    with pytest.raises(
        PublishRefused,
        match=r"personal data \(procex\.toml \[publish\] 'mailbox': a person's "
        r"e-mail address \(hans\.meier@bonn\.de\)\)",
    ):
        publish_process(ws, "hundesteuer")
    assert stub.published == []
    assert publish_process(ws, "hundesteuer", allow_personal_data=True).status == "created"


@pytest.mark.parametrize(
    "mailbox, personal",
    [
        ("hans.meier@bonn.de", True),
        ("h.meier@bonn.de", True),
        ("meier.h@bonn.de", True),
        ("klaus@bonn.de", True),
        ("anna-lena.schmidt@bonn.de", True),
        ("birte.janssen@bonn.de", True),
        ("poststelle@bonn.de", False),
        ("gewerbe@bonn.de", False),
        ("digitalisierung@bonn.de", False),
        ("ordnungsamt.gewerbe@bonn.de", False),
        ("it-service@bonn.de", False),
        ("amt32@bonn.de", False),
        ("e-government@bonn.de", False),
        ("rathaus.bonn@bonn.de", False),
        ("bau.ordnung@bonn.de", False),
    ],
)
def test_personal_mailbox(mailbox, personal):
    assert privacy.personal_mailbox(mailbox) is personal


def test_check_contact_names_the_office_and_mailbox_sources():
    found = privacy.check_contact(
        {"office": "Steueramt – Frau Krämer", "mailbox": "k.kraemer@bonn.de"}, "catalogue.csv office (99086001001000)"
    )
    assert [str(p) for p in found] == [
        "procex.toml [publish] 'mailbox': a person's e-mail address (k.kraemer@bonn.de)",
        "catalogue.csv office 'office': a person's name (Frau Krämer)",
    ]
    assert privacy.check_contact({"office": "Steueramt (Amt 20)", "mailbox": "steueramt@bonn.de"}) == []


# --- 4. names after cue words, and extensions -------------------------------------------------


@pytest.mark.parametrize(
    "text, name",
    [
        ("zuständig: Klaus Becker", "Klaus Becker"),
        ("Zuständig: Klaus Becker.", "Klaus Becker"),
        ("Ansprechpartnerin: Bärbel Janssen (Tel. intern)", "Bärbel Janssen"),  # first name not in the list
        ("Ansprechpartner: K. Becker", "K. Becker"),
        ("bearbeitet von Jutta Kramer", "Jutta Kramer"),
        ("Sachbearbeiterin ist Birte Hansen, Zimmer 12", "Birte Hansen"),
        ("Prozessverantwortliche: Dr. Sabine Vogt", "Dr. Sabine Vogt"),
        ("Rückfragen an Herrn Jung", "Herrn Jung"),
        ("Kontakt: Ordnungsamt Koblenz", None),
        ("Kontakt: Bürgerbüro Mitte", None),
        ("zuständig: Untere Bauaufsicht", None),
        ("zuständig: Stadt Koblenz", None),
        ("Zuständigkeit: Landkreis Mayen-Koblenz", None),
        ("Verantwortlich: Fachbereich Bauen", None),
        ("Kontakt: Zentrale Vergabestelle.", None),
        ("Sachbearbeiter Gewerbe Koblenz prüft", None),
        ("Kontakt aufnehmen mit dem Antragsteller", None),
        ("zuständige Stelle prüft die Unterlagen", None),
    ],
)
def test_person_names_after_cue_words(text, name):
    assert privacy.person_name(text) == name


def with_task(extra_attributes="", inside=""):
    return SMALL.replace(
        b'<bpmn:task id="check" name="Antrag pruefen" vendor:color="red">',
        (
            '<bpmn:task id="check" name="Antrag pruefen" vendor:color="red" '
            'xmlns:camunda="http://camunda.org/schema/1.0/bpmn" ' + extra_attributes + ">" + inside
        ).encode("utf-8"),
    )


def test_documentation_and_extensions_are_scanned():
    xml = with_task(
        'camunda:assignee="k.becker" camunda:candidateUsers="${approver},anna.schmidt" '
        'camunda:candidateGroups="sachbearbeitung"',
        "<bpmn:documentation>zuständig: Klaus Becker.</bpmn:documentation>"
        "<bpmn:extensionElements><camunda:properties>"
        '<camunda:property name="Rückruf" value="0261 129-4711"/>'
        '<camunda:property name="Vertretung" value="m.mueller@koblenz.de"/>'
        '<camunda:property name="Stelle" value="gewerbe@koblenz.de"/>'
        "</camunda:properties><vendor:note>Viele Grüße, Thomas Weber</vendor:note></bpmn:extensionElements>",
    )
    found = [
        (p.element, p.element_type, p.what, p.text) for p in privacy.find_personal_data(Model.from_bytes(xml, "p"))
    ]
    assert found == [
        ("check", "task (extension assignee)", "a user name", "k.becker"),
        ("check", "task (extension candidateUsers)", "a user name", "anna.schmidt"),
        ("check", "task", "a person's name", "Klaus Becker"),
        ("check", "task (extension property value)", "phone number", "0261 129-4711"),
        ("check", "task (extension property value)", "e-mail address", "m.mueller@koblenz.de"),
        ("check", "task (extension note)", "a person's name", "Thomas Weber"),
    ]


def test_engine_settings_that_name_no_person_pass():
    xml = with_task(
        'camunda:assignee="${initiator}" camunda:candidateUsers="demo" camunda:asyncBefore="true"',
        '<bpmn:extensionElements><camunda:inputOutput><camunda:inputParameter name="frist">P14D'
        "</camunda:inputParameter></camunda:inputOutput></bpmn:extensionElements>",
    )
    assert privacy.find_personal_data(Model.from_bytes(xml, "p")) == []


def test_the_example_processes_pass_the_personal_data_check():
    files = sorted((REPO / "exchange" / "examples").glob("trier*/*.bpmn"))
    assert len(files) >= 8
    for path in files:
        assert privacy.find_personal_data(Model.from_bytes(path.read_bytes(), str(path))) == [], path.name


def test_a_real_fim_model_carries_its_editors_in_the_adonis_extension(shared):
    """The FIM Stammprozess's standard texts are clean; its ADONIS change history names editors."""
    path = shared / "corpora" / "fim" / "99006028261000_BPMN_DI-Export.bpmn"
    found = privacy.find_personal_data(Model.from_bytes(path.read_bytes(), str(path)))
    assert all(p.element_type.startswith("collaboration (extension attribute") for p in found)
    assert sorted({(p.what, p.text) for p in found}) == [
        ("a person's name", "Barbara Conrad"),
        ("e-mail address", "fim01@mvnet.de"),
        ("e-mail address", "zenbred04@bmi.bund.de"),
    ]
    assert len(found) == 7


# --- 5. the token file may start with ~ ---------------------------------------------------------


def test_token_file_with_a_tilde_is_read_from_home(tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("PROCEX_TOKEN", raising=False)
    ws = Workspace.init(tmp_path / "ws", "Stadt Bonn", "05314000", token_file="~/x.token")
    (home / "x.token").write_text("pxl_secret\n")
    assert Workspace.open(ws.root).token() == "pxl_secret"
    (home / "x.token").unlink()
    with pytest.raises(WorkspaceError) as missing:
        Workspace.open(ws.root).token()
    assert f"cannot read the token file {home / 'x.token'} named in procex.toml" in str(missing.value)
    (ws.root / "relative.token").write_text("pxl_relative")
    ws.config["library"]["token_file"] = "relative.token"
    assert ws.token() == "pxl_relative"


# --- 6. licences ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "given, canonical",
    [
        ("dl-de/by-2-0", "dl-de/by-2-0"),
        ("DL-DE/BY-2-0", "dl-de/by-2-0"),
        ("DL-DE-BY-2.0", "dl-de/by-2-0"),
        ("dl-de/zero-2-0", "dl-de/zero-2-0"),
        ("cc-by-4.0", "CC-BY-4.0"),
        ("CC0-1.0", "CC0-1.0"),
        (" CC-BY-SA-4.0 ", "CC-BY-SA-4.0"),
        ("eupl-1.2", "EUPL-1.2"),
    ],
)
def test_accepted_licences_in_canonical_spelling(given, canonical):
    assert check_license(given) == canonical


@pytest.mark.parametrize("given", ["whatever", "MIT", "CC-BY-ND-4.0", "CC-BY-NC-4.0", "", None])
def test_other_licences_are_refused_with_the_list(given):
    with pytest.raises(LicenseError) as refused:
        check_license(given, "--license")
    assert str(refused.value).endswith(
        "is not an accepted licence for shared process models; use one of "
        "dl-de/by-2-0, dl-de/zero-2-0, CC-BY-4.0, CC-BY-SA-4.0, CC0-1.0, EUPL-1.2"
    )


def test_publish_checks_the_licence_in_procex_toml(tmp_path):
    ws, stub = adaptation(tmp_path)
    ws.config["publish"]["license"] = "whatever"
    with pytest.raises(
        PublishRefused,
        match=r"procex\.toml \[publish\] license: 'whatever' is not an accepted "
        r"licence .* use one of dl-de/by-2-0, ",
    ):
        publish_process(ws, "hundesteuer")
    assert stub.published == []
    ws.config["publish"]["license"] = "cc-by-4.0"
    publish_process(ws, "hundesteuer")
    assert stub.published[0][0]["license"] == "CC-BY-4.0"
    with pytest.raises(LicenseError, match="'MIT' is not an accepted licence"):
        Workspace.init(tmp_path / "other", "Stadt Bonn", "05314000", license="MIT")
    assert json.loads((ws.root / "procex.lock").read_text())["processes"]["hundesteuer"]["published"]
