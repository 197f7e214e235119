"""The model view against counts established by hand (grep over the files) for three MIWG models."""

import json


def inspect_json(run_cli, path):
    result = run_cli("inspect", path, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_a10_counts(shared, run_cli):
    data = inspect_json(run_cli, shared / "corpora/miwg/reference/A.1.0.bpmn")
    counts = data["counts"]
    assert (counts["task"], counts["startEvent"], counts["endEvent"], counts["sequenceFlow"]) == (3, 1, 1, 4)
    assert (counts["BPMNShape"], counts["BPMNEdge"]) == (5, 4)
    assert data["flow_nodes"] == 5
    assert [p["id"] for p in data["processes"]] == ["WFP-6-"]
    assert data["processes"][0]["is_executable"] is False  # isExecutable="false": a JSON boolean
    assert data["processes"][0]["sequence_flows"] == 4
    assert data["pools"] == [] and data["lanes"] == []
    assert data["diagrams"][0]["shapes"] == 5 and data["diagrams"][0]["edges"] == 4
    assert data["vendor_namespaces"] == {}
    assert data["findings"] == []


def test_a40_counts_lanes_and_pools(shared, run_cli):
    data = inspect_json(run_cli, shared / "corpora/miwg/reference/A.4.0.bpmn")
    counts = data["counts"]
    assert (counts["task"], counts["startEvent"], counts["endEvent"], counts["subProcess"]) == (6, 4, 5, 2)
    assert (counts["sequenceFlow"], counts["messageFlow"], counts["lane"], counts["participant"]) == (13, 2, 2, 1)
    assert data["flow_nodes"] == 17
    assert len(data["processes"]) == 2
    assert [(lane["name"], len(lane["members"])) for lane in data["lanes"]] == [("Lane 1", 5), ("Lane 2", 2)]
    assert data["pools"][0]["name"] == "Pool"
    assert (data["diagrams"][0]["shapes"], data["diagrams"][0]["edges"]) == (20, 15)


def test_b20_counts_latin1_and_event_definitions(shared, run_cli):
    from procex.bpmn.model import read_model

    path = shared / "corpora/miwg/reference/B.2.0.bpmn"
    data = inspect_json(run_cli, path)
    counts = data["counts"]
    expected = {
        "task": 22,
        "userTask": 5,
        "serviceTask": 4,
        "sendTask": 1,
        "receiveTask": 1,
        "startEvent": 9,
        "endEvent": 14,
        "intermediateCatchEvent": 6,
        "intermediateThrowEvent": 5,
        "boundaryEvent": 11,
        "exclusiveGateway": 2,
        "parallelGateway": 3,
        "inclusiveGateway": 2,
        "eventBasedGateway": 1,
        "subProcess": 5,
        "callActivity": 3,
        "sequenceFlow": 85,
        "messageFlow": 2,
        "lane": 2,
        "participant": 2,
        "process": 4,
        "dataObject": 1,
        "dataObjectReference": 1,
        "dataStoreReference": 1,
        "dataStore": 1,
        "textAnnotation": 1,
        "association": 1,
        "group": 1,
        "BPMNShape": 99,
        "BPMNEdge": 87,
        "timerEventDefinition": 4,
        "messageEventDefinition": 8,
        "signalEventDefinition": 7,
        "escalationEventDefinition": 4,
        "conditionalEventDefinition": 4,
    }
    assert {k: counts.get(k, 0) for k in expected} == expected
    assert data["flow_nodes"] == 94
    model = read_model(path)
    assert model.tree.docinfo.encoding.upper() == "ISO-8859-1"
    boundary = model.of_kind("boundaryEvent")
    assert all(b.attached_to is not None for b in boundary)
    graph = model.graph()
    assert graph.number_of_edges() == 85


def test_inspect_is_executable_is_a_boolean_or_null(tmp_path, run_cli):
    xml = b"""<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="t">
      <collaboration id="c"><participant id="pool" name="Stadt Trier" processRef="yes"/></collaboration>
      <process id="yes" name="Gewerbe anmelden" isExecutable=" true "/><process id="one" isExecutable="1"/>
      <process id="no" isExecutable="false"/><process id="zero" isExecutable="0"/>
      <process id="absent"/><process id="wrong" isExecutable="ja"/></definitions>"""
    path = tmp_path / "exec.bpmn"
    path.write_bytes(xml)
    data = inspect_json(run_cli, path)
    assert [(p["id"], p["is_executable"]) for p in data["processes"]] == [
        ("yes", True),
        ("one", True),
        ("no", False),
        ("zero", False),
        ("absent", None),
        ("wrong", None),
    ]
    text = run_cli(*["inspect", str(path)]).output.splitlines()
    assert '  process yes "Gewerbe anmelden" in pool pool: 0 flow nodes, 0 sequence flows' in text
    assert "  process absent: 0 flow nodes, 0 sequence flows" in text  # no name, no pool: no stray " :"


def test_graph_ignores_incoming_outgoing_children():
    from procex.bpmn.model import Model

    xml = b"""<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="t">
      <process id="p"><startEvent id="s"><outgoing>wrong</outgoing></startEvent><task id="t"/>
      <sequenceFlow id="f" sourceRef="s" targetRef="t"/></process></definitions>"""
    model = Model.from_bytes(xml, "inline.bpmn")
    assert list(model.graph("p").edges(data="id")) == [("s", "t", "f")]
    assert model.get("t").incoming[0].id == "f"


def test_tolerant_import_reports_findings():
    from procex.bpmn.model import Model

    xml = b"""<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="t">
      <process id="p"><task id="a"/><task id="a"/><bogus id="x"/>
      <sequenceFlow id="f" sourceRef="a" targetRef="nowhere"/>
      <laneSet><lane id="l"><flowNodeRef>ghost</flowNodeRef></lane></laneSet></process></definitions>"""
    model = Model.from_bytes(xml, "bad.bpmn")
    codes = sorted((f.code, f.element) for f in model.findings)
    assert codes == [
        ("duplicate-id", "a"),
        ("unknown-element", "x"),
        ("unresolved-reference", "f"),
        ("unresolved-reference", "l"),
    ]
    assert all(f.line for f in model.findings)
    # nothing is dropped: both tasks and the unknown element are still written back
    assert model.to_bytes().count(b"<task") == 2 and b"<bogus" in model.to_bytes()


def test_vendor_namespaces_reported(shared, run_cli):
    data = inspect_json(run_cli, shared / "corpora/miwg/roundtrip/sap-signavio_19.9.0/B.2.0-roundtrip.bpmn")
    assert "http://www.signavio.com" in data["vendor_namespaces"]
    assert any(f["code"] == "duplicate-id" for f in data["findings"])


def test_cli_errors_are_one_line(tmp_path, run_cli):
    bad = tmp_path / "bad.bpmn"
    bad.write_text("<definitions")
    result = run_cli("inspect", bad, separate=True)  # a real process: no traceback may reach stderr
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert f"{bad}:1:" in result.stderr


def test_export_plain_writes_atomically(tmp_path, shared, run_cli):
    out = tmp_path / "out.bpmn"
    result = run_cli(
        "export", shared / "corpora/miwg/roundtrip/sap-signavio_19.9.0/B.2.0-roundtrip.bpmn", "-o", out, "--plain"
    )
    assert result.exit_code == 0, result.output
    assert b"xmlns:signavio" not in out.read_bytes() and b"<signavio:" not in out.read_bytes()
    assert [p.name for p in tmp_path.iterdir()] == ["out.bpmn"]


def test_ids_of_diagram_bounds_and_waypoints_stay_in_document_order():
    """The index only counts Bounds and waypoints, unless one of them has an id: then it is listed
    with the others, in document order, and the element count includes every OMG element."""
    from procex.bpmn.model import Model

    xml = (
        b'<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" '
        b'xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" '
        b'xmlns:di="http://www.omg.org/spec/DD/20100524/DI" id="d"><process id="p"><task id="t"/></process>'
        b'<bpmndi:BPMNDiagram id="D"><bpmndi:BPMNPlane id="P" bpmnElement="p">'
        b'<bpmndi:BPMNShape id="S" bpmnElement="t"><dc:Bounds {bounds_id} x="1" y="2" width="3" height="4"/>'
        b'</bpmndi:BPMNShape><bpmndi:BPMNEdge id="E"><di:waypoint x="1" y="2"/><di:waypoint x="3" y="4"/>'
        b'</bpmndi:BPMNEdge></bpmndi:BPMNPlane></bpmndi:BPMNDiagram><message id="m"/></definitions>'
    )
    plain = Model.from_bytes(xml.replace(b"{bounds_id}", b""), "plain")
    assert plain.ids == ["d", "p", "t", "D", "P", "S", "E", "m"]
    assert plain._index[3] == 11  # every OMG element counted, Bounds and waypoints too
    with_id = Model.from_bytes(xml.replace(b"{bounds_id}", b'id="B"'), "with-id")
    assert with_id.ids == ["d", "p", "t", "D", "P", "S", "B", "E", "m"]
    assert with_id._index[3] == 11 and with_id.element("B").tag.endswith("}Bounds")
