"""Consistent edits of a Model: each changes the lxml tree and keeps the model whole.

Removing a node removes its flows, its lane membership, its boundary events and its shapes and
edges; adding a node gives it a shape when the model has diagram interchange. Every function
re-indexes the model before it returns, so the view is never stale. Element placement follows
the XSD's child order, so an edited XSD-valid model stays XSD-valid.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Collection, Mapping

from lxml import etree
from lxml.etree import _Element

from procex.bpmn import kinds
from procex.bpmn.errors import EditError
from procex.bpmn.model import Bounds, Element, Model
from procex.bpmn.xml import BPMN_NS, BPMNDI_NS, DC_NS, DI_NS, XSI_NS, local_name

_B = f"{{{BPMN_NS}}}"
_BPMNDI = f"{{{BPMNDI_NS}}}"
DEFAULT_SIZES: dict[str, tuple[float, float]] = {
    "activity": (100.0, 80.0),
    "event": (36.0, 36.0),
    "gateway": (50.0, 50.0),
    "data": (36.0, 50.0),
}
# Children of tFlowNode/tActivity/tEvent that must come before event definitions and the like.
_HEAD = ("documentation", "extensionElements")
_FLOW_NODE_HEAD = _HEAD + ("auditing", "monitoring", "categoryValueRef", "incoming", "outgoing")


def _require(model: Model, ident: str, *allowed_kinds: str) -> Element:
    view = model.get(ident)
    if view is None:
        raise EditError(f"no element with id {ident!r} in {model.source or 'the model'}")
    if allowed_kinds and view.type not in allowed_kinds and view.category not in allowed_kinds:
        raise EditError(f"{ident!r} is a {view.type}, expected {' or '.join(allowed_kinds)}")
    return view


def new_id(model: Model, prefix: str) -> str:
    """An id not yet used in the model: ``prefix_`` followed by 8 hex digits."""
    while True:
        ident = f"{prefix}_{uuid.uuid4().hex[:8]}"
        if ident not in model:
            return ident


def insert_child(
    parent: _Element, child: _Element, after_kinds: Collection[str] = (), before_kinds: Collection[str] = ()
) -> _Element:
    """Insert ``child`` after the last child whose kind is in ``after_kinds``, else before the
    first child whose kind is in ``before_kinds``, else after the leading documentation/extensions."""
    children = [c for c in parent if isinstance(c.tag, str)]
    last_after = None
    for c in children:
        if local_name(c.tag) in after_kinds:
            last_after = c
    if last_after is not None:
        last_after.addnext(child)
        _copy_indent(last_after, child)
        return child
    for c in children:
        if local_name(c.tag) in before_kinds:
            c.addprevious(child)
            _copy_indent(child.getprevious(), child, parent)
            return child
    head = [c for c in children if local_name(c.tag) in _HEAD]
    if head:
        head[-1].addnext(child)
        _copy_indent(head[-1], child)
    else:
        parent.insert(0, child)
        child.tail = parent.text
    return child


def _copy_indent(sibling: _Element | None, child: _Element, parent: _Element | None = None) -> None:
    """Give the inserted element the same indentation as its neighbours (cosmetic only)."""
    if sibling is not None and sibling.tail is not None and not sibling.tail.strip():
        child.tail = sibling.tail
    elif parent is not None and parent.text is not None and not parent.text.strip():
        child.tail = parent.text


# --- names and attributes --------------------------------------------------------------------


def rename(model: Model, ident: str, name: str | None) -> None:
    """Set (or, with None, remove) the label of an element."""
    view = _require(model, ident)
    if name is None:
        view.el.attrib.pop("name", None)
    else:
        view.el.set("name", name)
    model.reindex()


def set_attribute(model: Model, ident: str, attribute: str, value: object) -> None:
    """Set or (value None) remove an attribute; ``attribute`` may be a Clark name {ns}local."""
    view = _require(model, ident)
    if value is None:
        view.el.attrib.pop(attribute, None)
    else:
        view.el.set(attribute, str(value))
    model.reindex()


def set_documentation(model: Model, ident: str, text: str | None) -> None:
    """Replace the element's documentation with one entry (None removes all)."""
    view = _require(model, ident)
    for doc in view.el.findall(_B + "documentation"):
        view.el.remove(doc)
    if text is not None:
        doc = etree.Element(_B + "documentation")
        doc.text = text
        view.el.insert(0, doc)
        doc.tail = view.el.text
    model.reindex()


def set_condition(model: Model, flow_id: str, expression: str | None) -> None:
    """Set the condition expression of a sequence flow (None removes it)."""
    flow = _require(model, flow_id, "sequenceFlow")
    old = flow.el.find(_B + "conditionExpression")
    if old is not None:
        flow.el.remove(old)
    if expression is not None:
        cond = etree.Element(_B + "conditionExpression")
        cond.set(f"{{{XSI_NS}}}type", _qname(flow.el, BPMN_NS, "tFormalExpression"))
        cond.text = expression
        insert_child(flow.el, cond, after_kinds=_HEAD)
    model.reindex()


def _qname(el: _Element, namespace: str, local: str) -> str:
    """A QName value for ``local`` in ``namespace`` using a prefix in scope at ``el``."""
    for prefix, uri in el.nsmap.items():
        if uri == namespace:
            return f"{prefix}:{local}" if prefix else local
    raise EditError(f"namespace {namespace} has no prefix in scope")


def set_timer(model: Model, event_id: str, value: str, kind: str = "timeDuration") -> None:
    """Set the timer of a timer event: ``kind`` is timeDuration, timeDate or timeCycle."""
    event = _require(model, event_id, "event")
    definition = event.el.find(_B + "timerEventDefinition")
    if definition is None:
        raise EditError(f"{event_id!r} has no timer event definition")
    for existing in definition.findall("*"):
        if local_name(existing.tag) in ("timeDuration", "timeDate", "timeCycle"):
            definition.remove(existing)
    expression = etree.SubElement(definition, _B + kind)
    expression.set(f"{{{XSI_NS}}}type", _qname(definition, BPMN_NS, "tFormalExpression"))
    expression.text = value
    model.reindex()


def set_default_flow(model: Model, node_id: str, flow_id: str | None) -> None:
    """Make ``flow_id`` (an outgoing sequence flow of the node) its default flow; None clears it."""
    node = _require(model, node_id, "gateway", "activity")
    if flow_id is None:
        node.el.attrib.pop("default", None)
    else:
        flow = _require(model, flow_id, "sequenceFlow")
        if kinds.local_ref(flow.el.get("sourceRef", "")) != node_id:
            raise EditError(f"flow {flow_id!r} does not leave {node_id!r}; a default flow must be outgoing")
        node.el.set("default", flow_id)
    model.reindex()


def change_type(model: Model, ident: str, new_type: str) -> None:
    """Retype an element within its category (task -> userTask, exclusive -> parallel gateway)."""
    view = _require(model, ident)
    if kinds.category(new_type) != view.category or new_type == view.type:
        raise EditError(f"cannot change {view.type} {ident!r} into {new_type}")
    view.el.tag = _B + new_type
    if new_type != "exclusiveGateway" and new_type not in ("inclusiveGateway", "complexGateway"):
        if view.category == "gateway":
            view.el.attrib.pop("default", None)
    model.reindex()


# --- lanes -----------------------------------------------------------------------------------


def move_to_lane(model: Model, node_id: str, lane_id: str, draw: bool = True) -> None:
    """Move a flow node into another lane of its process, in the model and in the diagram.

    As a modelling tool does: the node's shape (with its label and attached boundary events)
    moves across into the target lane's band, keeping its place along the flow, and the flows
    at it are routed anew between the shapes. ``draw=False`` leaves the diagram as it is (for a
    caller that lays out itself).
    """
    node = _require(model, node_id, "activity", "event", "gateway", "data")
    target = _require(model, lane_id, "lane")
    if node.process is not None and target.process is not None and node.process.el is not target.process.el:
        raise EditError(f"lane {lane_id!r} belongs to another process than {node_id!r}")
    was_in_parent_lanes = any(lane.child_lanes for lane in node.lanes)
    lane_set_root = target.el
    while lane_set_root.getparent() is not None and local_name(lane_set_root.getparent().tag) in (
        "lane",
        "laneSet",
        "childLaneSet",
    ):
        lane_set_root = lane_set_root.getparent()
    for ref in list(lane_set_root.iter(_B + "flowNodeRef")):
        if (ref.text or "").strip() == node_id:
            _remove(ref)
    lanes = [target.el]
    if was_in_parent_lanes:
        parent = target.parent_lane
        while parent is not None:
            lanes.append(parent.el)
            parent = parent.parent_lane
    for lane in lanes:
        ref = etree.Element(_B + "flowNodeRef")
        ref.text = node_id
        insert_child(lane, ref, after_kinds=("flowNodeRef", "partitionElement"), before_kinds=("childLaneSet",))
    model.reindex()
    if draw and _move_shape_into_lane(model, node_id, lane_id):
        model.reindex()


def _move_shape_into_lane(model: Model, node_id: str, lane_id: str) -> bool:
    """Shift the node's shape into the lane's band; True when something moved."""
    lane_shapes, node_shapes = model.shapes_of(lane_id), model.shapes_of(node_id)
    if not lane_shapes or not node_shapes:
        return False
    band, box = lane_shapes[0].bounds, node_shapes[0].bounds
    if band is None or box is None:
        return False
    dx = dy = 0.0
    if lane_shapes[0].is_horizontal is not False:  # bands stacked top to bottom (the usual drawing)
        if not (band.y <= box.y and box.y + box.height <= band.y + band.height):
            dy = band.y + (band.height - box.height) / 2 - box.y
    elif not (band.x <= box.x and box.x + box.width <= band.x + band.width):
        dx = band.x + (band.width - box.width) / 2 - box.x
    if not dx and not dy:
        return False
    moved = [node_id] + [
        b.id for b in model.of_kind("boundaryEvent") if kinds.local_ref(b.el.get("attachedToRef", "")) == node_id
    ]
    for ident in moved:
        for shape in model.shapes_of(ident):
            for bounds in shape.el.iter(f"{{{DC_NS}}}Bounds"):  # the shape's and its label's
                for key, delta in (("x", dx), ("y", dy)):
                    try:
                        bounds.set(key, format_number(float(bounds.get(key)) + delta))
                    except (TypeError, ValueError):
                        continue
    model.reindex()
    for flow in model.sequence_flows:
        source = kinds.local_ref(flow.el.get("sourceRef", ""))
        target = kinds.local_ref(flow.el.get("targetRef", ""))
        if source in moved or target in moved:
            _route_edges(model, flow.id, source, target)
    return True


def _route_edges(model: Model, flow_id: str | None, source_id: str, target_id: str) -> None:
    """Draw the flow's edges anew between its ends' shapes (orthogonal, see ``route``)."""
    source_shapes, target_shapes = model.shapes_of(source_id), model.shapes_of(target_id)
    if not (source_shapes and target_shapes and source_shapes[0].bounds and target_shapes[0].bounds):
        return
    for edge in model.edges_of(flow_id):
        for wp in edge.el.findall(f"{{{DI_NS}}}waypoint"):
            edge.el.remove(wp)
        label = edge.el.find(_BPMNDI + "BPMNLabel")
        for x, y in route(source_shapes[0].bounds, target_shapes[0].bounds):
            wp = etree.Element(f"{{{DI_NS}}}waypoint")
            wp.set("x", format_number(x))
            wp.set("y", format_number(y))
            if label is not None:
                label.addprevious(wp)
            else:
                edge.el.append(wp)


# --- adding ----------------------------------------------------------------------------------


def add_flow_node(
    model: Model,
    container_id: str,
    kind: str,
    name: str | None = None,
    ident: str | None = None,
    lane_id: str | None = None,
    bounds: tuple[float, float, float, float] | None = None,
    event_definition: str | None = None,
) -> str:
    """Add a flow node of ``kind`` to a process or sub-process and return its id.

    With ``lane_id`` it joins that lane; with diagram interchange it gets a shape (``bounds`` as
    (x, y, width, height), else placed right of the container's last shape).
    """
    container = _require(model, container_id, *kinds.CONTAINERS)
    if kind not in kinds.FLOW_NODES and kind not in kinds.DATA_ELEMENTS:
        raise EditError(f"{kind!r} is not a flow node kind")
    ident = ident or new_id(model, kind[0].upper() + kind[1:])
    if ident in model:
        raise EditError(f"id {ident!r} is already in use")
    el = etree.Element(_B + kind)
    el.set("id", ident)
    if name is not None:
        el.set("name", name)
    if event_definition:
        definition = etree.SubElement(el, _B + event_definition)
        definition.set("id", new_id(model, event_definition[0].upper() + event_definition[1:]))
    insert_child(
        container.el,
        el,
        after_kinds=kinds.FLOW_ELEMENTS,
        before_kinds=kinds.ARTIFACTS | {"resourceRole", "correlationSubscription", "supports"},
    )
    model.reindex()
    if lane_id:
        move_to_lane(model, ident, lane_id)
    _add_shape(model, ident, kind, container_id, lane_id, bounds)
    model.reindex()
    return ident


def _plane_for(model: Model, container_id: str) -> _Element | None:
    """The BPMNPlane that draws the container (or its pool), else the first plane."""
    diagrams = model.diagrams
    if not diagrams:
        return None
    wanted: set[str | None] = {container_id}
    view = model.get(container_id)
    if view is not None and view.process is not None:
        wanted.add(view.process.id)
        if view.process.participant is not None:
            wanted.add(view.process.participant.id)
    for diagram in diagrams:
        if any(shape.bpmn_element in wanted for shape in diagram.shapes) or diagram.plane_element in wanted:
            return diagram.el.find(_BPMNDI + "BPMNPlane")
    return diagrams[0].el.find(_BPMNDI + "BPMNPlane")


def _add_shape(
    model: Model,
    ident: str,
    kind: str,
    container_id: str,
    lane_id: str | None,
    bounds: tuple[float, float, float, float] | None,
) -> None:
    plane = _plane_for(model, container_id)
    if plane is None:
        return
    width, height = DEFAULT_SIZES.get(kinds.category(kind), (100.0, 80.0))
    if bounds is None:
        bounds = _free_spot(model, plane, container_id, lane_id, width, height)
    shape = etree.Element(_BPMNDI + "BPMNShape")
    shape.set("id", new_id(model, f"{ident}_di"))
    shape.set("bpmnElement", ident)
    if kind in kinds.SUB_PROCESSES:
        shape.set("isExpanded", "false")
    dc = etree.SubElement(shape, f"{{{DC_NS}}}Bounds")
    for key, value in zip(("x", "y", "width", "height"), bounds, strict=True):
        dc.set(key, format_number(value))
    insert_child(plane, shape, after_kinds=("BPMNShape",), before_kinds=("BPMNEdge",))


def _free_spot(
    model: Model, plane: _Element, container_id: str, lane_id: str | None, width: float, height: float
) -> tuple[float, float, float, float]:
    """Right of everything drawn in the lane (or container), vertically centred in it."""
    area = None
    for ref in (lane_id, container_id):
        shapes = model.shapes_of(ref) if ref else []
        if shapes and shapes[0].bounds:
            area = shapes[0].bounds
            break
    members: set[str | None] = set()
    view = model.get(lane_id) if lane_id else None
    if view is not None:
        members = set(view.flow_node_refs)
    else:
        members = {c.id for c in model[container_id].children}
    right = max((s.bounds.x + s.bounds.width for m in members for s in model.shapes_of(m) if s.bounds), default=None)
    if area is not None:
        y = area.y + (area.height - height) / 2
        x = (right + 40) if right is not None else area.x + 60
    else:
        y = 100.0
        x = (right + 40) if right is not None else 100.0
    return (x, y, width, height)


def format_number(value: float | str) -> str:
    """A coordinate as BPMN DI writes it: ``100`` for 100.0, else the shortest exact float."""
    value = float(value)
    return str(int(value)) if value.is_integer() else repr(value)


def add_sequence_flow(
    model: Model,
    source_id: str,
    target_id: str,
    name: str | None = None,
    ident: str | None = None,
    condition: str | None = None,
) -> str:
    """Connect two flow nodes of the same container; returns the new flow's id."""
    source = _require(model, source_id)
    target = _require(model, target_id)
    container = source.container
    if container is None or target.container is None or container.el is not target.container.el:
        raise EditError(
            f"{source_id!r} and {target_id!r} are not in the same process or sub-process; "
            "a sequence flow cannot cross that boundary"
        )
    ident = ident or new_id(model, "Flow")
    flow = etree.Element(_B + "sequenceFlow")
    flow.set("id", ident)
    if name is not None:
        flow.set("name", name)
    flow.set("sourceRef", source_id)
    flow.set("targetRef", target_id)
    insert_child(
        container.el,
        flow,
        after_kinds=kinds.FLOW_ELEMENTS,
        before_kinds=kinds.ARTIFACTS | {"resourceRole", "correlationSubscription", "supports"},
    )
    link_incoming_outgoing(source.el, target.el, ident)
    model.reindex()
    if condition is not None:
        set_condition(model, ident, condition)
    _add_edge(model, ident, source_id, target_id, container.id)
    model.reindex()
    return ident


def link_incoming_outgoing(source_el: _Element, target_el: _Element, flow_id: str) -> None:
    """Keep the optional incoming/outgoing children in step where the file uses them."""
    for node, child_kind in ((source_el, "outgoing"), (target_el, "incoming")):
        if node.find(_B + "incoming") is None and node.find(_B + "outgoing") is None:
            continue
        ref = etree.Element(_B + child_kind)
        ref.text = flow_id
        after: tuple[str, ...] = (
            "documentation",
            "extensionElements",
            "auditing",
            "monitoring",
            "categoryValueRef",
            "incoming",
        )
        if child_kind == "outgoing":
            after += ("outgoing",)
        insert_child(node, ref, after_kinds=after)


def _add_edge(model: Model, flow_id: str, source_id: str, target_id: str, container_id: str | None) -> None:
    source_shapes, target_shapes = model.shapes_of(source_id), model.shapes_of(target_id)
    if not source_shapes or not target_shapes or not source_shapes[0].bounds or not target_shapes[0].bounds:
        return
    plane = source_shapes[0].el.getparent()
    edge = etree.Element(_BPMNDI + "BPMNEdge")
    edge.set("id", new_id(model, f"{flow_id}_di"))
    edge.set("bpmnElement", flow_id)
    for x, y in route(source_shapes[0].bounds, target_shapes[0].bounds):
        wp = etree.SubElement(edge, f"{{{DI_NS}}}waypoint")
        wp.set("x", format_number(x))
        wp.set("y", format_number(y))
    insert_child(plane, edge, after_kinds=("BPMNShape", "BPMNEdge"))


def route(a: Bounds, b: Bounds) -> list[tuple[float, float]]:
    """Orthogonal waypoints from shape ``a`` to shape ``b`` (right side to left side)."""
    ax, ay = a.x + a.width, a.y + a.height / 2
    bx, by = b.x, b.y + b.height / 2
    if abs(ay - by) < 1:
        return [(ax, ay), (bx, by)]
    centre = a.x + a.width / 2
    if b.x <= centre <= b.x + b.width and (b.y >= a.y + a.height or b.y + b.height <= a.y):
        # one above the other (a step moved into the lane below): straight down or up
        if b.y >= a.y + a.height:
            return [(centre, a.y + a.height), (centre, b.y)]
        return [(centre, a.y), (centre, b.y + b.height)]
    if bx > ax:
        mid = (ax + bx) / 2
        return [(ax, ay), (mid, ay), (mid, by), (bx, by)]
    top = min(a.y, b.y) - 30
    return [(a.x + a.width / 2, a.y), (a.x + a.width / 2, top), (b.x + b.width / 2, top), (b.x + b.width / 2, b.y)]


def reconnect(model: Model, flow_id: str, source_id: str | None = None, target_id: str | None = None) -> None:
    """Point a sequence flow at another source and/or target in the same container."""
    flow = _require(model, flow_id, "sequenceFlow")
    for attr, new in (("sourceRef", source_id), ("targetRef", target_id)):
        if new is None:
            continue
        node = _require(model, new)
        if node.container is None or flow.container is None or node.container.el is not flow.container.el:
            raise EditError(f"{new!r} is not in the same process or sub-process as flow {flow_id!r}")
        old = kinds.local_ref(flow.el.get(attr, ""))
        child_kind = "outgoing" if attr == "sourceRef" else "incoming"
        old_el = model.element(old)
        if old_el is not None:
            for ref in old_el.findall(_B + child_kind):
                if (ref.text or "").strip() == flow_id:
                    _remove(ref)
            if attr == "sourceRef" and kinds.local_ref(old_el.get("default", "")) == flow_id:
                del old_el.attrib["default"]
        flow.el.set(attr, new)
        src, tgt = (node.el, None) if attr == "sourceRef" else (None, node.el)
        if src is not None and (src.find(_B + "incoming") is not None or src.find(_B + "outgoing") is not None):
            link_incoming_outgoing(src, etree.Element("dummy"), flow_id)
        if tgt is not None and (tgt.find(_B + "incoming") is not None or tgt.find(_B + "outgoing") is not None):
            link_incoming_outgoing(etree.Element("dummy"), tgt, flow_id)
    model.reindex()
    _route_edges(model, flow_id, kinds.local_ref(flow.el.get("sourceRef")), kinds.local_ref(flow.el.get("targetRef")))
    model.reindex()


# --- moving between containers ---------------------------------------------------------------


def move_to_container(model: Model, node_id: str, container_id: str) -> list[str]:
    """Move a flow node into another process or sub-process.

    Sequence flows that would cross the container boundary are removed (a sequence flow may not
    cross it); the ids of removed flows are returned.
    """
    node = _require(model, node_id, "activity", "event", "gateway", "data")
    container = _require(model, container_id, *kinds.CONTAINERS)
    if node.el in container.el.iterancestors() or node.el is container.el:
        raise EditError(f"cannot move {node_id!r} into itself")
    node.el.getparent().remove(node.el)
    node.el.tail = None
    insert_child(
        container.el,
        node.el,
        after_kinds=kinds.FLOW_ELEMENTS,
        before_kinds=kinds.ARTIFACTS | {"resourceRole", "correlationSubscription", "supports"},
    )
    model.reindex()
    removed: list[str] = []
    for flow in list(model.sequence_flows):
        ends = (kinds.local_ref(flow.el.get("sourceRef", "")), kinds.local_ref(flow.el.get("targetRef", "")))
        if node_id in ends:
            other = ends[1] if ends[0] == node_id else ends[0]
            other_view = model.get(other)
            if other_view is None or other_view.container is None or other_view.container.el is not container.el:
                if flow.id is None:
                    raise EditError(f"a sequence flow at {node_id!r} has no id; give it one before moving {node_id!r}")
                removed.append(flow.id)
    for flow_id in removed:
        remove_element(model, flow_id)
    # Boundary events travel with their activity.
    for boundary in model.of_kind("boundaryEvent"):
        if kinds.local_ref(boundary.el.get("attachedToRef", "")) == node_id:
            boundary.el.getparent().remove(boundary.el)
            insert_child(container.el, boundary.el, after_kinds=kinds.FLOW_ELEMENTS)
    model.reindex()
    return removed


# --- removing --------------------------------------------------------------------------------


def _remove(el: _Element) -> None:
    """Detach ``el``; whitespace tails need no care, the previous sibling's tail indents what follows."""
    parent = el.getparent()
    if parent is not None:
        parent.remove(el)


def remove_element(model: Model, ident: str) -> list[str]:
    """Remove an element and everything that would otherwise dangle.

    A flow node takes its sequence flows, message flows, associations, data associations,
    boundary events, lane memberships, shapes and edges with it; a flow takes its
    incoming/outgoing entries, any ``default`` naming it, and its edge; a sub-process or
    participant takes its content's shapes too. Returns the ids removed.
    """
    view = _require(model, ident)
    removed: list[str] = []
    pending = [view.el]
    while pending:
        el = pending.pop()
        if el.getparent() is None:
            continue
        doomed_ids = [e.get("id") for e in el.iter() if isinstance(e.tag, str) and e.get("id")]
        doomed = set(doomed_ids)
        # Things that point at what goes.
        for other in list(model.root.iter()):
            if not isinstance(other.tag, str) or other is el:
                continue
            kind = local_name(other.tag)
            if kind in (
                "sequenceFlow",
                "messageFlow",
                "association",
                "dataInputAssociation",
                "dataOutputAssociation",
                "conversationLink",
            ):
                ends = {kinds.local_ref(other.get("sourceRef", "")), kinds.local_ref(other.get("targetRef", ""))}
                ends |= {(c.text or "").strip() for c in other if local_name(c.tag) in ("sourceRef", "targetRef")}
                if ends & doomed and not _is_inside(other, el):
                    pending.append(other)
            elif (
                kind == "boundaryEvent"
                and kinds.local_ref(other.get("attachedToRef", "")) in doomed
                and not _is_inside(other, el)
            ):
                pending.append(other)
        for other in list(model.root.iter()):
            if not isinstance(other.tag, str) or _is_inside(other, el):
                continue
            kind = local_name(other.tag)
            if kind in ("flowNodeRef", "incoming", "outgoing") and (other.text or "").strip() in doomed:
                _remove(other)
            elif kind in ("BPMNShape", "BPMNEdge") and kinds.local_ref(other.get("bpmnElement", "")) in doomed:
                _remove(other)
            elif other.get("default") is not None and kinds.local_ref(other.get("default")) in doomed:
                del other.attrib["default"]
        _remove(el)
        removed.extend(doomed_ids)
    model.reindex()
    return removed


def _is_inside(el: _Element, ancestor: _Element) -> bool:
    return el is ancestor or any(a is ancestor for a in el.iterancestors())


# --- ids ---------------------------------------------------------------------------------------


def rename_ids(model: Model, mapping: Mapping[str, str]) -> None:
    """Give elements new ids, updating every reference (attributes and reference texts)."""
    if not mapping:
        return
    for el in model.root.iter():
        if not isinstance(el.tag, str):
            continue
        ident = el.get("id")
        if ident in mapping and el.tag.startswith((f"{{{BPMN_NS}}}", _BPMNDI)):
            el.set("id", mapping[ident])
        for attr in kinds.REFERENCE_ATTRIBUTES:
            value = el.get(attr)
            if value is None:
                continue
            parts = value.split()
            changed = [_renamed(p, mapping) for p in parts]
            if changed != parts:
                el.set(attr, " ".join(changed))
        if local_name(el.tag) in kinds.REFERENCE_TEXT_ELEMENTS and el.text and el.tag.startswith(f"{{{BPMN_NS}}}"):
            new = _renamed(el.text.strip(), mapping)
            if new != el.text.strip():
                el.text = new
    model.reindex()


def _renamed(value: str, mapping: Mapping[str, str]) -> str:
    if ":" in value:
        prefix, local = value.rsplit(":", 1)
        return f"{prefix}:{mapping[local]}" if local in mapping else value
    return mapping.get(value, value)


def regenerate_ids(model: Model, seed: int = 0) -> dict[str, str]:
    """Give every BPMN and BPMNDI element a fresh id (as another tool's re-export would)."""
    counter = itertools.count(1)
    mapping: dict[str, str] = {}
    for ident in model.ids:
        if ident not in mapping:
            mapping[ident] = (
                f"id_{seed}_{next(counter):05d}_{uuid.uuid5(uuid.NAMESPACE_OID, f'{seed}:{ident}').hex[:6]}"
            )
    rename_ids(model, mapping)
    return mapping


__all__ = [
    "rename",
    "set_attribute",
    "set_documentation",
    "set_condition",
    "set_timer",
    "set_default_flow",
    "change_type",
    "move_to_lane",
    "add_flow_node",
    "add_sequence_flow",
    "reconnect",
    "move_to_container",
    "remove_element",
    "rename_ids",
    "regenerate_ids",
    "new_id",
    "route",
    "Bounds",
    "insert_child",
    "link_incoming_outgoing",
    "format_number",
]
