"""Placing a copied shape where UPSTREAM drew it, clear of LOCAL's shapes, and growing lanes and
pools to hold it (mixed into Applier)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lxml.etree import _Element

if TYPE_CHECKING:
    from procex.bpmn.merge_apply.state import ApplierLike

from procex.bpmn import edit, kinds
from procex.bpmn.merge_apply.names import BPMN, BPMNDI, DC
from procex.bpmn.merge_apply.tree_index import bounds_of
from procex.bpmn.model import Bounds
from procex.bpmn.xml import local_name

_GAP = 20.0


class Placement:
    """Where a copied shape goes in LOCAL's diagram, and the frames that grow around it."""

    def _place_shape(self: ApplierLike, shape_el: _Element, up: _Element, lid: str) -> None:
        """Put the shape where UPSTREAM drew it, offset as its lane/sub-process/pool is offset,
        then slid sideways until it overlaps no LOCAL shape; grow lanes and pools to hold it."""
        bounds_el = shape_el.find(DC + "Bounds")
        b = self.up_ix.bounds(up.get("id"))
        if bounds_el is None or b is None:
            return
        el = self._need(lid)
        dx = dy = 0.0
        frame = None
        # The frames both sides share, innermost first; the element may sit deeper on one side.
        for up_ref, loc_ref in zip(self.up_ix.holders(up), self.ix.holders(el), strict=False):
            up_frame, loc_frame = self.up_ix.bounds(up_ref), self.ix.bounds(loc_ref)
            if up_frame is not None and loc_frame is not None:
                dy = loc_frame.y - up_frame.y
                if local_name(self._need(loc_ref).tag) in kinds.SUB_PROCESSES:
                    dx = loc_frame.x - up_frame.x  # an expanded sub-process moves its content in both axes
                frame = loc_frame
                break
        kind = local_name(el.tag)
        if kind in ("lane", "participant"):
            placed = self._place_band(b, el, frame)
        else:
            placed = self._clear_spot(Bounds(b.x + dx, b.y + dy, b.width, b.height), lid, frame)
        _set_bounds(bounds_el, placed)
        label = shape_el.find(BPMNDI + "BPMNLabel")
        label_bounds = label.find(DC + "Bounds") if label is not None else None
        if label_bounds is not None:
            lx, ly = float(label_bounds.get("x", 0)), float(label_bounds.get("y", 0))
            label_bounds.set("x", edit.format_number(lx + placed.x - b.x))
            label_bounds.set("y", edit.format_number(ly + placed.y - b.y))
        self._grow_holders(el, placed)

    def _clear_spot(self: ApplierLike, wanted: Bounds, lid: str, frame: Bounds | None) -> Bounds:
        """The x nearest to ``wanted.x`` (on its row) at which the box overlaps no LOCAL shape."""
        busy: list[tuple[float, float]] = []
        for ident, shapes in self.ix.shapes.items():
            if ident == lid or ident in self.doomed:
                continue
            element = self.ix.by_id.get(ident)
            kind = local_name(element.tag) if element is not None else ""
            for shape in shapes:
                sb = bounds_of(shape)
                if sb is None or not self.ix.attached(shape):
                    continue
                if kind in ("lane", "participant") or (
                    kind in kinds.SUB_PROCESSES
                    and sb.contains(wanted)
                    and sb.width > wanted.width
                    and sb.height > wanted.height
                ):
                    continue  # frames around the spot (pool, lane, the sub-process it goes into) are no obstacles
                if sb.y < wanted.y + wanted.height + _GAP / 2 and wanted.y < sb.y + sb.height + _GAP / 2:
                    busy.append((sb.x - _GAP / 2, sb.x + sb.width + _GAP / 2))
        left_limit = frame.x + 40 if frame is not None else float("-inf")
        best: float | None = None
        for x in [wanted.x] + [end for _, end in busy] + [start - wanted.width for start, _ in busy]:
            if x < left_limit:
                continue
            if all(x + wanted.width <= s or x >= e for s, e in busy):
                if best is None or abs(x - wanted.x) < abs(best - wanted.x):
                    best = x
        if best is None:
            best = max([wanted.x] + [e for _, e in busy])
        return Bounds(best, wanted.y, wanted.width, wanted.height)

    def _place_band(self: ApplierLike, b: Bounds, el: _Element, frame: Bounds | None) -> Bounds:
        """A lane or pool added upstream goes below its LOCAL siblings when its spot is taken."""
        kind = local_name(el.tag)
        if kind == "lane":
            others = [o for o in el.getparent() if o is not el and o.tag == BPMN + "lane"]
        else:
            others = [o for o in self.local.root.iter(BPMN + "participant") if o is not el]
        siblings = [s for s in (self.ix.bounds(o.get("id")) for o in others) if s is not None]
        wanted = b
        if frame is not None and kind == "lane":
            wanted = Bounds(frame.x + (b.x - frame.x if b.x > frame.x else 30), b.y, b.width, b.height)
        if not siblings or not any(s.overlaps(wanted) for s in siblings):
            return wanted
        lowest = max(siblings, key=lambda s: s.y + s.height)
        return Bounds(lowest.x, lowest.y + lowest.height + (0 if kind == "lane" else 60), lowest.width, b.height)

    def _grow_holders(self: ApplierLike, el: _Element, placed: Bounds) -> None:
        """Widen (and deepen) the lanes and pool around a placed shape so they contain it."""
        for ref in self.ix.holders(el):
            shape = self.ix.shape(ref)
            fb = bounds_of(shape)
            if shape is None or fb is None or fb.contains(placed):
                continue
            band = local_name(el.tag) in ("lane", "participant")
            right = max(fb.x + fb.width, placed.x + placed.width + (0 if band else 40))
            bottom = max(fb.y + fb.height, placed.y + placed.height + (0 if band else 20))
            _set_bounds(shape.find(DC + "Bounds"), Bounds(fb.x, fb.y, right - fb.x, bottom - fb.y))
            if local_name(self._need(ref).tag) in ("participant", "lane"):
                self._widen_band(self._el(ref), right)

    def _widen_band(self: ApplierLike, holder: _Element, right: float) -> None:
        """Lanes of one pool share their right edge: widen the pool and all its lanes together."""
        if local_name(holder.tag) == "participant":
            process = self._el(kinds.local_ref(holder.get("processRef", "")))
        else:
            process = self.ix.process(holder)
        if process is None:
            return
        members = list(process.iter(BPMN + "lane"))
        participant = self.ix.participant_of(process)
        if participant is not None:
            members.append(participant)
        for member in members:
            shape = self.ix.shape(member.get("id"))
            fb = bounds_of(shape)
            if shape is not None and fb is not None and fb.x + fb.width < right:
                _set_bounds(shape.find(DC + "Bounds"), Bounds(fb.x, fb.y, right - fb.x, fb.height))


def _set_bounds(bounds_el: _Element, b: Bounds) -> None:
    for key, value in zip(("x", "y", "width", "height"), (b.x, b.y, b.width, b.height), strict=True):
        bounds_el.set(key, edit.format_number(value))
