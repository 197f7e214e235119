"""Applying names, types, lanes, flow ends and moves of elements both models have (mixed into Applier)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lxml.etree import _Element

if TYPE_CHECKING:
    from procex.bpmn.merge_apply.state import ApplierLike

from lxml import etree

from procex.bpmn import edit, kinds
from procex.bpmn.merge_apply.diagram import vertical_route
from procex.bpmn.merge_apply.errors import MergeApplyError
from procex.bpmn.merge_apply.names import BPMN, BPMNDI, CONTAINER_BEFORE, DI, FLOW_ENDS_KINDS
from procex.bpmn.merge_apply.tree_index import id_of, inside
from procex.bpmn.xml import local_name


class Changes:
    """Renames, retypes, relanes, rewires and moves LOCAL elements as UPSTREAM has them."""

    def rename(self: ApplierLike, up_id: str) -> None:
        up = self._up(up_id)
        loc = self._need(self._local_of(up_id))
        if local_name(up.tag) == "textAnnotation":
            self._sync_children(up, loc, BPMN + "text")
        elif up.get("name") is None:
            loc.attrib.pop("name", None)
        else:
            loc.set("name", up.get("name"))

    def retype(self: ApplierLike, up_id: str) -> None:
        up = self._up(up_id)
        self._change_type(self._el(self._local_of(up_id)), local_name(up.tag))

    def _change_type(self: ApplierLike, el: _Element, new_type: str) -> None:
        old = local_name(el.tag)
        if old == new_type:
            return
        if kinds.category(new_type) != kinds.category(old):
            raise MergeApplyError(f"cannot change {old} {el.get('id')!r} into {new_type}")
        el.tag = BPMN + new_type
        if kinds.category(new_type) == "gateway" and new_type not in (
            "exclusiveGateway",
            "inclusiveGateway",
            "complexGateway",
        ):
            el.attrib.pop("default", None)

    def relane(self: ApplierLike, up_id: str) -> None:
        lid = self._local_of(up_id)
        up_lanes = self.up_ix.lanes_of(up_id)
        if not up_lanes:
            for ref in [r for r in self.ix.users(lid) if local_name(r.tag) == "flowNodeRef"]:
                ref.getparent().remove(ref)
            return
        self.move_to_lane(lid, self._local_of(up_lanes[0].get("id")))

    def move_to_lane(self: ApplierLike, node_id: str, lane_id: str) -> None:
        """bpmn.edit.move_to_lane on the index: leave every lane of the lane set, join the target
        (and its parent lanes when the node was listed in parent lanes before)."""
        target = self._need(lane_id)
        current = self.ix.lanes_of(node_id)
        was_in_parent_lanes = any(lane.find(f"{BPMN}childLaneSet/{BPMN}lane") is not None for lane in current)
        root = target
        while root.getparent() is not None and local_name(root.getparent().tag) in ("lane", "laneSet", "childLaneSet"):
            root = root.getparent()
        for ref in [r for r in self.ix.users(node_id) if local_name(r.tag) == "flowNodeRef"]:
            if inside(ref, root):
                ref.getparent().remove(ref)
        lanes = [target]
        if was_in_parent_lanes:
            parent = target.getparent().getparent()
            while parent is not None and local_name(parent.tag) == "lane":
                lanes.append(parent)
                parent = parent.getparent().getparent()
        for lane in lanes:
            ref = etree.Element(BPMN + "flowNodeRef")
            ref.text = node_id
            edit.insert_child(
                lane, ref, after_kinds=("flowNodeRef", "partitionElement"), before_kinds=("childLaneSet",)
            )
            self.ix.add_tree(ref)

    def rewire(self: ApplierLike, up_id: str, attribute: str) -> None:
        lid = self._local_of(up_id)
        end = kinds.local_ref(self._up(up_id).get(attribute, ""))
        self.reconnect(lid, attribute, self._local_of(end))

    def reconnect(self: ApplierLike, flow_id: str, attribute: str, new_end: str) -> None:
        """bpmn.edit.reconnect on the index: move one end, keep incoming/outgoing and the default
        flow right, route the edge afresh."""
        flow = self._need(flow_id)
        old = kinds.local_ref(flow.get(attribute, ""))
        if old == new_end:
            return
        target = self._need(new_end)
        if local_name(flow.tag) == "sequenceFlow" and self.ix.container(target) is not self.ix.container(flow):
            raise MergeApplyError(f"{new_end!r} is not in the same process or sub-process as flow {flow_id!r}")
        child_kind = "outgoing" if attribute == "sourceRef" else "incoming"
        old_el = self._el(old)
        if old_el is not None:
            for ref in old_el.findall(BPMN + child_kind):
                if (ref.text or "").strip() == flow_id:
                    old_el.remove(ref)
            if attribute == "sourceRef" and kinds.local_ref(old_el.get("default", "")) == flow_id:
                del old_el.attrib["default"]
        self.ix.set_ref(flow, attribute, new_end)
        if target.find(BPMN + "incoming") is not None or target.find(BPMN + "outgoing") is not None:
            dummy = etree.Element("dummy")
            if attribute == "sourceRef":
                edit.link_incoming_outgoing(target, dummy, flow_id)
            else:
                edit.link_incoming_outgoing(dummy, target, flow_id)
            self.ix.add_tree(target)
        self._reroute(flow)

    def _reroute(self: ApplierLike, flow: _Element) -> None:
        start, end = (self.ix.bounds(kinds.local_ref(flow.get(a, ""))) for a in ("sourceRef", "targetRef"))
        if start is None or end is None:
            return
        for edge in self.ix.edges.get(flow.get("id"), ()):
            if not self.ix.attached(edge):
                continue
            for wp in edge.findall(DI + "waypoint"):
                edge.remove(wp)
            label = edge.find(BPMNDI + "BPMNLabel")
            points = vertical_route(start, end) if local_name(flow.tag) == "messageFlow" else edit.route(start, end)
            for x, y in points:
                wp = etree.Element(DI + "waypoint")
                wp.set("x", edit.format_number(x))
                wp.set("y", edit.format_number(y))
                if label is not None:
                    label.addprevious(wp)
                else:
                    edge.append(wp)

    def move(self: ApplierLike, up_id: str) -> str:
        """Move an element into the container UPSTREAM has it in (a sub-process, another pool)."""
        up = self._up(up_id)
        container = self._local_of(id_of(self.up_ix.container(up)))
        if local_name(up.tag) in FLOW_ENDS_KINDS:
            return self._move_flow(up, container)
        lid = self._local_of(up_id)
        if id_of(self.ix.container(self._need(lid))) != container:
            # Rare: done by bpmn.edit itself on a freshly indexed model.
            self.local.reindex()
            edit.move_to_container(self.local, lid, container)
            self.ix.rebuild()
        shape = self.ix.shape(lid)
        if shape is not None:
            self._place_shape(shape, up, lid)
        return lid

    def _move_flow(self: ApplierLike, up: _Element, container: str) -> str:
        """A flow UPSTREAM moved along with its ends: moving an end dropped it, so it is copied in
        again; one that is still there moves into the container."""
        lid = self.loc(up.get("id"))
        if lid is None:
            self.ids.pop(up.get("id"), None)
            return self.add(up.get("id"))
        el = self._need(lid)
        if id_of(self.ix.container(el)) != container:
            el.getparent().remove(el)
            el.tail = None
            edit.insert_child(self._el(container), el, after_kinds=kinds.FLOW_ELEMENTS, before_kinds=CONTAINER_BEFORE)
        return lid
