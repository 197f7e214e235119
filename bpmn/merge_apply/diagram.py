"""Diagram interchange: UPSTREAM's bounds and waypoints for elements both have, shapes and edges
for copied elements, and routes (mixed into Applier)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lxml.etree import _Element

if TYPE_CHECKING:
    from procex.bpmn.merge_apply.state import ApplierLike
    from procex.bpmn.model import Bounds

import copy

from lxml import etree

from procex.bpmn import edit, kinds
from procex.bpmn.merge_apply.names import BPMNDI, DC, DI
from procex.bpmn.xml import local_name


class Diagram:
    """Shapes, edges and waypoints of LOCAL elements as UPSTREAM draws them."""

    def layout(self: ApplierLike, up_id: str) -> None:
        """Take UPSTREAM's bounds (shapes) or waypoints (edges) for an element both models have."""
        lid = self._local_of(up_id)
        up_di = self.up_ix.shapes.get(up_id, []) + self.up_ix.edges.get(up_id, [])
        loc_di = [d for d in self.ix.shapes.get(lid, []) + self.ix.edges.get(lid, []) if self.ix.attached(d)]
        if not loc_di and up_di:
            self._add_di(self._up(up_id), lid)
            return
        if loc_di and not up_di:
            for di in loc_di:
                di.getparent().remove(di)
                self.ix.drop_tree(di)
            return
        # Pair the shapes both sides have; a side's extra shape (a second diagram) stays as it is.
        for up_shape, loc_shape in zip(self.up_ix.shapes.get(up_id, []), self.ix.shapes.get(lid, []), strict=False):
            _replace_bounds(loc_shape, up_shape)
            label_up = up_shape.find(BPMNDI + "BPMNLabel")
            label_loc = loc_shape.find(BPMNDI + "BPMNLabel")
            if label_up is not None and label_loc is not None:
                _replace_bounds(label_loc, label_up)
        for up_edge, loc_edge in zip(self.up_ix.edges.get(up_id, []), self.ix.edges.get(lid, []), strict=False):
            for wp in loc_edge.findall(DI + "waypoint"):
                loc_edge.remove(wp)
            label = loc_edge.find(BPMNDI + "BPMNLabel")
            for wp in up_edge.findall(DI + "waypoint"):
                new = copy.deepcopy(wp)
                new.tail = None
                if label is not None:
                    label.addprevious(new)
                else:
                    loc_edge.append(new)

    def _add_di(self: ApplierLike, up: _Element, lid: str) -> None:
        up_id = up.get("id")
        for up_shape in self.up_ix.shapes.get(up_id, [])[:1]:
            plane = self._plane_for(lid)
            if plane is None:
                return
            shape = self._copy_di(up_shape, lid)
            edit.insert_child(plane, shape, after_kinds=("BPMNShape",), before_kinds=("BPMNEdge",))
            self.ix.add_tree(shape)
            self._place_shape(shape, up, lid)
        for up_edge in self.up_ix.edges.get(up_id, [])[:1]:
            plane = self._plane_for(lid)
            if plane is None:
                return
            edge = self._copy_di(up_edge, lid)
            edit.insert_child(plane, edge, after_kinds=("BPMNShape", "BPMNEdge"))
            self.ix.add_tree(edge)
            self._route_edge(edge, up, lid)

    def _copy_di(self: ApplierLike, up_di: _Element, lid: str) -> _Element:
        el = copy.deepcopy(up_di)
        el.tail = None
        el.set("bpmnElement", lid)
        for node in el.iter():
            if isinstance(node.tag, str) and node.get("id") is not None and node.get("id") in self.ix.by_id:
                node.set("id", self.new_id(f"{lid}_di"))
        return el

    def _plane_for(self: ApplierLike, lid: str) -> _Element | None:
        """The LOCAL plane that draws the element's lane, sub-process or pool."""
        for ref in self.ix.holders(self._el(lid)):
            shape = self.ix.shape(ref)
            if shape is not None:
                return shape.getparent()
        planes = list(self.local.root.iter(BPMNDI + "BPMNPlane"))
        return planes[0] if planes else None

    def _route_edge(self: ApplierLike, edge_el: _Element, up: _Element, lid: str) -> None:
        """Keep UPSTREAM's waypoints when both ends are drawn where UPSTREAM drew them, else route."""
        el = self._need(lid)
        ends = [kinds.local_ref(el.get(a, "")) for a in ("sourceRef", "targetRef")]
        up_ends = [kinds.local_ref(up.get(a, "")) for a in ("sourceRef", "targetRef")]
        local_bounds = [self.ix.bounds(e) for e in ends]
        if all(lb is not None and lb == self.up_ix.bounds(u) for lb, u in zip(local_bounds, up_ends, strict=True)):
            return
        start, end = local_bounds
        if start is None or end is None:
            edge_el.getparent().remove(edge_el)
            self.ix.drop_tree(edge_el)
            return
        for wp in edge_el.findall(DI + "waypoint"):
            edge_el.remove(wp)
        label = edge_el.find(BPMNDI + "BPMNLabel")
        if label is not None:
            edge_el.remove(label)
        points = edit.route(start, end) if local_name(up.tag) != "messageFlow" else vertical_route(start, end)
        for x, y in points:
            wp = etree.SubElement(edge_el, DI + "waypoint")
            wp.set("x", edit.format_number(x))
            wp.set("y", edit.format_number(y))


def _replace_bounds(target: _Element, source: _Element) -> None:
    src, dst = source.find(DC + "Bounds"), target.find(DC + "Bounds")
    if src is not None and dst is not None:
        for key in ("x", "y", "width", "height"):
            if src.get(key) is not None:
                dst.set(key, src.get(key))


def vertical_route(a: Bounds, b: Bounds) -> list[tuple[float, float]]:
    """Waypoints from box ``a`` to box ``b`` leaving and entering vertically (message flows)."""
    ax, bx = a.x + a.width / 2, b.x + b.width / 2
    if a.y + a.height <= b.y:
        start, end = (ax, a.y + a.height), (bx, b.y)
    else:
        start, end = (ax, a.y), (bx, b.y + b.height)
    if abs(ax - bx) < 1:
        return [start, end]
    mid = (start[1] + end[1]) / 2
    return [start, (ax, mid), (bx, mid), end]
