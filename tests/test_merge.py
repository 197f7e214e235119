"""Three-way diff and merge: known answers built with the editing API.

BASE is a small Gewerbe process (three lanes, a gateway with conditions, a timer, an expanded
sub-process); LOCAL and UPSTREAM are BASE with edits made by bpmn.edit, so what each side changed
is known exactly. Every merged model must be XSD-valid and pass the correctness preset.
"""

from pathlib import Path

import pytest
from lxml import etree

from procex.bpmn import edit
from procex.bpmn.diff import diff_models
from procex.bpmn.merge import diff3, merge
from procex.bpmn.model import Model, read_model
from procex.schemas import BPMN_XSD
from tests import models

SCHEMA = etree.XMLSchema(etree.parse(str(BPMN_XSD)))
ROOT = Path(__file__).resolve().parent.parent

BASE = models.read("gewerbe-three-lanes.bpmn")  # tests/fixtures/models/


def base_model():
    return Model.from_bytes(BASE, "base.bpmn")


def validate(model):
    """XSD-valid and no error under the correctness preset."""
    from procex.bpmn.validate import validate_model

    reparsed = Model.from_bytes(model.to_bytes(), "merged.bpmn")
    assert SCHEMA.validate(reparsed.tree), SCHEMA.error_log.last_error
    assert [f for f in reparsed.findings if f.severity == "error"] == []
    errors = [f for f in validate_model(reparsed, rules="correctness").findings if f.severity == "error"]
    assert errors == [], errors
    return reparsed


def semantic(old, new):
    """The semantic changes from ``old`` to ``new`` as comparable tuples (one per property).

    A changed element is named by its BASE id: a pair matched by similarity may keep LOCAL's id
    in the merge where UPSTREAM gave it another."""
    out = set()
    for change in diff_models(old, new).semantic_changes:
        if change.kind in ("added", "removed"):
            out.add((change.kind, change.element_type, change.old_id, change.new_id, change.name))
            continue
        for d in change.details:
            out.add((change.kind, change.old_id, d["property"], repr(d["new"])))
    return out


def test_base_is_valid():
    validate(base_model())


# --- a known answer: two sets of edits, some overlapping -------------------------------------------


def known_sides():
    base = base_model()
    local, upstream = base.copy(), base.copy()
    # LOCAL (Koblenz): its own names, roles and an extra check
    edit.rename(local, "pool", "Stadt Koblenz")
    edit.rename(local, "lane_b", "Gewerbeamt")
    edit.move_to_lane(local, "t2", "lane_c", draw=False)
    edit.set_documentation(local, "t1", "Prüfung nach Koblenzer Checkliste")
    edit.set_condition(local, "f4", "vollstaendig = false and frist_offen")  # conflicts
    edit.rename(local, "end2", "Verfahren beendet")  # same as upstream
    edit.reconnect(local, "f6", target_id="end2")
    edit.remove_element(local, "tm")  # upstream changes its timer; f7 goes with it
    # UPSTREAM (Trier's new version)
    edit.change_type(upstream, "t1", "userTask")
    edit.rename(upstream, "t3", "Fehlende Angaben nachfordern")
    edit.set_condition(upstream, "f4", "vollstaendig = false")  # unchanged text: no change
    edit.set_condition(upstream, "f4", "unvollstaendig = true")
    edit.rename(upstream, "end2", "Verfahren beendet")
    edit.set_timer(upstream, "tm", "P30D")
    fee = edit.add_flow_node(
        upstream, "proc", "userTask", "Gebühr erheben", ident="fee", lane_id="lane_b", bounds=(410, 185, 100, 80)
    )
    # upstream makes room: t2 goes right, the fee task takes its place
    edit.reconnect(upstream, "f3", target_id=fee)
    edit.add_sequence_flow(upstream, fee, "t2", ident="f_fee")
    return base, local, upstream


def kinds_of(items):
    return sorted((i.change["kind"], i.change["old_id"] or i.change["new_id"], i.aspect) for i in items)


def test_known_answer_classification():
    base, local, upstream = known_sides()
    three = diff3(base, local, upstream)
    assert kinds_of(three.applicable) == [
        ("added", "f_fee", "added"),
        ("added", "fee", "added"),
        ("layout", "f3", "layout"),
        ("renamed", "t3", "name"),
        ("retyped", "t1", "type"),
        ("rewired", "f3", "targetRef"),
    ]
    assert kinds_of(three.local) == [
        ("changed", "t1", "prop:documentation"),
        ("layout", "f6", "layout"),
        ("relaned", "t2", "lane"),
        ("removed", "f7", "removed"),
        ("renamed", "lane_b", "name"),
        ("renamed", "pool", "name"),
        ("rewired", "f6", "targetRef"),
    ]
    assert kinds_of(three.pseudo) == [("renamed", "end2", "name")]
    conflicts = sorted((c.kind, c.element, c.local.aspect, c.upstream.aspect) for c in three.conflicts)
    assert conflicts == [
        ("condition", "f4", "prop:conditionExpression", "prop:conditionExpression"),
        ("removed-changed", "tm", "removed", "prop:timerEventDefinition/timeDuration"),
    ]
    assert all(c.blocking for c in three.conflicts)
    data = three.to_dict()
    assert set(data) == {"applicable", "local", "pseudo", "conflicts"}
    assert set(data["conflicts"][0]) == {"kind", "element", "local", "upstream"}
    assert data["conflicts"][0]["local"]["kind"] == "changed"


def test_known_answer_merge_refuses_then_prefers():
    base, local, upstream = known_sides()
    refused = merge(base, local, upstream)
    assert not refused.ok and refused.data is None and len(refused.conflicts) == 2

    kept = merge(base, local, upstream, prefer="local")
    merged = validate(kept.model)
    three = kept.threeway
    expected = semantic(base, local) | semantic(base, upstream)
    # The conflicting upstream changes are left out: the condition and the timer of the removed event.
    expected -= {t for t in semantic(base, upstream) if t[1] in ("f4", "tm")}
    assert semantic(base, merged) == expected
    assert merged["f3"].target.id == "fee" and merged["fee"].lane.id == "lane_b"
    assert merged["t2"].lane.id == "lane_c"  # local relane kept
    assert merged["lane_b"].name == "Gewerbeamt"  # local lane name kept, upstream's task in it
    assert merged["f4"].condition == "vollstaendig = false and frist_offen"
    assert "tm" not in merged
    assert len(three.applicable) == len(kept.applied)

    taken = merge(base, local, upstream, prefer="upstream")
    merged = validate(taken.model)
    assert merged["f4"].condition == "unvollstaendig = true"
    assert merged["tm"].el.find(".//{*}timeDuration").text == "P30D"  # brought back
    assert merged["t1"].type == "userTask" and merged["t1"].documentation == ["Prüfung nach Koblenzer Checkliste"]


def test_added_task_gets_a_shape_clear_of_local_shapes():
    base, local, upstream = known_sides()
    merged = merge(base, local, upstream, prefer="local").model
    fee = merged.shapes_of("fee")[0].bounds
    lane = merged.shapes_of("lane_b")[0].bounds
    assert lane.contains(fee)
    others = [
        s.bounds
        for d in merged.diagrams
        for s in d.shapes
        if s.bpmn_element not in ("fee", "pool", "lane_a", "lane_b", "lane_c")
    ]
    assert not any(fee.overlaps(b) for b in others)
    # upstream drew it at t2's old place, which LOCAL still uses: it moved sideways, not down
    assert fee.y == 185 and fee.x != 410
    assert merged.edges_of("f_fee") and merged.edges_of("f3")


def test_nothing_changed_upstream_gives_local():
    base = base_model()
    local = base.copy()
    edit.rename(local, "t1", "Anzeige sichten")
    result = merge(base, local, base.copy())
    assert result.ok and result.applied == [] and result.threeway.conflicts == []
    assert result.model.canonical() == local.canonical()


def test_layout_on_both_sides_is_reported_not_blocking():
    base = base_model()
    local, upstream = base.copy(), base.copy()
    edit.set_attribute(local, "end2", "name", "Verfahren eingestellt")  # no change
    for model, x in ((local, "700"), (upstream, "740")):
        model.shapes_of("end2")[0].el.find("{*}Bounds").set("x", x)
        model.reindex()
    upstream.shapes_of("tm")[0].el.find("{*}Bounds").set("y", "340")
    upstream.reindex()
    three = diff3(base, local, upstream)
    assert [(c.kind, c.element, c.blocking) for c in three.conflicts] == [("layout", "end2", False)]
    assert kinds_of(three.applicable) == [("layout", "tm", "layout")]
    result = merge(base, local, upstream)
    assert result.ok
    assert result.model.shapes_of("end2")[0].bounds.x == 700  # local drawing kept
    assert result.model.shapes_of("tm")[0].bounds.y == 340  # upstream's applied
    preferred = merge(base, local, upstream, prefer="upstream")
    assert preferred.model.shapes_of("end2")[0].bounds.x == 740


def test_both_sides_add_the_same_task_once():
    base = base_model()
    sides = []
    for _ in range(2):
        model = base.copy()
        new = edit.add_flow_node(model, "proc", "task", "Gebühr erheben", lane_id="lane_a")
        edit.reconnect(model, "f2", target_id=new)
        edit.add_sequence_flow(model, new, "gw")
        sides.append(model)
    local, upstream = sides
    three = diff3(base, local, upstream)
    assert three.conflicts == [] and three.applicable == []
    assert sorted(i.change["kind"] for i in three.pseudo) == ["added", "added", "layout", "rewired"]
    merged = validate(merge(base, local, upstream).model)
    assert len([n for n in merged.flow_nodes if n.name == "Gebühr erheben"]) == 1


def test_both_sides_add_different_tasks_in_one_place():
    base = base_model()
    sides = []
    for label in ("Gebühr erheben", "Gebühren erheben und buchen"):
        model = base.copy()
        new = edit.add_flow_node(model, "proc", "task", label, lane_id="lane_a")
        edit.reconnect(model, "f2", target_id=new)
        edit.add_sequence_flow(model, new, "gw")
        sides.append(model)
    three = diff3(base, *sides)
    assert [c.kind for c in three.conflicts] == ["added"]
    merged = validate(merge(base, *sides, prefer="upstream").model)
    assert [n.name for n in merged.flow_nodes if "Gebühr" in (n.name or "")] == ["Gebühren erheben und buchen"]


def _add_lane(model, ident, name, y, height):
    """A lane below the others, drawn across the pool (bpmn.edit has no lane editing)."""
    bpmn, di, dc = (
        "{http://www.omg.org/spec/BPMN/20100524/MODEL}",
        "{http://www.omg.org/spec/BPMN/20100524/DI}",
        "{http://www.omg.org/spec/DD/20100524/DC}",
    )
    etree.SubElement(model.element("ls"), bpmn + "lane", id=ident, name=name)
    shape = etree.SubElement(
        model.root.find(f".//{di}BPMNPlane"), di + "BPMNShape", id=ident + "_di", bpmnElement=ident, isHorizontal="true"
    )
    etree.SubElement(shape, dc + "Bounds", x="30", y=str(y), width="1170", height=str(height))
    model.shapes_of("pool")[0].el.find(dc + "Bounds").set("height", str(y + height))
    model.reindex()


def test_lane_added_on_both_sides_goes_below_and_the_pool_grows():
    base = base_model()
    local, upstream = base.copy(), base.copy()
    _add_lane(local, "lane_k", "Bürgerservice Koblenz", 450, 100)
    _add_lane(upstream, "lane_d", "Kasse", 450, 150)
    edit.move_to_lane(upstream, "t3", "lane_d", draw=False)
    three = diff3(base, local, upstream)
    assert kinds_of(three.applicable) == [("added", "lane_d", "added"), ("relaned", "t3", "lane")]
    assert [(c.kind, c.element, c.blocking) for c in three.conflicts] == [("layout", "pool", False)]
    merged = validate(merge(base, local, upstream).model)
    bounds = {ident: merged.shapes_of(ident)[0].bounds for ident in ("pool", "lane_k", "lane_d")}
    assert (bounds["lane_k"].y, bounds["lane_d"].y, bounds["lane_d"].height) == (450, 550, 150)
    assert (bounds["pool"].height, bounds["pool"].width, bounds["lane_d"].width) == (700, 1200, 1170)
    assert merged["t3"].lane.id == "lane_d" and merged["lane_d"].flow_node_refs == ["t3"]


# --- the table: one local and one upstream edit of each kind --------------------------------------

X, Y = "t1", "t3"  # the task both sides edit ("same"), the task upstream edits ("different")
LABEL = {"local": "lokal", "upstream": "Trier"}
NEW_TYPE = {"local": "userTask", "upstream": "serviceTask"}
NEW_LANE = {
    ("t1", "local"): "lane_b",
    ("t1", "upstream"): "lane_c",
    ("t3", "local"): "lane_a",
    ("t3", "upstream"): "lane_b",
}
NEW_TARGET = {("t1", "local"): "t2", ("t1", "upstream"): "t3", ("t3", "local"): "end2", ("t3", "upstream"): "end"}
ADDED = {
    ("t1", "local"): "Gebühr erheben",
    ("t1", "upstream"): "Gebühren erheben und buchen",
    ("t3", "local"): "Rückfrage telefonisch",
    ("t3", "upstream"): "Erinnerung senden",
}


def _outgoing(model, task):
    return model[task].outgoing[0].id


def do_rename(model, task, side):
    edit.rename(model, task, f"{model[task].name} ({LABEL[side]})")


def do_retype(model, task, side):
    edit.change_type(model, task, NEW_TYPE[side])


def do_property(model, task, side):
    edit.set_documentation(model, task, f"Hinweis {LABEL[side]}")


def do_relane(model, task, side):
    edit.move_to_lane(model, task, NEW_LANE[task, side], draw=False)


def do_rewire(model, task, side):
    edit.reconnect(model, _outgoing(model, task), target_id=NEW_TARGET[task, side])


def do_add(model, task, side):
    flow = _outgoing(model, task)
    after = model[flow].target.id
    new = edit.add_flow_node(model, "proc", "task", ADDED[task, side], lane_id=model[task].lane.id)
    edit.reconnect(model, flow, target_id=new)
    edit.add_sequence_flow(model, new, after)


def do_remove(model, task, side):
    edit.remove_element(model, task)


def do_move(model, task, side):
    edit.move_to_container(model, task, "sub")


EDITS = {
    "rename": do_rename,
    "retype": do_retype,
    "property": do_property,
    "relane": do_relane,
    "rewire": do_rewire,
    "add": do_add,
    "remove": do_remove,
    "move": do_move,
}

# Expected outcome when LOCAL (row) and UPSTREAM (column) edit the SAME task X:
# "merged", or the conflict kinds reported. The rewire and add edits change X's outgoing flow.
M, RC, MC, RR = "merged", {"removed-changed"}, {"moved-changed"}, {"removed-referenced"}
#            rename     retype     property      relane    rewire        add           remove   move
SAME = {
    "rename": [{"label"}, M, M, M, M, M, RC, MC],
    "retype": [M, {"type"}, M, M, M, M, RC, MC],
    "property": [M, M, {"property"}, M, M, M, RC, MC],
    "relane": [M, M, M, {"lane"}, M, M, RC, MC],
    "rewire": [M, M, M, M, {"rewire"}, {"rewire"}, RC | RR, RC | MC],
    "add": [M, M, M, M, {"rewire"}, {"added"}, RC | RR, RC | MC],
    "remove": [RC, RC, RC, RC, RC, RC, M, RC],
    "move": [M, M, M, M, RC, RC, RC, M],
}
COLUMNS = list(EDITS)
CASES = [(lo, up, "same", SAME[lo][i]) for lo in EDITS for i, up in enumerate(COLUMNS)]
# On DIFFERENT tasks (LOCAL edits X, UPSTREAM edits Y) every combination merges.
CASES += [(lo, up, "different", M) for lo in EDITS for up in EDITS]


@pytest.mark.parametrize(
    "local_edit,upstream_edit,where,expected", CASES, ids=[f"{lo}-{up}-{w}" for lo, up, w, _ in CASES]
)
def test_edit_table(local_edit, upstream_edit, where, expected):
    base = base_model()
    local, upstream = base.copy(), base.copy()
    EDITS[local_edit](local, X, "local")
    EDITS[upstream_edit](upstream, X if where == "same" else Y, "upstream")
    three = diff3(base, local, upstream)
    found = {c.kind for c in three.blocking}
    if expected == M:
        assert found == set(), [c.to_dict() for c in three.blocking]
        result = merge(base, local, upstream)
        assert result.ok
        merged = validate(result.model)
        assert semantic(base, merged) == semantic(base, local) | semantic(base, upstream)
    else:
        assert found == expected, [c.to_dict() for c in three.blocking]
        assert merge(base, local, upstream).data is None
        for prefer, winner in (("local", local), ("upstream", upstream)):
            result = merge(base, local, upstream, prefer=prefer)
            merged = validate(result.model)
            assert_side_won(three, prefer, winner, merged)


def assert_side_won(three, side, winner, merged):
    """Each blocking conflict was decided as ``side`` had it: what it removed is gone, what it added
    is there, and the property it changed is as in ``winner``."""
    after = diff_models(winner, merged)
    for conflict in three.blocking:
        item = getattr(conflict, side)
        if item.aspect == "removed":
            assert item.base_id not in merged, conflict.to_dict()
        elif item.aspect == "added":
            if side == "local":
                assert item.own_id in merged, conflict.to_dict()
        else:
            prop = item.change["details"][0]["property"]
            left = [
                c
                for c in after.changes_of(old_id=item.own_id)
                if c.kind == item.change["kind"] and any(d["property"] == prop for d in c.details)
            ]
            assert left == [], (conflict.to_dict(), [c.to_dict() for c in left])


# --- the Trier example: Koblenz's adaptation of Gewerbeanmeldung 1.0.0, Trier's 1.1.0 ------------

TRIER = ROOT / "exchange/examples/trier/gewerbeanmeldung.bpmn"
TRIER_V2 = ROOT / "exchange/examples/trier-v2/gewerbeanmeldung.bpmn"


def koblenz(base):
    local = base.copy()
    city = next(p.id for p in local.participants if p.name == "Stadt Trier")
    edit.rename(local, city, "Stadt Koblenz")
    for lane in local.lanes:
        if lane.name and "Ordnungsamt" in lane.name:
            edit.rename(local, lane.id, lane.name.replace("Ordnungsamt", "Amt für Gewerbe"))
    edit.set_documentation(local, "Task_Anzeige_pruefen", "Koblenz: Prüfung im Fachverfahren migewa")
    return local


def test_trier_update_into_koblenz_adaptation():
    base, upstream = read_model(TRIER), read_model(TRIER_V2)
    validate(base)
    local = koblenz(base)
    three = diff3(base, local, upstream)
    assert three.conflicts == []
    result = merge(base, local, upstream)
    merged = validate(result.model)
    assert semantic(base, merged) == semantic(base, local) | semantic(base, upstream)
    archive = merged["Task_Vorgang_archivieren"]
    assert archive.lane.name.startswith("Amt für Gewerbe")
    assert [p.name for p in merged.participants if "Stadt" in p.name] == ["Stadt Koblenz"]
    assert merged["Task_Anzeige_pruefen"].name == upstream["Task_Anzeige_pruefen"].name
    assert (
        merged.shapes_of("Task_Vorgang_archivieren")[0].bounds
        == upstream.shapes_of("Task_Vorgang_archivieren")[0].bounds
    )


# --- random adaptations of a larger base (the benchmark's generator) ------------------------------


def _bench_module():
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_merge", ROOT / "bench" / "merge.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_adaptations_merge_valid_and_keep_local(seed):
    import random

    bench = _bench_module()
    rng = random.Random(seed)
    base = bench.base_model(120)
    local = bench.adapt(base, 12, rng, "local")
    upstream = bench.adapt(base, 12, rng, "upstream")
    result = merge(base, local, upstream, prefer="local")
    merged = validate(result.model)
    assert_side_won(result.threeway, "local", local, merged)
    # Every upstream change that was applicable is in the merged model.
    after = diff_models(upstream, merged)
    for item in result.applied:
        if item.aspect in ("layout", "added", "removed"):
            continue
        prop = item.change["details"][0]["property"]
        left = [
            c
            for c in after.changes_of(old_id=item.own_id)
            if c.kind == item.change["kind"] and any(d["property"] == prop for d in c.details)
        ]
        assert left == [], item.change


# --- command line -----------------------------------------------------------------------------------


def test_cli_diff3_and_merge(tmp_path, run_cli):
    base, local, upstream = known_sides()
    paths = []
    for name, model in (("base", base), ("local", local), ("upstream", upstream)):
        path = tmp_path / f"{name}.bpmn"
        path.write_bytes(model.to_bytes())
        paths.append(str(path))
    out = tmp_path / "merged.bpmn"

    result = run_cli("diff3", *paths, "--format", "json")
    assert result.exit_code == 1
    import json

    data = json.loads(result.stdout)
    assert [c["kind"] for c in data["conflicts"]] == ["condition", "removed-changed"]

    result = run_cli("diff3", *paths)
    assert "Konflikte (2, 2 blockierend)" in result.stdout and "Bedingung unterschiedlich geändert" in result.stdout
    result = run_cli("diff3", *paths, "--lang", "en")
    assert "condition changed differently" in result.stdout

    result = run_cli("diff3", *paths, "--format", "html", "-o", str(tmp_path / "r.html"))
    html = (tmp_path / "r.html").read_text()
    assert html.startswith("<!DOCTYPE html>") and 'data-element="f4"' in html and "<script" not in html

    result = run_cli("merge", *paths, "-o", str(out))
    assert result.exit_code == 1 and not out.exists()
    assert "2 Konflikt(e), nichts geschrieben" in result.stderr and "[tm]" in result.stderr

    result = run_cli("merge", *paths, "-o", str(out), "--prefer", "local")
    assert result.exit_code == 0, result.stderr
    merged = validate(read_model(out))
    assert merged["fee"].name == "Gebühr erheben" and merged["pool"].name == "Stadt Koblenz"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temp file left

    # a real process: what the user sees is the one line, no traceback from the interpreter
    gone = run_cli(
        "merge", paths[0], tmp_path / "nope.bpmn", paths[2], "-o", tmp_path / "x.bpmn", cwd=ROOT, separate=True
    )
    assert gone.returncode == 2 and not (tmp_path / "x.bpmn").exists()
    assert gone.stderr.strip() == f"procex: error: {tmp_path / 'nope.bpmn'}: no such file; check the path"
