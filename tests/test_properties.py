"""Properties of the engine on generated models (hypothesis): what must hold for every model.

- diff(a, a) is empty;
- merge(base, local, base) is local, and merge(base, base, upstream) is upstream;
- a model whose ids were all regenerated (another tool's re-export) has no semantic change;
- writing and reading a model again gives the same document (C14N).

Models are processes with lanes, tasks, exclusive branches and diagram data, labelled with the
words municipal processes use; edits are what modellers do (rename, document, move to another
lane, add or remove a task).
"""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from procex.bpmn import edit
from procex.bpmn.diff import diff_models
from procex.bpmn.merge import merge
from procex.bpmn.model import Model

OBJECTS = ["Antrag", "Unterlagen", "Gebühr", "Bescheid", "Gewerbeanzeige", "Hund", "Wohnsitz", "Ausweis", "Akte"]
VERBS = ["prüfen", "erfassen", "nachfordern", "buchen", "versenden", "archivieren", "bewerten", "ausstellen"]
LANES = ["Bürgerbüro", "Ordnungsamt", "Stadtkasse", "Sachgebietsleitung"]

labels = st.builds(lambda o, v: f"{o} {v}", st.sampled_from(OBJECTS), st.sampled_from(VERBS))
# One step of the process: a task, or an exclusive split into two tasks joined again.
steps = st.one_of(
    st.tuples(st.just("task"), labels),
    st.tuples(st.just("branch"), st.tuples(labels, labels)),
)


@st.composite
def models(draw):
    lanes = draw(st.lists(st.sampled_from(LANES), min_size=1, max_size=3, unique=True))
    plan = draw(st.lists(steps, min_size=1, max_size=6))
    nodes, flows, shapes = [], [], []
    members = {lane: [] for lane in lanes}
    x = 100

    def node(kind, ident, name=None, y=140):
        nonlocal x
        lane = lanes[len(nodes) % len(lanes)]
        members[lane].append(ident)
        label = f' name="{name}"' if name else ""
        nodes.append(f'<{kind} id="{ident}"{label}/>')
        row = lanes.index(lane)
        shapes.append((ident, x, row * 200 + y, 100 if kind.endswith("ask") else 36))
        return ident

    previous = node("startEvent", "Start", "Antrag eingegangen")
    for number, (kind, what) in enumerate(plan, 1):
        x += 150
        if kind == "task":
            current = node("task", f"T{number}", what)
            flows.append((previous, current))
        else:
            split = node("exclusiveGateway", f"G{number}s", "Vollständig?")
            x += 150
            a = node("task", f"T{number}a", what[0], y=100)
            b = node("task", f"T{number}b", what[1], y=180)
            x += 150
            join = node("exclusiveGateway", f"G{number}j")
            flows += [(previous, split), (split, a), (split, b), (a, join), (b, join)]
            current = join
        previous = current
    x += 150
    flows.append((previous, node("endEvent", "End", "erledigt")))
    return _document(lanes, members, nodes, flows, shapes)


def _document(lanes, members, nodes, flows, shapes):
    refs = {lane: "".join(f"<flowNodeRef>{n}</flowNodeRef>" for n in members[lane]) for lane in lanes}
    lane_xml = "".join(f'<lane id="L{i}" name="{lane}">{refs[lane]}</lane>' for i, lane in enumerate(lanes))
    flow_xml = "".join(f'<sequenceFlow id="F{i}" sourceRef="{a}" targetRef="{b}"/>' for i, (a, b) in enumerate(flows))
    width = max(x for _, x, _, _ in shapes) + 200
    di = "".join(
        f'<bpmndi:BPMNShape id="{i}_di" bpmnElement="{i}">'
        f'<dc:Bounds x="{x}" y="{y}" width="{w}" height="{min(w, 80)}"/></bpmndi:BPMNShape>'
        for i, x, y, w in shapes
    )
    di += "".join(
        f'<bpmndi:BPMNShape id="L{i}_di" bpmnElement="L{i}" isHorizontal="true">'
        f'<dc:Bounds x="60" y="{i * 200 + 60}" width="{width}" height="200"/></bpmndi:BPMNShape>'
        for i in range(len(lanes))
    )
    text = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" '
        'xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" '
        'id="Defs" targetNamespace="urn:procex:properties">'
        f'<process id="P" isExecutable="false"><laneSet id="LS">{lane_xml}</laneSet>'
        f"{''.join(nodes)}{flow_xml}</process>"
        f'<bpmndi:BPMNDiagram id="D"><bpmndi:BPMNPlane id="DP" bpmnElement="P">{di}</bpmndi:BPMNPlane>'
        "</bpmndi:BPMNDiagram></definitions>"
    )
    return text.encode("utf-8")


def tasks(model):
    return [n.id for n in model.flow_nodes if n.type == "task"]


@st.composite
def edited(draw, data):
    """The model and a copy with one to four modeller's edits."""
    model = Model.from_bytes(data, "base.bpmn")
    changed = model.copy()
    for _ in range(draw(st.integers(1, 4))):
        ids = tasks(changed)
        lanes = [lane.id for lane in changed.lanes] if hasattr(changed, "lanes") else []
        action = draw(st.sampled_from(["rename", "document", "relane", "add"]))
        if action == "rename" and ids:
            edit.rename(changed, draw(st.sampled_from(ids)), draw(labels) + " (lokal)")
        elif action == "document" and ids:
            edit.set_documentation(changed, draw(st.sampled_from(ids)), "IT-System: " + draw(labels))
        elif action == "relane" and ids and len(lanes) > 1:
            edit.move_to_lane(changed, draw(st.sampled_from(ids)), draw(st.sampled_from(lanes)))
        elif action == "add":
            edit.add_flow_node(changed, "P", "task", draw(labels) + " (neu)")
        changed.reindex()
    return model, changed


def c14n(data):
    return etree.tostring(etree.fromstring(data), method="c14n")


SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(models())
def test_diff_of_a_model_with_itself_is_empty(data):
    a = Model.from_bytes(data, "a.bpmn")
    assert diff_models(a, Model.from_bytes(data, "b.bpmn")).changes == []


@SETTINGS
@given(models().flatmap(edited))
def test_merge_without_upstream_changes_is_local(pair):
    base, local = pair
    result = merge(base, local, base.copy())
    assert result.ok and result.conflicts == []
    assert c14n(result.data) == c14n(local.to_bytes())


@SETTINGS
@given(models().flatmap(edited))
def test_merge_without_local_changes_is_upstream(pair):
    base, upstream = pair
    result = merge(base, base.copy(), upstream)
    assert result.ok and result.conflicts == []
    merged = Model.from_bytes(result.data, "merged.bpmn")
    assert diff_models(merged, upstream, mode="id").semantic_changes == []


@SETTINGS
@given(models(), st.integers(0, 1000))
def test_regenerated_ids_leave_no_semantic_change(data, seed):
    a = Model.from_bytes(data, "a.bpmn")
    b = a.copy()
    edit.regenerate_ids(b, seed)
    b.reindex()
    assert diff_models(a, b).semantic_changes == []


@SETTINGS
@given(models().flatmap(edited))
def test_write_then_read_gives_the_same_document(pair):
    for model in pair:
        written = model.to_bytes()
        assert c14n(Model.from_bytes(written, "again.bpmn").to_bytes()) == c14n(written)
