"""bpmn.validate: schema findings on the real corpus, reference checks, config, and `procex validate`."""

import json

import pytest

from procex.bpmn.errors import BpmnReadError
from procex.bpmn.rules import ConfigError, find_config, load_config, parse_config, resolve
from procex.bpmn.validate import validate_bytes, validate_file

from .conftest import SHARED, miwg_reference_files, miwg_roundtrip_files, need_shared
from .models import in_definitions

ROUNDTRIP = SHARED / "corpora/miwg/roundtrip"


def by_rule(report, rule, severity=None):
    return [f for f in report.findings if f.code == rule and (severity is None or f.severity == severity)]


# --- the corpus ---------------------------------------------------------------------------------


@pytest.mark.parametrize("path", miwg_reference_files(), ids=lambda p: p.name)
def test_miwg_reference_models_have_no_schema_or_reference_errors(path):
    report = validate_file(path, rules="none")
    assert [str(f) for f in report.findings if f.severity == "error"] == []
    assert report.ok


def test_there_are_21_reference_models():
    need_shared()
    assert len(miwg_reference_files()) == 21


# The 10 real exports that fail the OMG XSD, each with its cause: (file, elements, words of the
# message, number of xsd findings). Causes were found with lxml XMLSchema and read in the files.
INVALID = [
    ("adonis_17.0/C.8.1", ["Participant_04dpvds"], ["bpmn:Assignee", "extensionElements", "vendor"], 1),
    (
        "bic-cloud-design_6.2.0/C.1.1",
        [
            "UUID_5c317e37-2ae9-4b11-820f-9dcd0f981f58",
            "UUID_92daf871-d411-4980-8a9c-3d61aff69724",
            "UUID_9257be3f-b9a2-4af3-be9a-99608e696f1e",
        ],
        ["dataOutputAssociation", "bpmn:targetRef"],
        3,
    ),
    ("open-bpmn_1.2.8_2/B.1.0", ["BPMNEdge_bEFIoQ", "BPMNEdge_rqLA2g"], ["waypoint"], 2),
    ("open-bpmn_1.2.8_2/B.2.0", ["BPMNEdge_BiUdxQ", "BPMNEdge_aoU4sg"], ["waypoint"], 2),
    ("open-bpmn_1.2.8_2/C.4.0", ["BPMNEdge_C7cIIg"], ["waypoint"], 16),
    ("open-bpmn_1.2.8_2/C.5.0", ["BPMNEdge_mvcBPw"], ["waypoint"], 6),
    ("open-bpmn_1.2.8_2/C.6.0", ["BPMNPlane_a0PZ5A"], ["BPMNPlane", "exactly one plane"], 1),
    ("sap-signavio_19.9.0/B.1.0", ["Process_ba16239e-181e-4b9f-bc5b-0bb2ee973450"], ["duplicated", "unique"], 1),
    ("sap-signavio_19.9.0/B.2.0", ["Process_ba16239e-181e-4b9f-bc5b-0bb2ee973450"], ["duplicated", "unique"], 1),
    (
        "sap-signavio_19.9.0/C.8.1",
        [
            "_83f1c680-7e06-4a9a-9206-396ed8155a71",
            "_cedf6a3e-14a4-4a3e-9050-3bcdcaf5e5d4",
            "sid-99d98da9-8851-41f8-a0f2-8efde51e348c",
        ],
        ["inMessageRef"],
        7,
    ),
]


@pytest.mark.parametrize("name,elements,words,count", INVALID, ids=[i[0] for i in INVALID])
def test_xsd_invalid_exports_are_reported_with_their_cause(name, elements, words, count):
    need_shared()
    report = validate_file(ROUNDTRIP / f"{name}-roundtrip.bpmn", rules="none", lang="en")
    xsd = by_rule(report, "xsd", "error")
    assert len(xsd) == count, [str(f) for f in xsd]
    assert set(elements) <= {f.element for f in xsd}
    assert all(f.line for f in xsd)
    first = next(f for f in xsd if f.element == elements[0])
    for word in words:
        assert word in first.message, first.message
    assert not report.ok


def test_sap_duplicate_process_id_is_also_a_reference_error():
    need_shared()
    report = validate_file(ROUNDTRIP / "sap-signavio_19.9.0/B.1.0-roundtrip.bpmn", rules="none", lang="en")
    dup = by_rule(report, "reference", "error")
    assert [(f.element, f.line) for f in dup] == [("Process_ba16239e-181e-4b9f-bc5b-0bb2ee973450", 413)]
    assert "already used by global task on line 14" in dup[0].message


def test_exactly_those_ten_roundtrip_files_fail_the_schema():
    need_shared()
    failing = sorted(
        f"{p.parent.name}/{p.name.replace('-roundtrip.bpmn', '')}"
        for p in miwg_roundtrip_files()
        if by_rule(validate_file(p, rules="none"), "xsd")
    )
    assert failing == sorted(i[0] for i in INVALID)


# --- schema: the crash guard --------------------------------------------------------------------


def test_undeclared_xsi_type_prefix_is_a_finding_not_a_crash():
    data = in_definitions(
        '<process id="P"><startEvent id="S"/><endEvent id="E"/>'
        '<sequenceFlow id="F" sourceRef="S" targetRef="E">'
        '<conditionExpression xsi:type="foo:tFormalExpression">x</conditionExpression></sequenceFlow>'
        "</process>"
    )
    report = validate_bytes(data, "inline.bpmn", rules="none", lang="en")
    xsd = by_rule(report, "xsd")
    assert xsd and xsd[0].element == "F" and "not declared" in xsd[0].message and "foo:" in xsd[0].message
    assert xsd[0].line == 3


# --- references ---------------------------------------------------------------------------------


def ref_errors(body, severity="error", lang="en"):
    report = validate_bytes(in_definitions(body), "t.bpmn", rules="none", lang=lang)
    return [(f.element, f.message) for f in by_rule(report, "reference", severity)]


def test_dangling_source_ref():
    found = ref_errors(
        '<process id="P"><startEvent id="S"/><sequenceFlow id="F" sourceRef="S" targetRef="Gone"/></process>'
    )
    assert found[0][0] == "F" and "'Gone' names no element" in found[0][1]


def test_reference_of_the_wrong_kind():
    found = ref_errors(
        '<collaboration id="C"><participant id="Pool" name="Amt" processRef="T"/></collaboration>'
        '<process id="P"><task id="T" name="x"/></process>'
    )
    assert found[0][0] == "Pool" and "processRef names task 'x' (T)" in found[0][1]


def test_default_must_be_an_outgoing_flow():
    found = ref_errors(
        '<process id="P"><startEvent id="S"/><exclusiveGateway id="G" default="F1"/><task id="T" name="t"/>'
        '<sequenceFlow id="F1" sourceRef="S" targetRef="G"/><sequenceFlow id="F2" sourceRef="G" targetRef="T"/>'
        "</process>"
    )
    assert [e for e, _ in found] == ["G"] and "does not leave it" in found[0][1]


def test_sequence_flow_crossing_a_sub_process_boundary():
    found = ref_errors(
        '<process id="P"><startEvent id="S"/><subProcess id="Sub"><task id="Inner" name="i"/></subProcess>'
        '<sequenceFlow id="F" sourceRef="S" targetRef="Inner"/></process>'
    )
    assert [e for e, _ in found] == ["F"] and "cannot cross" in found[0][1]


def test_message_flow_inside_one_pool():
    found = ref_errors(
        '<collaboration id="C"><participant id="Pool" name="Amt" processRef="P"/>'
        '<messageFlow id="M" sourceRef="A" targetRef="B"/></collaboration>'
        '<process id="P"><task id="A" name="a"/><task id="B" name="b"/></process>'
    )
    assert [e for e, _ in found] == ["M"] and "both in pool 'Amt'" in found[0][1]


def test_duplicate_ids():
    found = ref_errors('<process id="P"><task id="T" name="a"/><task id="T" name="b"/></process>')
    assert found == [("T", found[0][1])] and "already used" in found[0][1]


def test_diagram_shapes_for_missing_elements_and_elements_without_shape():
    body = (
        '<process id="P"><task id="T" name="a"/><task id="Undrawn" name="b"/></process>'
        '<bpmndi:BPMNDiagram id="D"><bpmndi:BPMNPlane id="PL" bpmnElement="P">'
        '<bpmndi:BPMNShape id="T_di" bpmnElement="T"><dc:Bounds x="0" y="0" width="10" height="10"/></bpmndi:BPMNShape>'
        '<bpmndi:BPMNShape id="Ghost_di" bpmnElement="Ghost">'
        '<dc:Bounds x="0" y="0" width="10" height="10"/></bpmndi:BPMNShape>'
        "</bpmndi:BPMNPlane></bpmndi:BPMNDiagram>"
    )
    assert [e for e, _ in ref_errors(body)] == ["Ghost_di"]
    assert [e for e, _ in ref_errors(body, "warning")] == ["Undrawn"]


def test_called_element_external_is_info_local_must_be_a_process():
    external = ref_errors(
        '<process id="P"><callActivity id="CA" name="c" calledElement="other-file-process"/></process>', "info"
    )
    assert external and external[0][0] == "CA"
    local = ref_errors(
        '<process id="P"><task id="T" name="t"/><callActivity id="CA" name="c" calledElement="T"/></process>'
    )
    assert [e for e, _ in local] == ["CA"] and "a process or a global task" in local[0][1]


def test_unreadable_input_raises():
    with pytest.raises(BpmnReadError):
        validate_bytes(b"<not-bpmn/>", "x.bpmn")


# --- presets and configuration ------------------------------------------------------------------

UNLABELLED = (
    '<process id="P"><startEvent id="S" name="s"/><task id="T"/><endEvent id="E" name="e"/>'
    '<sequenceFlow id="F1" sourceRef="S" targetRef="T"/><sequenceFlow id="F2" sourceRef="T" targetRef="E"/></process>'
)


def test_presets_and_levels():
    assert resolve("none") == {}
    correctness = resolve("correctness")
    assert "link-event" in correctness and "label-required" not in correctness
    recommended = resolve("recommended")
    assert set(correctness) < set(recommended) and recommended["fake-join"] == "warn"
    assert set(recommended) < set(resolve("all"))
    config = parse_config({"label-required": "off", "no-inclusive-gateway": "error"})
    chosen = resolve("recommended", config)
    assert "label-required" not in chosen and chosen["no-inclusive-gateway"] == "error"


def test_config_severity_applies_to_findings():
    report = validate_bytes(in_definitions(UNLABELLED), rules="correctness", config={"label-required": "warn"})
    assert [(f.code, f.severity, f.element) for f in report.findings] == [("label-required", "warning", "T")]
    assert report.ok and report.warnings == 1
    assert validate_bytes(in_definitions(UNLABELLED), rules="none", config={"label-required": "error"}).findings == []


def test_unknown_rule_in_config_is_a_clear_error(tmp_path):
    path = tmp_path / "procex.toml"
    path.write_text('[lint]\nlable-required = "off"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"unknown rule 'lable-required'; did you mean 'label-required'"):
        load_config(path)
    path.write_text('[lint]\nlabel-required = "loud"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="use off, warn or error"):
        load_config(path)
    path.write_text("[lint\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(path)


def test_config_is_found_in_a_parent_folder(tmp_path):
    (tmp_path / "procex.toml").write_text('municipality = "Koblenz"\n[lint]\npreset = "all"\n', encoding="utf-8")
    (tmp_path / "processes").mkdir()
    assert find_config(tmp_path / "processes") == tmp_path / "procex.toml"
    assert load_config(tmp_path / "procex.toml").preset == "all"


# --- the command --------------------------------------------------------------------------------


@pytest.fixture
def files(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no procex.toml of the developer's checkout
    good = tmp_path / "good.bpmn"
    good.write_bytes(in_definitions(UNLABELLED.replace('<task id="T"/>', '<task id="T" name="t"/>')))
    bad = tmp_path / "bad.bpmn"
    bad.write_bytes(in_definitions(UNLABELLED.replace('targetRef="E"', 'targetRef="Nowhere"')))
    return good, bad


def test_cli_exit_codes_and_text(files, run_cli):
    good, bad = files
    ok = run_cli("validate", "--lang", "en", str(good))
    assert ok.exit_code == 0 and ok.stdout.strip() == "1 file checked: 0 errors, 0 warnings, 0 info"
    failed = run_cli("validate", "--lang", "en", str(good), str(bad))
    assert failed.exit_code == 1
    header, row, total = failed.stdout.strip().splitlines()
    assert header.split()[:6] == ["FILE", "LINE", "ELEMENT", "SEVERITY", "RULE", "MESSAGE"]
    assert row.split()[1:5] == ["3", "F2", "error", "reference"] and "'Nowhere' names no element" in row
    assert total == "2 files checked: 1 error, 0 warnings, 0 info (1 file with errors)"
    missing = run_cli("validate", "--lang", "en", str(good), "missing.bpmn")
    assert missing.exit_code == 2 and "missing.bpmn: no such file" in missing.stderr
    assert missing.stdout.strip().endswith("1 file checked: 0 errors, 0 warnings, 0 info; 1 file could not be read")
    assert run_cli("validate", "--rules", "bogus", str(good)).exit_code == 2


def test_cli_json_shape(files, run_cli):
    good, bad = files
    result = run_cli("validate", "--format", "json", "--rules", "recommended", str(bad))
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert list(data) == ["files"]
    entry = data["files"][0]
    assert list(entry) == ["path", "ok", "errors", "warnings", "findings"]
    assert entry["ok"] is False and entry["errors"] == sum(f["severity"] == "error" for f in entry["findings"])
    for finding in entry["findings"]:
        assert list(finding) == ["rule", "severity", "message", "line", "element"]
        assert finding["severity"] in ("error", "warning", "info")
    reference = [f for f in entry["findings"] if f["rule"] == "reference"]
    assert [(f["severity"], f["line"], f["element"]) for f in reference] == [("error", 3, "F2")]
    assert "Nowhere" in reference[0]["message"]


def test_cli_sarif(files, run_cli):
    good, bad = files
    result = run_cli("validate", "--format", "sarif", "--rules", "recommended", str(bad))
    assert result.exit_code == 1
    sarif = json.loads(result.stdout)
    assert sarif["version"] == "2.1.0" and sarif["$schema"].endswith("sarif-2.1.0.json")
    run_ = sarif["runs"][0]
    rules = run_["tool"]["driver"]["rules"]
    ids = [r["id"] for r in rules]
    assert ids[:2] == ["xsd", "reference"] and "label-required" in ids
    assert all(r["help"]["text"] and r["shortDescription"]["text"] for r in rules)
    result_ = next(r for r in run_["results"] if r["ruleId"] == "reference")
    assert ids[result_["ruleIndex"]] == "reference" and result_["level"] == "error"
    location = result_["locations"][0]
    assert location["physicalLocation"]["region"]["startLine"] == 3
    assert location["physicalLocation"]["artifactLocation"]["uri"].endswith("bad.bpmn")
    assert location["logicalLocations"][0]["name"] == "F2"


def test_cli_reads_procex_toml(files, tmp_path, run_cli):
    good, _ = files
    unlabelled = tmp_path / "unlabelled.bpmn"
    unlabelled.write_bytes(in_definitions(UNLABELLED))
    assert run_cli("validate", str(unlabelled)).exit_code == 0  # correctness: labels are not required
    (tmp_path / "procex.toml").write_text('[lint]\nlabel-required = "error"\n', encoding="utf-8")
    result = run_cli("validate", str(unlabelled))
    assert result.exit_code == 1 and "label-required" in result.stdout
    (tmp_path / "procex.toml").write_text('[lint]\nnot-a-rule = "error"\n', encoding="utf-8")
    result = run_cli("validate", str(unlabelled))
    assert result.exit_code == 2 and "unknown rule 'not-a-rule'" in result.stderr


# --- German (the default) and English -----------------------------------------------------------


def messages(body, rule, lang="de", rules="none"):
    return [
        (f.element, f.message)
        for f in by_rule(validate_bytes(in_definitions(body), "t.bpmn", rules=rules, lang=lang), rule)
    ]


def test_reference_error_in_german_by_default():
    body = '<process id="P"><startEvent id="S"/><sequenceFlow id="F" sourceRef="S" targetRef="Gone"/></process>'
    default = [
        (f.element, f.message)
        for f in by_rule(validate_bytes(in_definitions(body), "t.bpmn", rules="none"), "reference")
    ]
    assert (
        default
        == messages(body, "reference")
        == [
            (
                "F",
                "Sequenzfluss [F]: targetRef „Gone“ verweist auf kein Element dieser Datei; verbinden Sie den Fluss "
                "mit einem vorhandenen Element oder entfernen Sie ihn",
            )
        ]
    )
    assert messages(body, "reference", "en") == [
        (
            "F",
            "sequence flow (F): targetRef 'Gone' names no element in this file; connect the flow to an existing "
            "element or remove it",
        )
    ]


def test_german_reference_messages_name_kind_label_and_id():
    wrong_kind = messages(
        '<collaboration id="C"><participant id="Pool" name="Amt" processRef="T"/></collaboration>'
        '<process id="P"><task id="T" name="x"/></process>',
        "reference",
    )
    assert wrong_kind == [
        (
            "Pool",
            "Pool „Amt“ [Pool]: processRef verweist auf Aufgabe „x“ [T], muss aber auf Prozess "
            "verweisen; lassen Sie den Pool auf einen vorhandenen Prozess zeigen oder entfernen "
            "Sie das Attribut (ein Pool ohne Inhalt)",
        )
    ]
    duplicate = messages('<process id="P"><task id="T" name="a"/><manualTask id="T" name="b"/></process>', "reference")
    assert duplicate == [
        (
            "T",
            "Manuelle Aufgabe „b“ [T]: die Id „T“ ist schon vergeben (Zeile 3: Aufgabe); Ids "
            "müssen eindeutig sein: geben Sie einem der beiden Elemente eine andere Id",
        )
    ]


def test_xsd_finding_has_a_german_hint_and_quotes_the_schema_reason():
    body = '<process id="P"><extensionElements><task id="X"/></extensionElements></process>'
    [(element, text)] = messages(body, "xsd")
    assert element == "X"
    assert text.startswith("Aufgabe [X]: Unexpected child with tag 'bpmn:task'")  # xmlschema's own words
    assert text.endswith(
        "; extensionElements darf nur Elemente eines herstellereigenen Namensraums enthalten: "
        "verschieben Sie das Element in einen Hersteller-Namensraum oder entfernen Sie es "
        "(procex export --plain entfernt Erweiterungen)"
    )
    [(_, english)] = messages(body, "xsd", "en")
    assert "vendor's own namespace" in english


def test_xsd_crash_finding_in_german():
    data = in_definitions(
        '<process id="P"><startEvent id="S"/><endEvent id="E"/>'
        '<sequenceFlow id="F" sourceRef="S" targetRef="E">'
        '<conditionExpression xsi:type="foo:tFormalExpression">x</conditionExpression></sequenceFlow>'
        "</process>"
    )
    first = by_rule(validate_bytes(data, "inline.bpmn", rules="none"), "xsd")[0]
    assert first.element == "F" and first.message.startswith(
        "Sequenzfluss [F], Kindelement <bpmn:conditionExpression>: xsi:type=„foo:tFormalExpression“ verwendet ein "
        "Namensraum-Präfix, das nicht deklariert ist: deklarieren Sie das Präfix (xmlns:foo="
    )


def test_lint_messages_in_german():
    body = (
        '<process id="P" name="Gewerbeanmeldung"><startEvent id="S" name="Antrag eingegangen"/>'
        '<task id="T" name="Antrag prüfen"/><task id="U"/><exclusiveGateway id="G" name="Vollständig?"/>'
        '<endEvent id="E" name="erledigt"/>'
        '<sequenceFlow id="F1" sourceRef="S" targetRef="G"/><sequenceFlow id="F2" sourceRef="G" targetRef="T"/>'
        '<sequenceFlow id="F3" sourceRef="G" targetRef="U" name="nein"/>'
        '<sequenceFlow id="F4" sourceRef="U" targetRef="E"/>'
        "</process>"
    )
    assert messages(body, "no-implicit-end", rules="recommended") == [
        (
            "T",
            "Aufgabe „Antrag prüfen“ [T] hat keinen ausgehenden Sequenzfluss, der Weg endet dort stillschweigend: "
            "verbinden Sie das Element mit dem nächsten Schritt oder einem Endereignis",
        )
    ]
    assert messages(body, "label-required", rules="recommended") == [
        (
            "U",
            "Aufgabe [U] hat keine Beschriftung: geben Sie dem Element einen Namen, "
            "damit Lesende wissen, was geschieht",
        )
    ]
    assert messages(body, "conditional-flows", rules="recommended") == [
        (
            "F2",
            "Sequenzfluss [F2] (Quelle: exklusives Gateway „Vollständig?“ [G]) hat keine Bedingung: beschriften Sie "
            "ihn mit seiner Bedingung (z. B. „ja“, „nein“) oder machen Sie ihn zum Standardfluss",
        )
    ]
    assert messages(body, "no-bpmndi", rules="recommended")[0][1].startswith("Die Datei hat kein Diagramm")
    english = messages(body, "no-implicit-end", "en", rules="recommended")
    assert english == [
        (
            "T",
            "task 'Antrag prüfen' (T) has no outgoing sequence flow, so the path ends there "
            "silently; connect it to the next step or add an end event",
        )
    ]


def test_unknown_language_is_refused():
    with pytest.raises(ValueError, match="use de or en"):
        validate_bytes(in_definitions(UNLABELLED), lang="fr")


def test_cli_is_german_by_default(files, run_cli):
    good, bad = files
    ok = run_cli("validate", str(good))
    assert ok.exit_code == 0 and ok.stdout.strip() == "1 Datei geprüft: 0 Fehler, 0 Warnungen, 0 Hinweise"
    failed = run_cli("validate", str(good), str(bad))
    header, row, total = failed.stdout.strip().splitlines()
    assert header.split() == ["DATEI", "ZEILE", "ELEMENT", "SCHWERE", "REGEL", "MELDUNG"]
    assert row.split()[1:5] == ["3", "F2", "Fehler", "reference"]
    assert "Sequenzfluss [F2]: targetRef „Nowhere“ verweist auf kein Element dieser Datei" in row
    assert total == "2 Dateien geprüft: 1 Fehler, 0 Warnungen, 0 Hinweise (1 Datei mit Fehlern)"
    missing = run_cli("validate", str(good), "missing.bpmn")
    assert missing.stdout.strip().endswith("; 1 Datei nicht lesbar")


def test_cli_json_keys_stay_english_messages_follow_lang(files, run_cli):
    _, bad = files
    german = json.loads(run_cli("validate", "--format", "json", str(bad)).stdout)
    english = json.loads(run_cli("validate", "--format", "json", "--lang", "en", str(bad)).stdout)
    for data in (german, english):
        assert list(data["files"][0]["findings"][0]) == ["rule", "severity", "message", "line", "element"]
        assert data["files"][0]["findings"][0]["severity"] == "error"
    assert "verweist auf kein Element" in german["files"][0]["findings"][0]["message"]
    assert "names no element" in english["files"][0]["findings"][0]["message"]


def test_cli_sarif_follows_lang(files, run_cli):
    _, bad = files
    for lang, help_word, message_word in (
        ("de", "Abhilfe", "verweist auf kein Element"),
        ("en", "How to fix", "names no element"),
    ):
        args = ["--format", "sarif", "--rules", "recommended", str(bad)]
        sarif = json.loads(run_cli("validate", *(args if lang == "de" else ["--lang", "en", *args])).stdout)
        run_ = sarif["runs"][0]
        assert run_["language"] == lang
        rules = {r["id"]: r for r in run_["tool"]["driver"]["rules"]}
        assert help_word in rules["reference"]["help"]["text"] and help_word in rules["label-required"]["help"]["text"]
        assert message_word in next(r for r in run_["results"] if r["ruleId"] == "reference")["message"]["text"]
    assert rules["label-required"]["shortDescription"]["text"].startswith("Activities, events")


def test_progress_bar_on_a_terminal_only(tmp_path, run_cli):
    """Over a pseudo-terminal stderr shows a progress bar; stdout (the JSON) stays clean; without
    a terminal nothing is drawn."""
    import os
    import pty
    import subprocess
    import sys
    from pathlib import Path

    paths = []
    for i in range(5):
        path = tmp_path / f"m{i}.bpmn"
        path.write_bytes(in_definitions(UNLABELLED))
        paths.append(str(path))
    script = Path(sys.executable).with_name("procex")
    leader, follower = pty.openpty()
    try:  # a real child process: only a real terminal on stderr makes procex draw the bar
        done = subprocess.run(
            [str(script), "validate", "--format", "json", *paths],
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=follower,
            timeout=120,
        )
        os.close(follower)
        follower = None
        drawn = b""
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:
                break
            if not chunk:
                break
            drawn += chunk
    finally:
        if follower is not None:
            os.close(follower)
        os.close(leader)
    assert done.returncode == 0
    assert len(json.loads(done.stdout)["files"]) == 5
    assert "Prüfe Dateien".encode() in drawn and b"100%" in drawn
    quiet = run_cli("validate", "--format", "json", *paths)
    assert quiet.stderr == "" and len(json.loads(quiet.stdout)["files"]) == 5
