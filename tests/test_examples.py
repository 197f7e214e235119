"""The shipped example data: Trier's models and manifests, the 1.1.0 update, the Koblenz seed.

Every model must be XSD-valid, have every reference resolve, have diagram interchange for every
element with a layout a person can read (shapes inside their lanes, no overlaps, edges that go
around shapes), and every Leistungsschlüssel must be a real one from the LeiKa list.
"""

import csv
import json
import re
from functools import cache
from itertools import pairwise

import pytest
from lxml import etree

from procex.bpmn import xml as bxml
from procex.bpmn.validate import validate_file
from procex.core.compat import tomllib
from procex.exchange.examples import build_examples
from procex.exchange.library.package import manifest_problems
from tests.conftest import REPO, need_shared

EXAMPLES = REPO / "exchange" / "examples"
TRIER = sorted((EXAMPLES / "trier").glob("*.bpmn"))
TRIER_V2 = sorted((EXAMPLES / "trier-v2").glob("*.bpmn"))
MODELS = TRIER + TRIER_V2
CATALOGUE = EXAMPLES / "koblenz" / "catalogue.csv"
MAPPING = EXAMPLES / "koblenz" / "mapping.toml"
NS = {"bpmn": bxml.BPMN_NS, "bpmndi": bxml.BPMNDI_NS, "dc": bxml.DC_NS, "di": bxml.DI_NS}
KEY = re.compile(r"^99\d{12}$")
WAITING = ("planned", "in_progress")
REQUIRED_SLUGS = {
    "gewerbeanmeldung",
    "hundesteuer-anmeldung",
    "wohnsitz-anmeldung",
    "sondernutzungserlaubnis",
    "bewohnerparkausweis",
    "baugenehmigung-vereinfacht",
}
FLOW_NODES = {
    "startEvent",
    "endEvent",
    "intermediateCatchEvent",
    "intermediateThrowEvent",
    "boundaryEvent",
    "task",
    "userTask",
    "serviceTask",
    "sendTask",
    "receiveTask",
    "manualTask",
    "businessRuleTask",
    "scriptTask",
    "subProcess",
    "callActivity",
    "exclusiveGateway",
    "parallelGateway",
    "inclusiveGateway",
    "eventBasedGateway",
    "complexGateway",
}
REF_ATTRIBUTES = ("sourceRef", "targetRef", "processRef", "bpmnElement", "attachedToRef", "default", "messageRef")
REF_TEXTS = ("flowNodeRef", "incoming", "outgoing")


@pytest.fixture(scope="module")
def schema():
    """The OMG BPMN 2.0 schema, compiled once for this module."""
    return etree.XMLSchema(etree.parse(str(REPO / "schemas" / "bpmn20" / "BPMN20.xsd")))


def ids(paths):
    return [f"{p.parent.name}/{p.name}" for p in paths]


def local(element):
    return bxml.local_name(element.tag)


def bounds(shape):
    b = shape.find("dc:Bounds", NS)
    return tuple(float(b.get(k)) for k in ("x", "y", "width", "height"))


def inside(inner, outer):
    x, y, w, h = inner
    ox, oy, ow, oh = outer
    return ox <= x and oy <= y and x + w <= ox + ow and y + h <= oy + oh


def overlap(a, b):
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


class Doc:
    """One parsed example with its elements, shapes and edges by id."""

    def __init__(self, path):
        self.path = path
        self.tree = bxml.parse_file(path)
        self.root = self.tree.getroot()
        self.by_id = {e.get("id"): e for e in self.root.iter() if isinstance(e.tag, str) and e.get("id")}
        self.nodes = [e for e in self.root.iter(f"{{{bxml.BPMN_NS}}}*") if local(e) in FLOW_NODES]
        self.flows = self.root.findall(".//bpmn:sequenceFlow", NS)
        self.message_flows = self.root.findall(".//bpmn:messageFlow", NS)
        self.shapes = {s.get("bpmnElement"): s for s in self.root.iterfind(".//bpmndi:BPMNShape", NS)}
        self.edges = {e.get("bpmnElement"): e for e in self.root.iterfind(".//bpmndi:BPMNEdge", NS)}

    def waypoints(self, element_id):
        return [(float(p.get("x")), float(p.get("y"))) for p in self.edges[element_id].iterfind("di:waypoint", NS)]


@cache
def load(path):
    return Doc(path)


def manifest_of(path):
    return json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))


def catalogue_rows():
    with CATALOGUE.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


# --- the set of examples ----------------------------------------------------------------------


def test_trier_publishes_the_six_required_processes_and_one_update():
    assert REQUIRED_SLUGS <= {p.stem for p in TRIER}
    assert [p.name for p in TRIER_V2] == ["gewerbeanmeldung.bpmn"]
    for path in MODELS:
        assert path.with_suffix(".json").is_file(), f"{path} has no manifest"


@pytest.mark.slow  # builds every example model again
def test_committed_files_are_what_the_generator_writes(tmp_path):
    written = build_examples.build(tmp_path)
    assert len(written) == 2 * len(MODELS)
    for path in written:
        committed = EXAMPLES / path.relative_to(tmp_path)
        assert committed.read_bytes() == path.read_bytes(), (
            f"{committed} is out of date; run .venv/bin/python -m exchange.examples.build_examples"
        )


# --- each model ---------------------------------------------------------------------------------


@pytest.mark.parametrize("path", MODELS, ids=ids(MODELS))
def test_model_is_xsd_valid(path, schema):
    doc = load(path)
    valid = schema.validate(doc.tree)
    assert valid, "\n".join(f"line {e.line}: {e.message}" for e in schema.error_log)


@pytest.mark.parametrize("path", MODELS, ids=ids(MODELS))
def test_model_lints_clean_with_the_recommended_rules(path):
    # procex's own examples show the style its linter asks for (e.g. a loop re-enters its check
    # task through a merging gateway, not as a second incoming flow: fake-join)
    report = validate_file(path, rules="recommended", config={})
    assert [(f.code, f.severity, f.element) for f in report.findings] == []


@pytest.mark.parametrize("path", MODELS, ids=ids(MODELS))
def test_every_reference_resolves_and_ids_are_unique(path):
    doc = load(path)
    all_ids = [e.get("id") for e in doc.root.iter() if isinstance(e.tag, str) and e.get("id")]
    assert len(all_ids) == len(set(all_ids)), "duplicate ids"
    checked = 0
    for element in doc.root.iter():
        if not isinstance(element.tag, str):
            continue
        for attribute in REF_ATTRIBUTES:
            ref = element.get(attribute)
            if ref is not None:
                assert ref in doc.by_id, f"{element.get('id')}: {attribute}={ref!r} does not resolve"
                checked += 1
        if local(element) in REF_TEXTS:
            assert element.text in doc.by_id, f"{local(element)} {element.text!r} does not resolve"
            checked += 1
    assert checked > 50
    # the kinds are right, not just the ids
    for flow in doc.flows:
        assert local(doc.by_id[flow.get("sourceRef")]) in FLOW_NODES
        assert local(doc.by_id[flow.get("targetRef")]) in FLOW_NODES
    for flow in doc.message_flows:
        ends = {local(doc.by_id[flow.get(a)]) for a in ("sourceRef", "targetRef")}
        assert ends <= FLOW_NODES | {"participant"}
    for node in doc.nodes:
        if node.get("default"):
            assert doc.by_id[node.get("default")].get("sourceRef") == node.get("id")


@pytest.mark.parametrize("path", MODELS, ids=ids(MODELS))
def test_model_has_the_expected_shape(path):
    doc = load(path)
    # small enough to read on one screen; the largest, Gewerbeanmeldung 1.1.0, has 26 (its loop
    # re-enters the check through a merging gateway, and 1.1.0 adds the archiving task)
    assert 8 <= len(doc.nodes) <= 30, f"{len(doc.nodes)} flow nodes"
    participants = doc.root.findall(".//bpmn:collaboration/bpmn:participant", NS)
    assert len(participants) == 2
    city = [p for p in participants if p.get("name") == "Stadt Trier"]
    assert len(city) == 1
    city_process = doc.by_id[city[0].get("processRef")]
    lanes = city_process.findall("bpmn:laneSet/bpmn:lane", NS)
    assert len(lanes) >= 2 and all(lane.get("name") for lane in lanes)
    assert city_process.findtext("bpmn:documentation", namespaces=NS)
    assert len(doc.root.findall(".//bpmn:documentation", NS)) >= 4
    assert doc.message_flows
    definitions = {local(d) for d in doc.root.iterfind(".//bpmn:*", NS) if local(d).endswith("EventDefinition")}
    assert definitions & {"timerEventDefinition", "messageEventDefinition"}
    assert doc.root.findall(".//bpmn:timerEventDefinition", NS), "no timer"
    # exclusive gateways with labelled, conditional branches
    gateways = doc.root.findall(".//bpmn:exclusiveGateway[@default]", NS)
    assert gateways
    for gateway in gateways:
        out = [f for f in doc.flows if f.get("sourceRef") == gateway.get("id")]
        assert len(out) >= 2 and all(f.get("name") for f in out)
        conditional = [f for f in out if f.find("bpmn:conditionExpression", NS) is not None]
        assert conditional and all(f.get("id") != gateway.get("default") for f in conditional)
    service_docs = [
        t.findtext("bpmn:documentation", namespaces=NS) or "" for t in doc.root.iterfind(".//bpmn:serviceTask", NS)
    ]
    assert any("IT-System" in text for text in service_docs)
    labels = " ".join(e.get("name") or "" for e in doc.nodes)
    assert re.search("[äöüß]", labels), "labels without umlauts: not German as written"
    assert doc.tree.docinfo.encoding.upper() == "UTF-8"


@pytest.mark.parametrize("path", MODELS, ids=ids(MODELS))
def test_every_element_has_diagram_interchange(path):
    doc = load(path)
    for element in doc.nodes + doc.root.findall(".//bpmn:participant", NS) + doc.root.findall(".//bpmn:lane", NS):
        shape = doc.shapes.get(element.get("id"))
        assert shape is not None, f"{element.get('id')} has no BPMNShape"
        x, y, w, h = bounds(shape)
        assert w > 0 and h > 0
        if local(element) in ("participant", "lane"):
            assert shape.get("isHorizontal") == "true"
    for flow in doc.flows + doc.message_flows:
        assert flow.get("id") in doc.edges, f"{flow.get('id')} has no BPMNEdge"
        assert len(doc.waypoints(flow.get("id"))) >= 2


@pytest.mark.parametrize("path", MODELS, ids=ids(MODELS))
def test_layout_is_sane(path):
    doc = load(path)
    lane_of = {}
    for lane in doc.root.iterfind(".//bpmn:lane", NS):
        for ref in lane.iterfind("bpmn:flowNodeRef", NS):
            lane_of[ref.text] = lane.get("id")
    pool_of = {}
    for participant in doc.root.iterfind(".//bpmn:participant", NS):
        process = doc.by_id.get(participant.get("processRef"))
        for lane in process.iterfind(".//bpmn:lane", NS) if process is not None else ():
            assert inside(bounds(doc.shapes[lane.get("id")]), bounds(doc.shapes[participant.get("id")]))
        for node in process.iter() if process is not None else ():
            if isinstance(node.tag, str) and local(node) in FLOW_NODES:
                pool_of[node.get("id")] = participant.get("id")
    hosts = {n.get("id"): n.get("attachedToRef") for n in doc.nodes if n.get("attachedToRef")}
    boxes = {n.get("id"): bounds(doc.shapes[n.get("id")]) for n in doc.nodes}
    for node_id, box in boxes.items():
        if node_id in hosts:
            assert overlap(box, boxes[hosts[node_id]]), f"{node_id} is not on its host's border"
            continue
        container = lane_of.get(node_id) or pool_of[node_id]
        assert inside(box, bounds(doc.shapes[container])), f"{node_id} lies outside {container}"
    placed = [(i, b) for i, b in boxes.items() if i not in hosts]
    for n, (a, box_a) in enumerate(placed):
        for b, box_b in placed[n + 1 :]:
            assert not overlap(box_a, box_b), f"{a} and {b} overlap"
    # edges: orthogonal, start and end on their shapes, no segment through another shape
    for flow in doc.flows + doc.message_flows:
        points = doc.waypoints(flow.get("id"))
        for (x1, y1), (x2, y2) in pairwise(points):
            assert x1 == x2 or y1 == y2, f"{flow.get('id')} has a diagonal segment"
        ends = {flow.get("sourceRef"), flow.get("targetRef")}
        for end, point in ((flow.get("sourceRef"), points[0]), (flow.get("targetRef"), points[-1])):
            px, py = point
            x, y, w, h = bounds(doc.shapes[end])
            on_border = x <= px <= x + w and y <= py <= y + h and (px in (x, x + w) or py in (y, y + h))
            assert on_border, f"{flow.get('id')} does not touch {end} at {point}"
        for node_id, (x, y, w, h) in boxes.items():
            if node_id in ends:
                continue
            for (x1, y1), (x2, y2) in pairwise(points):
                crosses_x = (x < x1 < x + w) if x1 == x2 else (min(x1, x2) < x + w and max(x1, x2) > x)
                crosses_y = (y < y1 < y + h) if y1 == y2 else (min(y1, y2) < y + h and max(y1, y2) > y)
                assert not (crosses_x and crosses_y), f"{flow.get('id')} runs through {node_id}"


# --- manifests ----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", MODELS, ids=ids(MODELS))
def test_manifest_fields(path):
    manifest = manifest_of(path)
    assert manifest["publisher"] == "trier"
    assert manifest["slug"] == path.stem
    assert manifest["version"] == ("1.1.0" if path.parent.name == "trier-v2" else "1.0.0")
    assert manifest["region"] == {"ags": "07211000", "name": "Stadt Trier"}
    assert manifest["contact"]["mailbox"] == "prozesse@trier.example"
    assert manifest["license"] == "dl-de/by-2-0"
    assert manifest["legal_basis"] and manifest["keywords"] and len(manifest["description"]) > 80
    assert 101 <= manifest["detaillierungsstufe"] <= 105 and 1 <= manifest["status"] <= 8
    assert "model" not in manifest and "sha256" not in manifest  # filled in at publish time
    # with the publish-time field added, the manifest is valid against the package schema
    complete = {**manifest, "model": {"file": path.name, "size": path.stat().st_size, "sha256": "0" * 64}}
    assert manifest_problems(complete) == []
    # the model names the same process
    city = load(path).root.find(".//bpmn:participant[@name='Stadt Trier']", NS)
    assert load(path).by_id[city.get("processRef")].get("name") == manifest["name"]


def all_keys():
    keys = [(f"{p.parent.name}/{p.stem}.json", k) for p in MODELS for k in manifest_of(p)["leistungsschluessel"]]
    keys += [(f"catalogue.csv line {n}", row["leistungsschluessel"]) for n, row in enumerate(catalogue_rows(), 2)]
    return keys


def test_leistungsschluessel_have_the_key_format():
    keys = all_keys()
    assert len(keys) > 150
    for where, key in keys:
        assert KEY.match(key), f"{where}: {key!r} is not a 14-digit Leistungsschlüssel"


def test_leistungsschluessel_are_in_the_leika_list():
    shared = need_shared()
    with (shared / "data" / "leika" / "leika_2019.csv").open(encoding="utf-8", newline="") as handle:
        leika = {row["leistungsschluessel"]: row["leistungsbezeichnung"] for row in csv.DictReader(handle)}
    for where, key in all_keys():
        assert key in leika, f"{where}: {key} is not in the LeiKa list"
    assert (
        leika[manifest_of(EXAMPLES / "trier" / "gewerbeanmeldung.bpmn")["leistungsschluessel"][0]]
        == "Gewerbe Anmeldung"
    )


# --- the 1.1.0 update ---------------------------------------------------------------------------


def test_gewerbeanmeldung_v2_makes_three_upstream_changes():
    old, new = load(EXAMPLES / "trier" / "gewerbeanmeldung.bpmn"), load(EXAMPLES / "trier-v2" / "gewerbeanmeldung.bpmn")
    old_nodes = {n.get("id"): n for n in old.nodes}
    new_nodes = {n.get("id"): n for n in new.nodes}
    assert set(new_nodes) - set(old_nodes) == {"Task_Vorgang_archivieren"}
    assert set(old_nodes) <= set(new_nodes)
    assert "Task_Vorgang_archivieren" in new.shapes
    renamed = [i for i in old_nodes if old_nodes[i].get("name") != new_nodes[i].get("name")]
    assert renamed == ["Task_Anzeige_pruefen"]

    def conditions(doc):
        return {f.get("id"): f.findtext("bpmn:conditionExpression", namespaces=NS) for f in doc.flows}

    before, after = conditions(old), conditions(new)
    changed = [i for i in before if i in after and before[i] != after[i]]
    assert changed == ["Flow_Erlaubnispflicht_Zuverlaessigkeit_pruefen"]
    assert "ueberwachungsbeduerftig" in after[changed[0]]


# --- the Koblenz workspace seed -------------------------------------------------------------------


def test_catalogue_holds_148_waiting_services_and_the_trier_ones_among_them():
    text = CATALOGUE.read_text(encoding="utf-8")
    assert text.splitlines()[0] == "leistungsschluessel,title,status,office,process"
    rows = catalogue_rows()
    assert all(row["status"] in ("planned", "in_progress", "online") for row in rows)
    waiting = [row for row in rows if row["status"] in WAITING]
    assert len(waiting) == 148
    assert len(rows) - len(waiting) >= 30
    keys = [row["leistungsschluessel"] for row in rows]
    assert len(keys) == len(set(keys)), "a service is listed twice"
    assert all(row["title"].strip() and row["office"].strip() for row in rows)
    waiting_keys = {row["leistungsschluessel"] for row in waiting}
    for path in TRIER:
        assert set(manifest_of(path)["leistungsschluessel"]) <= waiting_keys, path.stem
    assert any("Koblenz" in row["title"] for row in rows)


def test_mapping_rules_turn_every_trier_name_into_a_koblenz_one():
    from procex.bpmn.model import read_model
    from procex.exchange.workspace.mapping import apply_rules, load_rules

    data = tomllib.loads(MAPPING.read_text(encoding="utf-8"))
    names = [rule["name"] for rule in data["rule"]]
    assert len(names) == len(set(names))
    assert {rule["kind"] for rule in data["rule"]} == {"participant", "lane", "system", "text"}
    assert data["rule"][0] == {"name": "stadt", "kind": "participant", "from": "Stadt Trier", "to": "Stadt Koblenz"}
    trier_lanes = {lane.get("name") for p in MODELS for lane in load(p).root.iterfind(".//bpmn:lane", NS)}
    mapped = {rule["from"] for rule in data["rule"] if rule["kind"] == "lane"}
    assert trier_lanes <= mapped, f"lanes without a rule: {trier_lanes - mapped}"

    rules = load_rules(MAPPING)
    used = set()
    for path in MODELS:
        model = read_model(path)
        used |= {change.rule for change in apply_rules(model, rules)}
        texts = [e.get("name") or "" for e in model.root.iter() if isinstance(e.tag, str)]
        texts += [d.text or "" for d in model.root.iterfind(".//bpmn:documentation", NS)]
        assert not [t for t in texts if "Trier" in t], f"{path.name}: Trier left after mapping"
        assert not apply_rules(model, rules), "applying the rules twice changed something"
    assert used == set(names), f"rules that match nothing: {set(names) - used}"
