"""Adding what UPSTREAM added (elements, lanes), bringing back what LOCAL removed, adopting an
element both sides added (mixed into Applier)."""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING

from lxml.etree import _Element

if TYPE_CHECKING:
    from procex.bpmn.merge_apply.state import ApplierLike

from lxml import etree

from procex.bpmn import edit, kinds
from procex.bpmn.merge_apply.errors import MergeApplyError
from procex.bpmn.merge_apply.names import BPMN, CONTAINER_BEFORE, FLOW_ENDS_KINDS, ROOT_BEFORE
from procex.bpmn.merge_apply.tree_index import id_of
from procex.bpmn.xml import local_name


class Adding:
    """Adds, restores and adopts elements (their copies come from Copying, their shapes from Diagram)."""

    def add(self: ApplierLike, up_id: str, local_id: str | None = None) -> str:
        """Copy an element UPSTREAM added (or LOCAL removed) into LOCAL; returns its LOCAL id."""
        up = self._up(up_id)
        kind = local_name(up.tag)
        if kind == "lane":
            return self._add_lane(up, local_id)
        parent = up.getparent()
        parent_kind = local_name(parent.tag)
        after: Collection[str]
        before: Collection[str]
        if parent_kind in kinds.CONTAINERS:
            target = self._el(self._local_of(parent.get("id")))
            after = kinds.FLOW_ELEMENTS | kinds.ARTIFACTS if kind in kinds.ARTIFACTS else kinds.FLOW_ELEMENTS
            before = () if kind in kinds.ARTIFACTS else CONTAINER_BEFORE
        elif parent_kind == "collaboration":
            target = self._local_collaboration(parent)
            order = ("participant", "messageFlow", "association", "textAnnotation", "group")
            after = order[: order.index(kind) + 1] if kind in order else order
            before = order[order.index(kind) + 1 :] if kind in order else ()
        elif parent_kind == "definitions":
            target = self.local.root
            after, before = (), ROOT_BEFORE
        else:
            raise MergeApplyError(f"cannot copy upstream {kind} {up_id!r}: it stands inside <{parent_kind}>")
        el = self._copy(up, local_id=local_id)
        edit.insert_child(target, el, after_kinds=after, before_kinds=before)
        self.ix.add_tree(el)
        new_id: str = el.get("id")
        if kind in kinds.FLOWS:
            source = self._el(kinds.local_ref(el.get("sourceRef", "")))
            target_el = self._el(kinds.local_ref(el.get("targetRef", "")))
            if source is None or target_el is None:
                raise MergeApplyError(f"upstream flow {up_id!r} connects an element the local model does not have")
            edit.link_incoming_outgoing(source, target_el, new_id)
            self.ix.add_tree(source)
            self.ix.add_tree(target_el)
        if kind in kinds.FLOW_NODES or kind in kinds.DATA_ELEMENTS:
            lanes = self.up_ix.lanes_of(up_id)
            lane_lid = self.loc(lanes[0].get("id")) if lanes else None
            if lane_lid is not None:
                self.move_to_lane(new_id, lane_lid)
        self._add_di(up, new_id)
        return new_id

    def _add_lane(self: ApplierLike, up: _Element, local_id: str | None) -> str:
        holder = up.getparent().getparent()  # laneSet/childLaneSet -> process or lane
        local_holder = self._need(self._local_of(holder.get("id")))
        set_kind = "laneSet" if local_name(holder.tag) in kinds.CONTAINERS else "childLaneSet"
        lane_set = local_holder.find(BPMN + set_kind)
        if lane_set is None:
            lane_set = etree.Element(BPMN + set_kind)
            lane_set.set("id", self.new_id("LaneSet"))
            if set_kind == "laneSet":
                edit.insert_child(
                    local_holder,
                    lane_set,
                    after_kinds=("ioSpecification", "ioBinding", "property"),
                    before_kinds=kinds.FLOW_ELEMENTS | CONTAINER_BEFORE,
                )
            else:
                local_holder.append(lane_set)
            self.ix.add_tree(lane_set)
        el = self._copy(up, local_id=local_id)
        lane_set.append(el)
        self.ix.add_tree(el)
        lid: str = el.get("id")
        self._add_di(up, lid)
        return lid

    def restore(self: ApplierLike, up_id: str, depth: int = 0) -> str | None:
        """Bring back an element LOCAL removed, as UPSTREAM has it (``prefer="upstream"``): a flow
        with the ends LOCAL removed, a node with UPSTREAM's flows to elements LOCAL still has.
        Returns the LOCAL id, or None when it cannot come back (its ends now stand in different
        sub-processes or pools); the reason goes to ``self.skipped``."""
        if self.loc(up_id) is not None:
            return self.loc(up_id)
        up = self._up(up_id)
        if local_name(up.tag) in FLOW_ENDS_KINDS:
            ends = [kinds.local_ref(up.get(a, "")) for a in ("sourceRef", "targetRef")]
            for end in ends:
                if self.loc(end) is None and depth < 2:
                    self.restore(end, depth + 1)
            local_ends = [self._el(self.loc(e)) if self.loc(e) else None for e in ends]
            if None in local_ends:
                self.skipped.append((up_id, "an end of it is missing in the local model"))
                return None
            if local_name(up.tag) == "sequenceFlow" and self.ix.container(local_ends[0]) is not self.ix.container(
                local_ends[1]
            ):
                self.skipped.append((up_id, "its ends stand in different (sub-)processes in the local model"))
                return None
            return self.add(up_id)
        container = self.up_ix.container(up)
        if container is not None and self.loc(container.get("id")) is None:
            self.skipped.append((up_id, "its (sub-)process is missing in the local model"))
            return None
        lid = self.add(up_id)
        if depth == 0:
            for flow in self.up_ix.users(up_id):
                if local_name(flow.tag) == "sequenceFlow" and self.loc(flow.get("id")) is None:
                    self.restore(flow.get("id"), depth + 1)
        return lid

    def adopt(self: ApplierLike, up_id: str, local_id: str) -> None:
        """Make an element LOCAL added into the one UPSTREAM added in its place (prefer upstream)."""
        self.ids[up_id] = local_id
        up = self._up(up_id)
        loc = self._need(local_id)
        self._change_type(loc, local_name(up.tag))
        up_container = self.up_ix.container(up)
        if up_container is not None and self.loc(up_container.get("id")) not in (
            None,
            id_of(self.ix.container(loc)),
        ):
            self.move(up_id)
        self._sync_all(up, self._el(local_id))
        if local_name(up.tag) in FLOW_ENDS_KINDS:
            for attr in ("sourceRef", "targetRef"):
                self.rewire(up_id, attr)
        elif local_name(up.tag) != "lane" and (self.up_ix.lanes_of(up_id) or self.ix.lanes_of(local_id)):
            self.relane(up_id)

    def _local_collaboration(self: ApplierLike, up_collab: _Element) -> _Element:
        lid = self.loc(up_collab.get("id"))
        if lid is not None:
            return self._el(lid)
        collabs = self.local.root.findall(BPMN + "collaboration")
        if not collabs:
            raise MergeApplyError("the upstream change needs a collaboration (pools), the local model has none")
        return collabs[0]
