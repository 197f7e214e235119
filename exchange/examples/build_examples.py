"""Write the example BPMN models and manifests of exchange/examples/ from their descriptions.

    .venv/bin/python -m exchange.examples.build_examples

regenerates trier/<slug>.bpmn + trier/<slug>.json (Stadt Trier, version 1.0.0) and
trier-v2/gewerbeanmeldung.bpmn + .json (1.1.0). The output is deterministic, so running it again
without changing a description changes no file. Descriptions: trier_models.py; layout: layout.py.
"""

import json
import sys
from pathlib import Path

from lxml import etree

from procex.bpmn.xml import BPMN_NS, BPMNDI_NS, DC_NS, DI_NS, XSI_NS
from procex.core.files import atomic_write
from procex.exchange.examples.layout import layout
from procex.exchange.examples.spec import EVENT_KINDS, GATEWAY_KINDS, flow_id

HERE = Path(__file__).resolve().parent
NSMAP = {"bpmn": BPMN_NS, "bpmndi": BPMNDI_NS, "dc": DC_NS, "di": DI_NS, "xsi": XSI_NS}
EXPORTER = "procex exchange/examples/build_examples.py"


def _b(tag):
    return f"{{{BPMN_NS}}}{tag}"


def _sub(parent, ns, tag, **attrs):
    element = etree.SubElement(parent, f"{{{ns}}}{tag}")
    for key, value in attrs.items():
        if value is not None:
            element.set(key, str(value))
    return element


def _doc(parent, text):
    if text:
        _sub(parent, BPMN_NS, "documentation").text = text


def _expression(parent, tag, text):
    element = _sub(parent, BPMN_NS, tag)
    element.set(f"{{{XSI_NS}}}type", "bpmn:tFormalExpression")
    element.text = text
    return element


def resolve_flow_ids(model):
    """Give every flow its readable id and turn gateways' default targets into flow ids."""
    seen = set()
    for pool in model.pools:
        for flow in pool.flows:
            flow.id = flow.id or flow_id(flow.source, flow.target)
            if flow.id in seen:
                raise ValueError(f"{model.slug}: duplicate flow id {flow.id}; give one an id")
            seen.add(flow.id)
    return model


def to_xml(model):
    """The model as a BPMN 2.0 document (bytes, UTF-8), with full diagram interchange."""
    resolve_flow_ids(model)
    geometry = layout(model)
    root = etree.Element(_b("definitions"), nsmap=NSMAP)
    root.set("id", f"Definitions_{model.slug.replace('-', '_')}")
    root.set("targetNamespace", model.target_namespace)
    root.set("exporter", EXPORTER)
    root.set("exporterVersion", "1.0")
    for message_id, name in model.messages:
        _sub(root, BPMN_NS, "message", id=message_id, name=name)

    collaboration_id = f"Collaboration_{model.slug.replace('-', '_')}"
    collaboration = _sub(root, BPMN_NS, "collaboration", id=collaboration_id, name=model.name)
    for pool in model.pools:
        participant = _sub(
            collaboration, BPMN_NS, "participant", id=pool.id, name=pool.name, processRef=pool.process_id
        )
        if not pool.process_id:
            _doc(participant, pool.doc)
    for mflow in model.message_flows:
        _sub(
            collaboration,
            BPMN_NS,
            "messageFlow",
            id=mflow.id,
            name=mflow.name,
            sourceRef=mflow.source,
            targetRef=mflow.target,
            messageRef=mflow.message,
        )

    for pool in model.pools:
        if pool.process_id:
            _process(root, pool)

    _diagram(root, model, collaboration_id, geometry)
    tree = etree.ElementTree(root)
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _process(root, pool):
    process = _sub(root, BPMN_NS, "process", id=pool.process_id, name=pool.process_name, isExecutable="false")
    _doc(process, pool.doc)
    if pool.lanes:
        lane_set = _sub(process, BPMN_NS, "laneSet", id=f"LaneSet_{pool.process_id}")
        for lane in pool.lanes:
            lane_el = _sub(lane_set, BPMN_NS, "lane", id=lane.id, name=lane.name)
            _doc(lane_el, lane.doc)
            hosts = {n.id: n.lane for n in pool.nodes}
            for node in pool.nodes:
                node_lane = node.lane if node.kind != "boundaryEvent" else hosts[node.attached]
                if node_lane == lane.id:
                    _sub(lane_el, BPMN_NS, "flowNodeRef").text = node.id
    incoming, outgoing = {}, {}
    for flow in pool.flows:
        outgoing.setdefault(flow.source, []).append(flow.id)
        incoming.setdefault(flow.target, []).append(flow.id)
    defaults = {}
    for node in pool.nodes:
        if node.default:
            match = [f.id for f in pool.flows if f.source == node.id and f.target == node.default]
            if len(match) != 1:
                raise ValueError(f"{node.id}: default target {node.default} is not one flow")
            defaults[node.id] = match[0]
    for node in pool.nodes:
        element = _sub(process, BPMN_NS, node.kind, id=node.id, name=node.name)
        if node.kind == "boundaryEvent":
            element.set("cancelActivity", "true" if node.cancel else "false")
            element.set("attachedToRef", node.attached)
        if node.kind in GATEWAY_KINDS and node.kind != "eventBasedGateway":
            n_in, n_out = len(incoming.get(node.id, [])), len(outgoing.get(node.id, []))
            direction = "Diverging" if n_out > 1 and n_in <= 1 else "Converging" if n_in > 1 and n_out <= 1 else "Mixed"
            element.set("gatewayDirection", direction)
        if node.id in defaults:
            element.set("default", defaults[node.id])
        if node.kind in ("sendTask", "receiveTask") and node.message:
            element.set("messageRef", node.message)
        _doc(element, node.doc)
        for flow in incoming.get(node.id, []):
            _sub(element, BPMN_NS, "incoming").text = flow
        for flow in outgoing.get(node.id, []):
            _sub(element, BPMN_NS, "outgoing").text = flow
        if node.kind in EVENT_KINDS and node.event:
            _event_definition(element, node)
    for flow in pool.flows:
        element = _sub(
            process, BPMN_NS, "sequenceFlow", id=flow.id, name=flow.name, sourceRef=flow.source, targetRef=flow.target
        )
        if flow.cond:
            _expression(element, "conditionExpression", flow.cond)


def _event_definition(element, node):
    definition_id = f"{node.id}_{node.event.capitalize()}Definition"
    if node.event == "message":
        _sub(element, BPMN_NS, "messageEventDefinition", id=definition_id, messageRef=node.message)
    elif node.event == "timer":
        definition = _sub(element, BPMN_NS, "timerEventDefinition", id=definition_id)
        kind, value = node.timer
        _expression(definition, kind, value)
    elif node.event == "terminate":
        _sub(element, BPMN_NS, "terminateEventDefinition", id=definition_id)
    else:
        raise ValueError(f"{node.id}: event kind {node.event!r} not supported by the builder")


def _bounds(parent, rect):
    _sub(parent, DC_NS, "Bounds", x=round(rect.x), y=round(rect.y), width=round(rect.w), height=round(rect.h))


def _diagram(root, model, collaboration_id, geometry):
    diagram = _sub(root, BPMNDI_NS, "BPMNDiagram", id=f"BPMNDiagram_{model.slug.replace('-', '_')}", name=model.name)
    plane = _sub(
        diagram, BPMNDI_NS, "BPMNPlane", id=f"BPMNPlane_{model.slug.replace('-', '_')}", bpmnElement=collaboration_id
    )
    shapes, labels = geometry.shapes, geometry.labels
    for pool in model.pools:
        shape = _sub(plane, BPMNDI_NS, "BPMNShape", id=f"{pool.id}_di", bpmnElement=pool.id, isHorizontal="true")
        _bounds(shape, shapes[pool.id])
        for lane in pool.lanes:
            shape = _sub(plane, BPMNDI_NS, "BPMNShape", id=f"{lane.id}_di", bpmnElement=lane.id, isHorizontal="true")
            _bounds(shape, shapes[lane.id])
    for pool in model.pools:
        for node in pool.nodes:
            shape = _sub(plane, BPMNDI_NS, "BPMNShape", id=f"{node.id}_di", bpmnElement=node.id)
            if node.kind == "exclusiveGateway":
                shape.set("isMarkerVisible", "true")
            _bounds(shape, shapes[node.id])
            if node.id in labels:
                _bounds(_sub(shape, BPMNDI_NS, "BPMNLabel"), labels[node.id])
    flows = [f.id for p in model.pools for f in p.flows] + [m.id for m in model.message_flows]
    for edge_id in flows:
        edge = _sub(plane, BPMNDI_NS, "BPMNEdge", id=f"{edge_id}_di", bpmnElement=edge_id)
        for x, y in geometry.edges[edge_id]:
            _sub(edge, DI_NS, "waypoint", x=x, y=y)
        if edge_id in labels:
            _bounds(_sub(edge, BPMNDI_NS, "BPMNLabel"), labels[edge_id])


def manifest_json(model):
    return json.dumps(model.manifest, ensure_ascii=False, indent=2) + "\n"


def build(out_root=HERE):
    """Write every example; return the paths written."""
    from procex.exchange.examples.trier_models import trier_models, trier_v2_models

    written = []
    for folder, models in (("trier", trier_models()), ("trier-v2", trier_v2_models())):
        for model in models:
            for suffix, data in ((".bpmn", to_xml(model)), (".json", manifest_json(model))):
                path = Path(out_root) / folder / f"{model.slug}{suffix}"
                atomic_write(path, data)
                written.append(path)
    return written


def main(argv=None):
    for path in build():
        print(path.relative_to(HERE.parent.parent))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
