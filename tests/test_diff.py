"""The adaptation diff: each kind of edit, applied with bpmn.edit, gives exactly the expected changes."""

import json

import pytest

from procex.bpmn import edit
from procex.bpmn.diff import KINDS, diff_models
from procex.bpmn.model import Model, read_model
from tests.conftest import REPO
from tests.models import MODEL

V = "{http://vendor.example/ext}"


@pytest.fixture
def old():
    return Model.from_bytes(MODEL.encode(), "alt.bpmn")


@pytest.fixture
def new(old):
    return old.copy()


def semantic(diff):
    """(kind, element_type, old_id, new_id, details) of every semantic change."""
    return [(c.kind, c.element_type, c.old_id, c.new_id, c.details) for c in diff.semantic_changes]


def detail(prop, old, new):
    return [{"property": prop, "old": old, "new": new}]


def test_identical_models_have_no_changes_and_every_element_is_paired_by_id(old, new):
    d = diff_models(old, new)
    assert d.changes == []
    assert d.summary == dict.fromkeys(KINDS, 0)
    # 1 pool, 1 process, 2 lanes, 10 flow nodes, 7 sequence flows
    assert len(d.matching.pairs) == 21
    assert {p.how for p in d.matching.pairs} == {"id"} and {p.score for p in d.matching.pairs} == {1.0}


def test_rename(old, new):
    edit.rename(new, "check", "Antrag auf Vollständigkeit prüfen")
    assert semantic(diff_models(old, new)) == [
        ("renamed", "task", "check", "check", detail("name", "Antrag prüfen", "Antrag auf Vollständigkeit prüfen"))
    ]


def test_lane_move_without_shape_move_is_relaned_and_not_layout(old, new):
    edit.move_to_lane(new, "check", "lane_b", draw=False)
    d = diff_models(old, new)
    assert semantic(d) == [("relaned", "task", "check", "check", detail("lane", "Bürgerbüro", "Ordnungsamt"))]
    assert d.layout_changes == []


def test_move_into_sub_process_is_moved_not_removed_and_added(old, new):
    removed_flows = edit.move_to_container(new, "fee", "sub")
    assert removed_flows == ["f4", "f5"]
    d = diff_models(old, new)
    assert semantic(d) == [
        ("removed", "sequenceFlow", "f4", None, []),
        ("removed", "sequenceFlow", "f5", None, []),
        ("moved", "userTask", "fee", "fee", detail("parent", "Stadt Trier", "Nachforderung")),
    ]


def test_move_into_sub_process_with_regenerated_ids_is_still_moved(old, new):
    edit.move_to_container(new, "fee", "sub")
    mapping = edit.regenerate_ids(new)
    d = diff_models(old, new)
    assert [(c.kind, c.old_id) for c in d.semantic_changes] == [("removed", "f4"), ("removed", "f5"), ("moved", "fee")]
    moved = d.semantic_changes[-1]
    assert moved.new_id == mapping["fee"] and moved.match == "similarity"


def test_timer_duration_change(old, new):
    edit.set_timer(new, "timer", "P14D")
    assert semantic(diff_models(old, new)) == [
        ("changed", "boundaryEvent", "timer", "timer", detail("timerEventDefinition/timeDuration", "PT30M", "P14D"))
    ]


def test_timer_kind_change(old, new):
    edit.set_timer(new, "timer", "R3/PT1H", kind="timeCycle")
    assert semantic(diff_models(old, new)) == [
        (
            "changed",
            "boundaryEvent",
            "timer",
            "timer",
            [
                {"property": "timerEventDefinition/timeCycle", "old": None, "new": "R3/PT1H"},
                {"property": "timerEventDefinition/timeDuration", "old": "PT30M", "new": None},
            ],
        )
    ]


def test_extension_attribute_change(old, new):
    edit.set_attribute(new, "check", V + "color", "blue")
    assert semantic(diff_models(old, new)) == [
        ("changed", "task", "check", "check", detail(V + "color", "red", "blue"))
    ]


def test_extension_element_change(old, new):
    new["fee"].el.find(".//" + V + "property").set("value", "4712")
    (change,) = diff_models(old, new).semantic_changes
    assert (change.kind, change.old_id) == ("changed", "fee")
    assert change.details == detail(
        "extensionElements/{http://vendor.example/ext}properties",
        "{http://vendor.example/ext}properties{{http://vendor.example/ext}property[name=konto,value=4711]}",
        "{http://vendor.example/ext}properties{{http://vendor.example/ext}property[name=konto,value=4712]}",
    )


def test_gateway_default_flow_change(old, new):
    edit.set_default_flow(new, "gw", "f4")
    assert semantic(diff_models(old, new)) == [
        ("changed", "exclusiveGateway", "gw", "gw", detail("default", "vollständig? → erledigt", "Gebühr fällig"))
    ]


def test_retyped_task_and_gateway(old, new):
    edit.change_type(new, "check", "userTask")
    edit.change_type(new, "gw", "parallelGateway")  # a parallel gateway has no default flow
    assert semantic(diff_models(old, new)) == [
        ("retyped", "userTask", "check", "check", detail("type", "task", "userTask")),
        ("retyped", "parallelGateway", "gw", "gw", detail("type", "exclusiveGateway", "parallelGateway")),
        ("changed", "parallelGateway", "gw", "gw", detail("default", "vollständig? → erledigt", None)),
    ]


def test_condition_and_documentation_and_message_change(old, new):
    edit.set_condition(new, "f4", "gebuehr >= 10")
    edit.set_documentation(new, "fee", "Gebühr nach   Gebührenordnung\n erheben")
    new.element("msg_antrag").set("name", "Gewerbeanzeige (GewA 1)")
    assert semantic(diff_models(old, new)) == [
        ("changed", "sequenceFlow", "f4", "f4", detail("conditionExpression", "gebuehr > 0", "gebuehr >= 10")),
        ("changed", "userTask", "fee", "fee", detail("documentation", None, "Gebühr nach Gebührenordnung erheben")),
        (
            "changed",
            "startEvent",
            "start",
            "start",
            detail("messageEventDefinition@messageRef", "Gewerbeanzeige", "Gewerbeanzeige (GewA 1)"),
        ),
    ]


def test_rewired_flow(old, new):
    edit.reconnect(new, "f3", target_id="late")
    d = diff_models(old, new)
    assert semantic(d) == [("rewired", "sequenceFlow", "f3", "f3", detail("targetRef", "erledigt", "Frist versäumt"))]
    # reconnect re-routes the edge: that is layout, reported apart
    assert [(c.kind, c.old_id, [x["property"] for x in c.details]) for c in d.layout_changes] == [
        ("layout", "f3", ["waypoints"])
    ]


def test_added_and_removed(old, new):
    task = edit.add_flow_node(new, "proc", "userTask", "Bescheid erstellen", ident="notice", lane_id="lane_b")
    edit.remove_element(new, "late")  # takes flow f6 with it
    d = diff_models(old, new)
    assert semantic(d) == [
        ("added", "userTask", None, task, []),
        ("removed", "sequenceFlow", "f6", None, []),
        ("removed", "endEvent", "late", None, []),
    ]
    assert [c.name for c in d.semantic_changes] == ["Bescheid erstellen", None, "Frist versäumt"]


def test_lane_and_pool_renamed(old, new):
    edit.rename(new, "lane_a", "Bürgeramt")
    edit.rename(new, "pool", "Stadt Koblenz")
    assert semantic(diff_models(old, new)) == [
        ("renamed", "lane", "lane_a", "lane_a", detail("name", "Bürgerbüro", "Bürgeramt")),
        ("renamed", "participant", "pool", "pool", detail("name", "Stadt Trier", "Stadt Koblenz")),
    ]


def test_rename_and_relane_of_one_element_give_two_changes(old, new):
    edit.rename(new, "check", "Antrag sichten")
    edit.move_to_lane(new, "check", "lane_b")
    assert [(c.kind, c.old_id) for c in diff_models(old, new).semantic_changes] == [
        ("renamed", "check"),
        ("relaned", "check"),
    ]


def test_layout_only_within_tolerance(old, new):
    bounds = new.shapes_of("check")[0].el.find("{http://www.omg.org/spec/DD/20100524/DC}Bounds")
    bounds.set("x", "160.4")
    assert diff_models(old, new).changes == []
    bounds.set("x", "200")
    new.reindex()
    (change,) = diff_models(old, new).changes
    assert change.kind == "layout" and change.details == detail(
        "bounds", {"x": 160, "y": 35, "width": 100, "height": 80}, {"x": 200, "y": 35, "width": 100, "height": 80}
    )


def test_same_model_written_differently_has_no_semantic_change(old):
    """Other prefixes, explicit defaults, 30 vs 30.0, whitespace in labels, other child order."""
    text = MODEL.replace("bpmn:", "semantic:").replace("xmlns:bpmn=", "xmlns:semantic=")
    text = text.replace('xsi:type="semantic:tFormalExpression"', 'xsi:type="semantic:tFormalExpression"')
    text = text.replace(
        'name="Antrag prüfen" vendor:color="red"',
        'name="Antrag\n   prüfen" vendor:color="red" completionQuantity="1" startQuantity="1.0" '
        'isForCompensation="false"',
    )
    text = text.replace('default="f3"', 'default="f3" gatewayDirection="Unspecified"')
    text = text.replace('attachedToRef="check"', 'attachedToRef="check" cancelActivity="1" parallelMultiple="false"')
    text = text.replace('<semantic:process id="proc" isExecutable="false">', '<semantic:process id="proc">')
    text = text.replace(
        '<vendor:property name="konto" value="4711"/>', '<vendor:property value="4711.0" name="konto"/>'
    )
    text = text.replace("xmlns:vendor=", "xmlns:v=").replace("vendor:", "v:")
    other = Model.from_bytes(text.encode(), "other.bpmn")
    assert other.root.nsmap["semantic"] == "http://www.omg.org/spec/BPMN/20100524/MODEL"
    assert diff_models(old, other).changes == []


def test_regenerated_ids_pair_everything_by_similarity_with_no_change(old, new):
    mapping = edit.regenerate_ids(new)
    d = diff_models(old, new)
    assert d.changes == []
    assert len(d.matching.pairs) == 21
    assert all(p.how == "similarity" and mapping[p.old_id] == p.new_id for p in d.matching.pairs)
    # by id only, nothing pairs
    by_id = diff_models(old, new, mode="id")
    assert by_id.summary["added"] == by_id.summary["removed"] == 21 and by_id.matching.pairs == []


def test_to_dict_has_the_documented_shape(old, new):
    edit.rename(new, "check", "Antrag sichten")
    data = json.loads(json.dumps(diff_models(old, new).to_dict()))
    assert list(data) == ["old", "new", "summary", "changes", "matching", "matches"]
    assert data["matching"] == {
        "mode": "versions",
        "requested": "auto",
        "basis": "ids",
        "shared_ids": 10,
        "same_place_labels": 9,
        "compared": 10,
        "notes": [],
    }
    assert data["old"] == "alt.bpmn" and list(data["summary"]) == list(KINDS)
    assert data["changes"] == [
        {
            "kind": "renamed",
            "element_type": "task",
            "old_id": "check",
            "new_id": "check",
            "name": "Antrag sichten",
            "match": "id",
            "score": 1.0,
            "details": [{"property": "name", "old": "Antrag prüfen", "new": "Antrag sichten"}],
        }
    ]
    assert data["matches"][0] == {
        "old_id": "check",
        "new_id": "check",
        "element_type": "task",
        "match": "id",
        "score": 1.0,
        "confidence": "certain",
    }
    assert len(data["matches"]) == 21


def test_trier_example_versions():
    """Gewerbeanmeldung 1.0.0 -> 1.1.0 as published by Trier (exchange/examples)."""
    a = read_model(REPO / "exchange/examples/trier/gewerbeanmeldung.bpmn")
    b = read_model(REPO / "exchange/examples/trier-v2/gewerbeanmeldung.bpmn")
    d = diff_models(a, b)
    assert [(c.kind, c.element_type, c.old_id, c.new_id) for c in d.semantic_changes] == [
        ("added", "sequenceFlow", None, "Flow_Vorgang_archivieren_Gewerbe_angemeldet"),
        ("added", "serviceTask", None, "Task_Vorgang_archivieren"),
        ("renamed", "userTask", "Task_Anzeige_pruefen", "Task_Anzeige_pruefen"),
        (
            "changed",
            "sequenceFlow",
            "Flow_Erlaubnispflicht_Zuverlaessigkeit_pruefen",
            "Flow_Erlaubnispflicht_Zuverlaessigkeit_pruefen",
        ),
        (
            "rewired",
            "sequenceFlow",
            "Flow_Daten_uebermitteln_Gewerbe_angemeldet",
            "Flow_Daten_uebermitteln_Vorgang_archivieren",
        ),
    ]
    assert d.semantic_changes[-1].details == detail(
        "targetRef", "Gewerbeanmeldung abgeschlossen", "Vorgang in der E-Akte ablegen"
    )


def test_the_text_report_is_styled_only_through_the_callers_styler(old, new):
    from procex.bpmn.diff_text import format_text

    edit.rename(new, "check", "Antrag auf Vollständigkeit prüfen")
    result = diff_models(old, new)
    plain = format_text(result, lang="en")
    styled = format_text(result, lang="en", style=lambda text, kind: f"<{kind}>{text}</{kind}>")
    assert "<" not in plain
    assert [line for line in styled.splitlines() if line.startswith("<")] == [
        "<renamed>renamed (1):</renamed>",
        "<renamed>  task 'Antrag auf Vollständigkeit prüfen' [check]</renamed>",
    ]
