"""procex validate: an unreadable file in the JSON and SARIF reports, findings that name the flow
element an event definition belongs to, and one xsd finding per refused value."""

import json

import pytest

from procex.bpmn.validate import validate_bytes

from .models import in_definitions

# --- a file that cannot be read -------------------------------------------------------------------

GOOD = (
    '<process id="P"><startEvent id="S" name="s"/><task id="T" name="t"/><endEvent id="E" name="e"/>'
    '<sequenceFlow id="F1" sourceRef="S" targetRef="T"/><sequenceFlow id="F2" sourceRef="T" targetRef="E"/>'
    "</process>"
)


@pytest.fixture
def good_and_broken(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no procex.toml of the developer's checkout; relative paths
    (tmp_path / "A.1.0.bpmn").write_bytes(in_definitions(GOOD))
    (tmp_path / "bad1.bpmn").write_text("<definitions>\n  <task>\n</definitions>\n", encoding="utf-8")
    return "bad1.bpmn", "A.1.0.bpmn"


READ_MESSAGE = "not well-formed XML: Opening and ending tag mismatch: task line 2 and definitions"


def test_json_lists_the_unreadable_file_as_not_ok(good_and_broken, run_cli):
    result = run_cli("validate", "--format", "json", *good_and_broken)
    assert result.exit_code == 2
    files = json.loads(result.stdout)["files"]
    assert [(f["path"], f["ok"], f["errors"], f["warnings"]) for f in files] == [
        ("A.1.0.bpmn", True, 0, 0),
        ("bad1.bpmn", False, 1, 0),
    ]
    assert files[1]["findings"] == [
        {"rule": "not-readable", "severity": "error", "message": READ_MESSAGE, "line": 3, "column": 15, "element": None}
    ]
    assert result.stderr == f"procex: error: bad1.bpmn:3:15: {READ_MESSAGE}\n"  # stderr as before


def test_json_entry_of_a_missing_file_has_no_position(good_and_broken, run_cli):
    result = run_cli("validate", "--format", "json", "fehlt.bpmn")
    assert result.exit_code == 2
    assert json.loads(result.stdout)["files"][0]["findings"] == [
        {
            "rule": "not-readable",
            "severity": "error",
            "message": "no such file; check the path",
            "line": None,
            "column": None,
            "element": None,
        }
    ]


def test_sarif_has_a_result_and_a_failed_invocation(good_and_broken, run_cli):
    result = run_cli("validate", "--format", "sarif", "--lang", "en", *good_and_broken)
    assert result.exit_code == 2
    run_ = json.loads(result.stdout)["runs"][0]
    rules = [rule["id"] for rule in run_["tool"]["driver"]["rules"]]
    assert rules[-1] == "not-readable"
    read_rule = run_["tool"]["driver"]["rules"][-1]
    assert (
        read_rule["defaultConfiguration"]["level"] == "error"
        and read_rule["shortDescription"]["text"] == "File not readable"
    )
    assert [a["location"]["uri"] for a in run_["artifacts"]] == ["A.1.0.bpmn", "bad1.bpmn"]
    location = {
        "physicalLocation": {
            "artifactLocation": {"uri": "bad1.bpmn", "index": 1},
            "region": {"startLine": 3, "startColumn": 15},
        }
    }
    assert run_["results"] == [
        {
            "ruleId": "not-readable",
            "ruleIndex": len(rules) - 1,
            "level": "error",
            "message": {"text": READ_MESSAGE},
            "locations": [location],
        }
    ]
    assert run_["invocations"] == [
        {
            "executionSuccessful": False,
            "exitCode": 2,
            "toolExecutionNotifications": [
                {
                    "level": "error",
                    "message": {"text": f"bad1.bpmn:3:15: {READ_MESSAGE}"},
                    "locations": [location],
                    "associatedRule": {"id": "not-readable", "index": len(rules) - 1},
                }
            ],
        }
    ]


def test_sarif_invocation_of_readable_files(good_and_broken, run_cli):
    run_ = json.loads(run_cli("validate", "--format", "sarif", good_and_broken[1]).stdout)["runs"][0]
    assert run_["invocations"] == [{"executionSuccessful": True, "exitCode": 0}]
    assert "not-readable" not in [rule["id"] for rule in run_["tool"]["driver"]["rules"]]


def test_text_keeps_its_one_line(good_and_broken, run_cli):
    result = run_cli("validate", "--lang", "en", *good_and_broken)
    assert result.exit_code == 2
    assert result.stderr == f"procex: error: bad1.bpmn:3:15: {READ_MESSAGE}\n"
    assert result.stdout == "1 file checked: 0 errors, 0 warnings, 0 info; 1 file could not be read\n"


# --- findings name the flow element that carries an event definition ------------------------------

EVENTS = """<error id="Err1" name="Prüfung fehlgeschlagen"/>
<process id="P">
  <startEvent id="S" name="Antrag da"/>
  <task id="T" name="Antrag prüfen">
    <dataInputAssociation id="DIA"><sourceRef>Nowhere</sourceRef><targetRef>T</targetRef></dataInputAssociation>
  </task>
  <boundaryEvent id="B" name="Prüfung gescheitert" attachedToRef="T">
    <errorEventDefinition id="B_def" errorRef="Err9"/>
  </boundaryEvent>
  <endEvent id="E" name="erledigt"><errorEventDefinition errorRef="Err8"/></endEvent>
  <endEvent id="E2" name="abgelehnt"><errorEventDefinition id="E2_def" errorRef="Err1" bogus="1"/></endEvent>
  <sequenceFlow id="F1" sourceRef="S" targetRef="T"/>
  <sequenceFlow id="F2" sourceRef="T" targetRef="E"/>
</process>"""


def findings(body, rule, lang):
    report = validate_bytes(in_definitions(body), "m.bpmn", rules="none", lang=lang)
    return [(f.line, f.element, f.message) for f in report.findings if f.code == rule]


def test_reference_findings_name_the_event_that_carries_the_definition():
    assert findings(EVENTS, "reference", "en") == [
        (
            7,
            "DIA",
            "data input association (DIA) in task 'Antrag prüfen' (T): sourceRef 'Nowhere' names no "
            "element in this file; connect the flow to an existing element or remove it",
        ),
        (
            10,
            "B_def",
            "error event definition (B_def) in boundary event 'Prüfung gescheitert' (B): errorRef "
            "'Err9' names no element in this file; point it to an existing element or remove it",
        ),
        (
            12,
            "E",
            "error event definition in end event 'erledigt' (E): errorRef 'Err8' names no element in "
            "this file; point it to an existing element or remove it",
        ),
    ]
    assert [message for _, _, message in findings(EVENTS, "reference", "de")] == [
        "Aufgabe „Antrag prüfen“ [T], Dateneingabe-Assoziation [DIA]: sourceRef „Nowhere“ verweist auf kein "
        "Element dieser Datei; verbinden Sie den Fluss mit einem vorhandenen Element oder entfernen Sie ihn",
        "Angeheftetes Ereignis „Prüfung gescheitert“ [B], Ereignisdefinition (Fehler) [B_def]: errorRef „Err9“ "
        "verweist auf kein Element dieser Datei; lassen Sie den Verweis auf ein vorhandenes Element zeigen "
        "oder entfernen Sie ihn",
        "Endereignis „erledigt“ [E], Ereignisdefinition (Fehler): errorRef „Err8“ verweist auf kein Element "
        "dieser Datei; lassen Sie den Verweis auf ein vorhandenes Element zeigen oder entfernen Sie ihn",
    ]


def test_xsd_findings_name_the_event_that_carries_the_definition():
    ((line, element, message),) = findings(EVENTS, "xsd", "en")
    assert (line, element) == (13, "E2_def")
    assert message.startswith("error event definition (E2_def) in end event 'abgelehnt' (E2): ")
    assert "bogus" in message
    ((_, _, message),) = findings(EVENTS, "xsd", "de")
    assert message.startswith("Endereignis „abgelehnt“ [E2], Ereignisdefinition (Fehler) [E2_def]: ")


def test_elements_with_a_label_still_name_themselves():
    body = (
        '<process id="P"><laneSet id="LS"><lane id="L" name="Amt"><flowNodeRef>Bogus</flowNodeRef></lane>'
        "</laneSet></process>"
    )
    assert [message for _, _, message in findings(body, "reference", "en")] == [
        "lane 'Amt' (L): flowNodeRef 'Bogus' names no element in this file; remove the entry from the lane"
    ]


# --- one xsd finding per refused value ----------------------------------------------------------

BOUNDS = """<process id="P"><task id="T" name="Antrag prüfen" completionQuantity="eins"/></process>
<bpmndi:BPMNDiagram id="D"><bpmndi:BPMNPlane id="PL" bpmnElement="P">
  <bpmndi:BPMNShape id="T_di" bpmnElement="T"><dc:Bounds x="abc" y="10" width="x" height="80"/></bpmndi:BPMNShape>
</bpmndi:BPMNPlane></bpmndi:BPMNDiagram>"""


def test_a_refused_number_is_one_xsd_finding_per_attribute():
    from procex.bpmn.validate import xmlschema_schema
    from procex.bpmn.xml import parse_bytes

    raw = [
        e.reason for e in xmlschema_schema().iter_errors(parse_bytes(in_definitions(BOUNDS)), use_location_hints=False)
    ]
    assert len(raw) == 5  # xmlschema: x and width each as a pattern mismatch and as a failed conversion
    found = findings(BOUNDS, "xsd", "en")
    assert found == [
        (
            3,
            "T",
            "task 'Antrag prüfen' (T): attribute completionQuantity='eins': invalid literal for int() with "
            "base 10: 'eins'; correct it so that the file matches the BPMN 2.0 schema",
        ),
        (
            5,
            "T_di",
            "<dc:Bounds> in shape (T_di): attribute x='abc': could not convert string to float: 'abc'; "
            "correct it so that the file matches the BPMN 2.0 schema",
        ),
        (
            5,
            "T_di",
            "<dc:Bounds> in shape (T_di): attribute width='x': could not convert string to float: 'x'; "
            "correct it so that the file matches the BPMN 2.0 schema",
        ),
    ]
