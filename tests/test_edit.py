"""The editing API keeps models consistent and XSD-valid."""

import pytest
from lxml import etree

from procex.bpmn import edit
from procex.bpmn.errors import EditError
from procex.bpmn.model import Model, read_model
from procex.schemas import BPMN_XSD
from tests.models import SMALL

SCHEMA = etree.XMLSchema(etree.parse(str(BPMN_XSD)))


@pytest.fixture
def model():
    m = Model.from_bytes(SMALL, "small.bpmn")
    assert SCHEMA.validate(m.tree), SCHEMA.error_log
    assert m.findings == []
    return m


def assert_consistent(model):
    reparsed = Model.from_bytes(model.to_bytes(), "edited")
    assert SCHEMA.validate(reparsed.tree), SCHEMA.error_log.last_error
    assert reparsed.findings == [], reparsed.findings
    return reparsed


def test_rename_and_attributes(model):
    edit.rename(model, "check", "Antrag prüfen")
    edit.set_attribute(model, "check", "{http://vendor.example/ext}color", "blue")
    edit.set_attribute(model, "check", "completionQuantity", 2)
    m = assert_consistent(model)
    assert m["check"].name == "Antrag prüfen"
    assert m["check"].attributes["{http://vendor.example/ext}color"] == "blue"
    assert m["check"].attributes["completionQuantity"] == "2"


def test_move_to_lane_draws_the_shape_in_the_new_lane(model):
    """As a modelling tool does: the shape moves into the lane's band, the flows follow it."""
    before = model.shapes_of("check")[0].bounds
    edit.move_to_lane(model, "check", "lane_b")
    m = assert_consistent(model)
    assert m["check"].lane.name == "Ordnungsamt"
    assert "check" not in m["lane_a"].flow_node_refs
    assert m["lane_b"].flow_node_refs == ["gw", "end", "check"]
    after, band = m.shapes_of("check")[0].bounds, m.shapes_of("lane_b")[0].bounds
    assert after.x == before.x and after.y != before.y  # same place along the flow, other lane
    assert band.contains(after)
    assert not m.shapes_of("lane_a")[0].bounds.overlaps(after)
    for flow in m.sequence_flows:
        points = m.edges_of(flow.id)[0].waypoints
        if flow.target.id == "check":
            assert points[-1] == (after.x, after.y + after.height / 2)
        if flow.source.id == "check":
            assert points[0] == (after.x + after.width, after.y + after.height / 2)


def test_move_to_lane_without_drawing_keeps_the_shape(model):
    before = model.shapes_of("check")[0].bounds
    edit.move_to_lane(model, "check", "lane_b", draw=False)
    m = assert_consistent(model)
    assert m["check"].lane.name == "Ordnungsamt" and m.shapes_of("check")[0].bounds == before


def test_remove_node_takes_flows_lanes_shapes_and_default(model):
    removed = edit.remove_element(model, "gw")
    assert set(removed) == {"gw", "f2", "f3"}
    m = assert_consistent(model)
    for gone in ("gw", "f2", "f3"):
        assert gone not in m and m.shapes_of(gone) == [] and m.edges_of(gone) == []
    assert m["lane_b"].flow_node_refs == ["end"]
    assert [c.text for c in m["check"].el if c.tag.endswith("outgoing")] == []
    assert [c.text for c in m["end"].el if c.tag.endswith("incoming")] == []


def test_remove_flow_clears_default(model):
    edit.remove_element(model, "f3")
    m = assert_consistent(model)
    assert m["gw"].default_flow is None and "default" not in m["gw"].attributes


def test_add_node_and_flow_with_di(model):
    new = edit.add_flow_node(model, "proc", "userTask", "Gebühr erheben", lane_id="lane_b")
    flow = edit.add_sequence_flow(model, "gw", new, name="ja", condition="${vollstaendig}")
    m = assert_consistent(model)
    assert m[new].type == "userTask" and m[new].lane.id == "lane_b"
    bounds = m.shapes_of(new)[0].bounds
    lane = m.shapes_of("lane_b")[0].bounds
    assert lane.contains(bounds)
    assert not any(bounds.overlaps(s.bounds) for n in ("gw", "end") for s in m.shapes_of(n))
    assert m[flow].source.id == "gw" and m[flow].target.id == new and m[flow].condition == "${vollstaendig}"
    assert m.edges_of(flow)[0].waypoints[0][0] == 350.0
    assert [c.text for c in m["gw"].el if c.tag.endswith("outgoing")] == ["f3", flow]
    assert m.graph("proc").has_edge("gw", new)


def test_change_type_and_timer_and_condition(model):
    edit.change_type(model, "check", "userTask")
    edit.change_type(model, "gw", "parallelGateway")
    m = assert_consistent(model)
    assert m["check"].type == "userTask" and m["gw"].type == "parallelGateway"
    assert "default" not in m["gw"].attributes
    with pytest.raises(EditError, match="cannot change"):
        edit.change_type(model, "check", "exclusiveGateway")


def test_reconnect(model):
    edit.reconnect(model, "f3", target_id="check")
    m = assert_consistent(model)
    assert m["f3"].target.id == "check"
    assert [c.text for c in m["check"].el if c.tag.endswith("incoming")] == ["f1", "f3"]
    assert [c.text for c in m["end"].el if c.tag.endswith("incoming")] == []


def test_move_into_subprocess(model):
    removed = edit.move_to_container(model, "check", "sub")
    assert sorted(removed) == ["f1", "f2"]
    m = assert_consistent(model)
    assert m["check"].container.id == "sub"


def test_regenerate_ids_keeps_references(model):
    mapping = edit.regenerate_ids(model)
    m = assert_consistent(model)
    assert "check" not in m and mapping["check"] in m
    assert m[mapping["f1"]].source.id == mapping["start"]
    assert m[mapping["lane_a"]].flow_node_refs == [mapping["start"], mapping["check"]]
    assert m.shapes_of(mapping["check"])


def test_errors_name_the_element(model):
    with pytest.raises(EditError, match="'nope'"):
        edit.rename(model, "nope", "x")
    inner = edit.add_flow_node(model, "sub", "task", "innen")
    with pytest.raises(EditError, match="same process or sub-process"):
        edit.add_sequence_flow(model, "start", inner)


def test_timer_on_real_model(shared):
    model = read_model(shared / "corpora/miwg/reference/B.2.0.bpmn")
    timer = next(
        e
        for e in model.of_kind("intermediateCatchEvent")
        if any(d.type == "timerEventDefinition" for d in e.event_definitions)
    )
    edit.set_timer(model, timer.id, "PT30M")
    m = assert_consistent(model)
    definition = m[timer.id].el.find("{http://www.omg.org/spec/BPMN/20100524/MODEL}timerEventDefinition")
    assert definition[-1].text == "PT30M"
