"""Apply UPSTREAM's changes to LOCAL: the writing half of the three-way merge (bpmn/merge.py).

An ``Applier`` edits the LOCAL model's tree in place, reading every value from the UPSTREAM model
rather than from the diff's words, so lane names renamed locally, ids another tool regenerated
and properties the diff names only as paths are still applied exactly. ``ids`` maps UPSTREAM ids
to LOCAL ids (matched elements, elements both sides added) and grows as elements are copied in.

The edits are those of bpmn.edit, done here on a tree index that is kept up to date edit by edit
(``TreeIndex``): bpmn.edit re-indexes the whole model after every edit, which for a merge of a
hundred changes into a model of a thousand nodes costs seconds. Call ``finish()`` at the end; it
re-indexes the Model once. Moving into a sub-process is rare and goes through
``bpmn.edit.move_to_container`` itself.

Copying an element UPSTREAM added: a copy without its nested flow elements (they are added on
their own), references mapped to LOCAL ids (messages and other root elements it needs are copied
too), colliding inner ids replaced. Its shape goes where UPSTREAM drew it, shifted by the offset
of its lane, sub-process or pool in LOCAL, then sideways along its row until it is clear of
LOCAL's shapes; lanes and pools grow to hold it. An added flow keeps UPSTREAM's waypoints when
both ends are drawn where UPSTREAM drew them, else it is routed afresh.
"""
import copy
import uuid

from lxml import etree

from . import edit, kinds
from .errors import EditError
from .model import Bounds
from .xml import BPMN_NS, BPMNDI_NS, DC_NS, DI_NS, local_name

_B = "{%s}" % BPMN_NS
_BPMNDI = "{%s}" % BPMNDI_NS
_DC = "{%s}" % DC_NS
_DI = "{%s}" % DI_NS
_OMG_PREFIXES = (_B, _BPMNDI, _DC, _DI)
# Children that are diffed (and so added) on their own, or that edits keep in step.
_NESTED_ON_THEIR_OWN = kinds.FLOW_ELEMENTS | kinds.ARTIFACTS | {"laneSet", "childLaneSet", "flowNodeRef"}
_STRUCTURAL = _NESTED_ON_THEIR_OWN | {"incoming", "outgoing"}
_CONTAINER_BEFORE = kinds.ARTIFACTS | {"resourceRole", "correlationSubscription", "supports"}
_ROOT_BEFORE = ("collaboration", "process", "choreography", "BPMNDiagram", "relationship")
_REF_ATTRS = ("sourceRef", "targetRef", "attachedToRef", "default", "processRef")
_REF_TEXTS = frozenset({"flowNodeRef", "incoming", "outgoing", "sourceRef", "targetRef"})
_CONNECTORS = frozenset({"sequenceFlow", "messageFlow", "association", "conversationLink"})
_GAP = 20.0
FLOW_ENDS_KINDS = frozenset({"sequenceFlow", "messageFlow", "association"})


class MergeApplyError(EditError):
    """An upstream change cannot be applied to the local model (what it needs is missing there)."""


def _bounds_of(shape_el):
    b = shape_el.find(_DC + "Bounds") if shape_el is not None else None
    if b is None:
        return None
    try:
        return Bounds(float(b.get("x")), float(b.get("y")), float(b.get("width")), float(b.get("height")))
    except (TypeError, ValueError):
        return None


class TreeIndex:
    """Ids, shapes, edges and back-references of one BPMN tree, updated as the merge edits it."""

    def __init__(self, root):
        self.root = root
        self.rebuild()

    def rebuild(self):
        self.by_id, self.shapes, self.edges, self.refs = {}, {}, {}, {}
        for el in self.root.iter():
            self._add(el)

    def _add(self, el):
        tag = el.tag
        if not isinstance(tag, str) or not tag.startswith(_OMG_PREFIXES):
            return
        ident = el.get("id")
        if ident and ident not in self.by_id:
            self.by_id[ident] = el
        kind = tag[tag.index("}") + 1:]
        if kind in ("BPMNShape", "BPMNEdge"):
            ref = el.get("bpmnElement")
            if ref:
                (self.shapes if kind == "BPMNShape" else self.edges).setdefault(kinds.local_ref(ref), []).append(el)
            return
        for attr in _REF_ATTRS:
            value = el.get(attr)
            if value:
                self.refs.setdefault(kinds.local_ref(value), []).append(el)
        if kind in _REF_TEXTS and el.text and el.text.strip():
            self.refs.setdefault(el.text.strip(), []).append(el)

    def add_tree(self, el):
        for node in el.iter():
            self._add(node)

    def drop_tree(self, el):
        for node in el.iter():
            if not isinstance(node.tag, str):
                continue
            ident = node.get("id")
            if ident and self.by_id.get(ident) is node:
                del self.by_id[ident]
            ref = node.get("bpmnElement")
            if ref:
                for table in (self.shapes, self.edges):
                    lst = table.get(kinds.local_ref(ref))
                    if lst and node in lst:
                        lst.remove(node)

    def set_ref(self, el, attr, value):
        """Set a reference attribute and keep the back-references right."""
        el.set(attr, value)
        self.refs.setdefault(kinds.local_ref(value), []).append(el)

    def attached(self, el):
        for ancestor in el.iterancestors():
            if ancestor is self.root:
                return True
        return el is self.root

    def users(self, ident):
        """Live elements that reference ``ident`` (attribute or reference text)."""
        found = []
        for el in self.refs.get(ident, ()):
            if el in found or not self.attached(el):
                continue
            if local_name(el.tag) in _REF_TEXTS and el.text is not None and el.text.strip() == ident:
                found.append(el)
            elif any(el.get(a) and kinds.local_ref(el.get(a)) == ident for a in _REF_ATTRS):
                found.append(el)
        return found

    def get(self, ident):
        el = self.by_id.get(ident) if ident else None
        if el is not None and not self.attached(el):
            del self.by_id[ident]
            return None
        return el

    def shape(self, ident):
        shapes = [s for s in self.shapes.get(ident, ()) if self.attached(s)]
        return shapes[0] if shapes else None

    def bounds(self, ident):
        return _bounds_of(self.shape(ident))

    # --- structure ---------------------------------------------------------------------------
    def container(self, el):
        """The process or sub-process ``el`` stands in."""
        for ancestor in el.iterancestors():
            if local_name(ancestor.tag) in kinds.CONTAINERS and ancestor.tag.startswith(_B):
                return ancestor
        return None

    def process(self, el):
        for ancestor in [el] + list(el.iterancestors()):
            if ancestor.tag == _B + "process":
                return ancestor
        return None

    def lanes_of(self, ident):
        """Lanes listing the flow node, innermost first."""
        lanes = [r.getparent() for r in self.users(ident) if local_name(r.tag) == "flowNodeRef"]
        return sorted(lanes, key=lambda lane: -sum(1 for _ in lane.iterancestors()))

    def participant_of(self, process_el):
        if process_el is None:
            return None
        for user in self.users(process_el.get("id")):
            if local_name(user.tag) == "participant":
                return user
        return None

    def holders(self, el):
        """Ids of what frames an element, innermost first: lanes, its sub-process, its pool."""
        out = []
        kind = local_name(el.tag)
        if kind == "lane":
            parent = el.getparent().getparent()
            if parent is not None and local_name(parent.tag) == "lane":
                out.append(parent.get("id"))
        else:
            out.extend(lane.get("id") for lane in self.lanes_of(el.get("id")))
        container = self.container(el)
        if container is not None and local_name(container.tag) in kinds.SUB_PROCESSES:
            out.insert(0, container.get("id"))
        participant = self.participant_of(self.process(el))
        if participant is not None:
            out.append(participant.get("id"))
        return out


class Applier:
    """Applies UPSTREAM elements' state onto LOCAL, element by element (see the module doc)."""

    def __init__(self, local, upstream, ids):
        self.local = local
        self.upstream = upstream
        self.ids = dict(ids)   # upstream id -> local id
        self.ix = TreeIndex(local.root)
        self.up_ix = TreeIndex(upstream.root)
        self.skipped = []      # (upstream id, reason) of what could not be applied
        self.doomed = set()    # LOCAL ids about to be removed: their shapes are no obstacles

    def finish(self):
        """Re-index the LOCAL model once, after the last edit."""
        self.local.reindex()
        return self.local

    # --- helpers -----------------------------------------------------------------------------
    def loc(self, up_id):
        """The LOCAL id of an UPSTREAM element, or None when LOCAL has no counterpart."""
        lid = self.ids.get(up_id) if up_id is not None else None
        return lid if lid is not None and self.ix.get(lid) is not None else None

    def _up(self, up_id):
        el = self.up_ix.get(up_id)
        if el is None:
            raise MergeApplyError(f"{up_id!r} is not in the upstream model")
        return el

    def _local_of(self, up_id):
        lid = self.loc(up_id)
        if lid is None:
            raise MergeApplyError(f"upstream element {up_id!r} has no counterpart in the local model")
        return lid

    def _el(self, lid):
        return self.ix.get(lid)

    def new_id(self, prefix):
        while True:
            ident = f"{prefix}_{uuid.uuid4().hex[:8]}"
            if ident not in self.ix.by_id:
                return ident

    # --- removing ----------------------------------------------------------------------------
    def remove(self, local_id):
        """Remove an element and what would dangle, as bpmn.edit.remove_element does."""
        el = self._el(local_id)
        if el is None:
            return []
        removed, pending = [], [el]
        while pending:
            el = pending.pop()
            if not self.ix.attached(el):
                continue
            doomed = [e.get("id") for e in el.iter() if isinstance(e.tag, str) and e.get("id")]
            for ident in doomed:
                for user in self.ix.users(ident):
                    if _inside(user, el):
                        continue
                    kind = local_name(user.tag)
                    if kind in _CONNECTORS and any(kinds.local_ref(user.get(a, "")) == ident for a in ("sourceRef", "targetRef")):
                        pending.append(user)
                    elif kind in ("sourceRef", "targetRef") and local_name(user.getparent().tag) in kinds.DATA_ASSOCIATIONS:
                        pending.append(user.getparent())
                    elif kind == "boundaryEvent" and kinds.local_ref(user.get("attachedToRef", "")) == ident:
                        pending.append(user)
                    elif kind in ("flowNodeRef", "incoming", "outgoing"):
                        user.getparent().remove(user)
                    elif user.get("default") and kinds.local_ref(user.get("default")) == ident:
                        del user.attrib["default"]
                for di in list(self.ix.shapes.get(ident, ())) + list(self.ix.edges.get(ident, ())):
                    if di.getparent() is not None:
                        di.getparent().remove(di)
                        self.ix.drop_tree(di)
            parent = el.getparent()
            if parent is not None:
                parent.remove(el)
            self.ix.drop_tree(el)
            removed.extend(doomed)
        return removed

    # --- names, types, lanes, wiring ---------------------------------------------------------
    def rename(self, up_id):
        up = self._up(up_id)
        loc = self._el(self._local_of(up_id))
        if local_name(up.tag) == "textAnnotation":
            self._sync_children(up, loc, _B + "text")
        elif up.get("name") is None:
            loc.attrib.pop("name", None)
        else:
            loc.set("name", up.get("name"))

    def retype(self, up_id):
        up = self._up(up_id)
        self._change_type(self._el(self._local_of(up_id)), local_name(up.tag))

    def _change_type(self, el, new_type):
        old = local_name(el.tag)
        if old == new_type:
            return
        if kinds.category(new_type) != kinds.category(old):
            raise MergeApplyError(f"cannot change {old} {el.get('id')!r} into {new_type}")
        el.tag = _B + new_type
        if kinds.category(new_type) == "gateway" and new_type not in ("exclusiveGateway", "inclusiveGateway", "complexGateway"):
            el.attrib.pop("default", None)

    def relane(self, up_id):
        lid = self._local_of(up_id)
        up_lanes = self.up_ix.lanes_of(up_id)
        if not up_lanes:
            for ref in [r for r in self.ix.users(lid) if local_name(r.tag) == "flowNodeRef"]:
                ref.getparent().remove(ref)
            return
        self.move_to_lane(lid, self._local_of(up_lanes[0].get("id")))

    def move_to_lane(self, node_id, lane_id):
        """bpmn.edit.move_to_lane on the index: leave every lane of the lane set, join the target
        (and its parent lanes when the node was listed in parent lanes before)."""
        target = self._el(lane_id)
        current = self.ix.lanes_of(node_id)
        was_in_parent_lanes = any(lane.find(f"{_B}childLaneSet/{_B}lane") is not None for lane in current)
        root = target
        while root.getparent() is not None and local_name(root.getparent().tag) in ("lane", "laneSet", "childLaneSet"):
            root = root.getparent()
        for ref in [r for r in self.ix.users(node_id) if local_name(r.tag) == "flowNodeRef"]:
            if _inside(ref, root):
                ref.getparent().remove(ref)
        lanes = [target]
        if was_in_parent_lanes:
            parent = target.getparent().getparent()
            while parent is not None and local_name(parent.tag) == "lane":
                lanes.append(parent)
                parent = parent.getparent().getparent()
        for lane in lanes:
            ref = etree.Element(_B + "flowNodeRef")
            ref.text = node_id
            edit._insert_child(lane, ref, after_kinds=("flowNodeRef", "partitionElement"), before_kinds=("childLaneSet",))
            self.ix.add_tree(ref)

    def rewire(self, up_id, attribute):
        lid = self._local_of(up_id)
        end = kinds.local_ref(self._up(up_id).get(attribute, ""))
        self.reconnect(lid, attribute, self._local_of(end))

    def reconnect(self, flow_id, attribute, new_end):
        """bpmn.edit.reconnect on the index: move one end, keep incoming/outgoing and the default
        flow right, route the edge afresh."""
        flow = self._el(flow_id)
        old = kinds.local_ref(flow.get(attribute, ""))
        if old == new_end:
            return
        target = self._el(new_end)
        if local_name(flow.tag) == "sequenceFlow" and self.ix.container(target) is not self.ix.container(flow):
            raise MergeApplyError(f"{new_end!r} is not in the same process or sub-process as flow {flow_id!r}")
        child_kind = "outgoing" if attribute == "sourceRef" else "incoming"
        old_el = self._el(old)
        if old_el is not None:
            for ref in old_el.findall(_B + child_kind):
                if (ref.text or "").strip() == flow_id:
                    old_el.remove(ref)
            if attribute == "sourceRef" and kinds.local_ref(old_el.get("default", "")) == flow_id:
                del old_el.attrib["default"]
        self.ix.set_ref(flow, attribute, new_end)
        if target.find(_B + "incoming") is not None or target.find(_B + "outgoing") is not None:
            dummy = etree.Element("dummy")
            if attribute == "sourceRef":
                edit._link_incoming_outgoing(target, dummy, flow_id)
            else:
                edit._link_incoming_outgoing(dummy, target, flow_id)
            self.ix.add_tree(target)
        self._reroute(flow)

    def _reroute(self, flow):
        ends = [self.ix.bounds(kinds.local_ref(flow.get(a, ""))) for a in ("sourceRef", "targetRef")]
        if None in ends:
            return
        for edge in self.ix.edges.get(flow.get("id"), ()):
            if not self.ix.attached(edge):
                continue
            for wp in edge.findall(_DI + "waypoint"):
                edge.remove(wp)
            label = edge.find(_BPMNDI + "BPMNLabel")
            points = _vertical_route(*ends) if local_name(flow.tag) == "messageFlow" else edit.route(*ends)
            for x, y in points:
                wp = etree.Element(_DI + "waypoint")
                wp.set("x", edit._num(x))
                wp.set("y", edit._num(y))
                if label is not None:
                    label.addprevious(wp)
                else:
                    edge.append(wp)

    def move(self, up_id):
        """Move an element into the container UPSTREAM has it in (a sub-process, another pool)."""
        up = self._up(up_id)
        container = self._local_of(self.up_ix.container(up).get("id"))
        if local_name(up.tag) in FLOW_ENDS_KINDS:
            return self._move_flow(up, container)
        lid = self._local_of(up_id)
        if self.ix.container(self._el(lid)).get("id") != container:
            # Rare: done by bpmn.edit itself on a freshly indexed model.
            self.local.reindex()
            edit.move_to_container(self.local, lid, container)
            self.ix.rebuild()
        shape = self.ix.shape(lid)
        if shape is not None:
            self._place_shape(shape, up, lid)
        return lid

    def _move_flow(self, up, container):
        """A flow UPSTREAM moved along with its ends: moving an end dropped it, so it is copied in
        again; one that is still there moves into the container."""
        lid = self.loc(up.get("id"))
        if lid is None:
            self.ids.pop(up.get("id"), None)
            return self.add(up.get("id"))
        el = self._el(lid)
        if self.ix.container(el).get("id") != container:
            el.getparent().remove(el)
            el.tail = None
            edit._insert_child(self._el(container), el, after_kinds=kinds.FLOW_ELEMENTS, before_kinds=_CONTAINER_BEFORE)
        return lid

    # --- properties --------------------------------------------------------------------------
    def set_property(self, up_id, prop):
        """Make the LOCAL element's ``prop`` (a diff property path) what UPSTREAM's is."""
        up_el, loc_el = self._up(up_id), self._el(self._local_of(up_id))
        if prop.startswith("extensionElements/"):
            return self._sync_extension(up_el, loc_el, prop[len("extensionElements/"):])
        if prop == "xsi:type":
            prop = "{http://www.w3.org/2001/XMLSchema-instance}type"
        attr = _attribute_named(prop, up_el, loc_el)
        if attr is not None:
            value = up_el.get(attr)
            if value is not None and attr in kinds.REFERENCE_ATTRIBUTES:
                value = self._map_reference_value(value, drop_unknown=False)
            if value is None:
                loc_el.attrib.pop(attr, None)
            elif attr in _REF_ATTRS:
                self.ix.set_ref(loc_el, attr, value)
            else:
                loc_el.set(attr, value)
            return None
        tags = _child_tags_named(prop, up_el, loc_el)
        if not tags:
            self._sync_all(up_el, loc_el)
        for tag in tags:
            self._sync_children(up_el, loc_el, tag)
        return None

    def _sync_children(self, up_el, loc_el, tag):
        """Replace LOCAL's children with tag ``tag`` by copies of UPSTREAM's, in UPSTREAM's place."""
        old = [c for c in loc_el if c.tag == tag]
        anchor_index = loc_el.index(old[0]) if old else None
        for child in old:
            loc_el.remove(child)
            self.ix.drop_tree(child)
        new = [self._copy(c) for c in up_el if c.tag == tag]
        if not new:
            return
        if anchor_index is None:
            # After the last LOCAL child whose tag comes before ``tag`` in UPSTREAM's order.
            up_tags = [c.tag for c in up_el if isinstance(c.tag, str)]
            preceding = set(up_tags[:up_tags.index(tag)])
            anchor_index = 0
            for i, child in enumerate(loc_el):
                if child.tag in preceding:
                    anchor_index = i + 1
        for offset, child in enumerate(new):
            loc_el.insert(anchor_index + offset, child)
            if loc_el.text and not loc_el.text.strip():
                child.tail = loc_el.text
            self.ix.add_tree(child)

    def _sync_extension(self, up_el, loc_el, tag):
        """One vendor element inside extensionElements (LOCAL's other extensions stay)."""
        ext_tag = _B + "extensionElements"
        up_ext, loc_ext = up_el.find(ext_tag), loc_el.find(ext_tag)
        if loc_ext is None:
            if up_ext is None:
                return
            loc_ext = etree.Element(ext_tag)
            docs = loc_el.findall(_B + "documentation")
            if docs:
                docs[-1].addnext(loc_ext)
            else:
                loc_el.insert(0, loc_ext)
        if up_ext is None:
            up_ext = etree.Element(ext_tag)
        self._sync_children(up_ext, loc_ext, tag)
        if len(loc_ext) == 0:
            loc_el.remove(loc_ext)

    def _sync_all(self, up_el, loc_el):
        """Take every attribute and every non-structural child from UPSTREAM (ids and flow ends
        stay LOCAL's): for a property the diff names in words only, and for ``adopt``."""
        keep = ("id", "sourceRef", "targetRef")
        for key in list(loc_el.attrib):
            if key not in keep and key not in up_el.attrib:
                del loc_el.attrib[key]
        for key, value in up_el.attrib.items():
            if key in keep:
                continue
            if key in kinds.REFERENCE_ATTRIBUTES:
                value = self._map_reference_value(value, drop_unknown=True)
                if value is None:
                    loc_el.attrib.pop(key, None)
                    continue
            loc_el.set(key, value)
        tags = []
        for child in list(up_el) + list(loc_el):
            if isinstance(child.tag, str) and local_name(child.tag) not in _STRUCTURAL and child.tag not in tags:
                tags.append(child.tag)
        for tag in tags:
            self._sync_children(up_el, loc_el, tag)

    # --- layout --------------------------------------------------------------------------------
    def layout(self, up_id):
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
        for up_shape, loc_shape in zip(self.up_ix.shapes.get(up_id, []), self.ix.shapes.get(lid, [])):
            _replace_bounds(loc_shape, up_shape)
            label_up = up_shape.find(_BPMNDI + "BPMNLabel")
            label_loc = loc_shape.find(_BPMNDI + "BPMNLabel")
            if label_up is not None and label_loc is not None:
                _replace_bounds(label_loc, label_up)
        for up_edge, loc_edge in zip(self.up_ix.edges.get(up_id, []), self.ix.edges.get(lid, [])):
            for wp in loc_edge.findall(_DI + "waypoint"):
                loc_edge.remove(wp)
            label = loc_edge.find(_BPMNDI + "BPMNLabel")
            for wp in up_edge.findall(_DI + "waypoint"):
                new = copy.deepcopy(wp)
                new.tail = None
                if label is not None:
                    label.addprevious(new)
                else:
                    loc_edge.append(new)

    # --- adding --------------------------------------------------------------------------------
    def add(self, up_id, local_id=None):
        """Copy an element UPSTREAM added (or LOCAL removed) into LOCAL; returns its LOCAL id."""
        up = self._up(up_id)
        kind = local_name(up.tag)
        if kind == "lane":
            return self._add_lane(up, local_id)
        parent = up.getparent()
        parent_kind = local_name(parent.tag)
        if parent_kind in kinds.CONTAINERS:
            target = self._el(self._local_of(parent.get("id")))
            after = kinds.FLOW_ELEMENTS | kinds.ARTIFACTS if kind in kinds.ARTIFACTS else kinds.FLOW_ELEMENTS
            before = () if kind in kinds.ARTIFACTS else _CONTAINER_BEFORE
        elif parent_kind == "collaboration":
            target = self._local_collaboration(parent)
            order = ("participant", "messageFlow", "association", "textAnnotation", "group")
            after = order[:order.index(kind) + 1] if kind in order else order
            before = order[order.index(kind) + 1:] if kind in order else ()
        elif parent_kind == "definitions":
            target = self.local.root
            after, before = (), _ROOT_BEFORE
        else:
            raise MergeApplyError(f"cannot copy upstream {kind} {up_id!r}: it stands inside <{parent_kind}>")
        el = self._copy(up, local_id=local_id)
        edit._insert_child(target, el, after_kinds=after, before_kinds=before)
        self.ix.add_tree(el)
        new_id = el.get("id")
        if kind in kinds.FLOWS:
            source = self._el(kinds.local_ref(el.get("sourceRef", "")))
            target_el = self._el(kinds.local_ref(el.get("targetRef", "")))
            if source is None or target_el is None:
                raise MergeApplyError(f"upstream flow {up_id!r} connects an element the local model does not have")
            edit._link_incoming_outgoing(source, target_el, new_id)
            self.ix.add_tree(source)
            self.ix.add_tree(target_el)
        if kind in kinds.FLOW_NODES or kind in kinds.DATA_ELEMENTS:
            lanes = self.up_ix.lanes_of(up_id)
            if lanes and self.loc(lanes[0].get("id")) is not None:
                self.move_to_lane(new_id, self.loc(lanes[0].get("id")))
        self._add_di(up, new_id)
        return new_id

    def _add_lane(self, up, local_id):
        holder = up.getparent().getparent()  # laneSet/childLaneSet -> process or lane
        local_holder = self._el(self._local_of(holder.get("id")))
        set_kind = "laneSet" if local_name(holder.tag) in kinds.CONTAINERS else "childLaneSet"
        lane_set = local_holder.find(_B + set_kind)
        if lane_set is None:
            lane_set = etree.Element(_B + set_kind)
            lane_set.set("id", self.new_id("LaneSet"))
            if set_kind == "laneSet":
                edit._insert_child(local_holder, lane_set, after_kinds=("ioSpecification", "ioBinding", "property"),
                                   before_kinds=kinds.FLOW_ELEMENTS | _CONTAINER_BEFORE)
            else:
                local_holder.append(lane_set)
            self.ix.add_tree(lane_set)
        el = self._copy(up, local_id=local_id)
        lane_set.append(el)
        self.ix.add_tree(el)
        self._add_di(up, el.get("id"))
        return el.get("id")

    def restore(self, up_id, depth=0):
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
            if local_name(up.tag) == "sequenceFlow" and self.ix.container(local_ends[0]) is not self.ix.container(local_ends[1]):
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

    def adopt(self, up_id, local_id):
        """Make an element LOCAL added into the one UPSTREAM added in its place (prefer upstream)."""
        self.ids[up_id] = local_id
        up = self._up(up_id)
        loc = self._el(local_id)
        self._change_type(loc, local_name(up.tag))
        up_container = self.up_ix.container(up)
        if up_container is not None and self.loc(up_container.get("id")) not in (None, self.ix.container(loc).get("id")):
            self.move(up_id)
        self._sync_all(up, self._el(local_id))
        if local_name(up.tag) in FLOW_ENDS_KINDS:
            for attr in ("sourceRef", "targetRef"):
                self.rewire(up_id, attr)
        elif local_name(up.tag) != "lane" and (self.up_ix.lanes_of(up_id) or self.ix.lanes_of(local_id)):
            self.relane(up_id)

    def _local_collaboration(self, up_collab):
        lid = self.loc(up_collab.get("id"))
        if lid is not None:
            return self._el(lid)
        collabs = self.local.root.findall(_B + "collaboration")
        if not collabs:
            raise MergeApplyError("the upstream change needs a collaboration (pools), the local model has none")
        return collabs[0]

    def _copy(self, up_el, local_id=None):
        """A LOCAL copy of an UPSTREAM element: nested flow elements left out, ids made unique,
        references mapped to LOCAL ids (root elements it needs, such as messages, copied too)."""
        el = copy.deepcopy(up_el)
        el.tail = None
        for child in list(el):
            if isinstance(child.tag, str) and local_name(child.tag) in _STRUCTURAL:
                el.remove(child)
        taken = set()
        for node in el.iter():  # ids first, so that references inside the copy map to the copy
            if not isinstance(node.tag, str) or not node.tag.startswith(_OMG_PREFIXES):
                continue
            old = node.get("id")
            if old is None:
                continue
            if node is el and local_id is not None:
                new = local_id
            elif old not in self.ix.by_id and old not in taken:
                new = old
            else:
                new = self.new_id(local_name(node.tag)[:1].upper() + local_name(node.tag)[1:])
            node.set("id", new)
            taken.add(new)
            self.ids[old] = new
        for node in el.iter():
            if not isinstance(node.tag, str) or not node.tag.startswith(_B):
                continue
            for attr in kinds.REFERENCE_ATTRIBUTES:
                value = node.get(attr)
                if value is None:
                    continue
                mapped = self._map_reference_value(value, drop_unknown=True)
                if mapped is None:
                    if attr in ("sourceRef", "targetRef", "attachedToRef", "processRef"):
                        raise MergeApplyError(
                            f"upstream {local_name(up_el.tag)} {up_el.get('id')!r} refers to {value!r}, "
                            "which the local model does not have")
                    del node.attrib[attr]
                else:
                    node.set(attr, mapped)
            if local_name(node.tag) in kinds.REFERENCE_TEXT_ELEMENTS and node.text and node is not el:
                mapped = self._map_reference_value(node.text.strip(), drop_unknown=True)
                if mapped is None:
                    node.getparent().remove(node)
                else:
                    node.text = mapped
        return el

    def _map_reference_value(self, value, drop_unknown):
        """Map an (optionally prefixed, space-separated) reference value to LOCAL ids."""
        out = []
        for token in value.split():
            prefix, _, ident = token.rpartition(":")
            lid = self.ids.get(ident)
            if lid is None and ident in self.ix.by_id:
                lid = ident
            if lid is None:
                lid = self._copy_root_element(ident)
            if lid is None:
                if drop_unknown:
                    return None
                lid = ident
            out.append(f"{prefix}:{lid}" if prefix else lid)
        return " ".join(out)

    def _copy_root_element(self, up_id):
        """Copy a root element (message, signal, error, escalation, itemDefinition, dataStore …)
        an upstream element needs; None when ``up_id`` is not a root element of UPSTREAM."""
        up_el = self.up_ix.get(up_id)
        if up_el is None or up_el.getparent() is None or local_name(up_el.getparent().tag) != "definitions":
            return None
        if local_name(up_el.tag) in ("process", "collaboration"):
            return None
        el = self._copy(up_el)
        edit._insert_child(self.local.root, el, before_kinds=_ROOT_BEFORE)
        self.ix.add_tree(el)
        return el.get("id")

    # --- diagram interchange of copied elements ----------------------------------------------
    def _add_di(self, up, lid):
        up_id = up.get("id")
        for up_shape in self.up_ix.shapes.get(up_id, [])[:1]:
            plane = self._plane_for(lid)
            if plane is None:
                return
            shape = self._copy_di(up_shape, lid)
            edit._insert_child(plane, shape, after_kinds=("BPMNShape",), before_kinds=("BPMNEdge",))
            self.ix.add_tree(shape)
            self._place_shape(shape, up, lid)
        for up_edge in self.up_ix.edges.get(up_id, [])[:1]:
            plane = self._plane_for(lid)
            if plane is None:
                return
            edge = self._copy_di(up_edge, lid)
            edit._insert_child(plane, edge, after_kinds=("BPMNShape", "BPMNEdge"))
            self.ix.add_tree(edge)
            self._route_edge(edge, up, lid)

    def _copy_di(self, up_di, lid):
        el = copy.deepcopy(up_di)
        el.tail = None
        el.set("bpmnElement", lid)
        for node in el.iter():
            if isinstance(node.tag, str) and node.get("id") is not None and node.get("id") in self.ix.by_id:
                node.set("id", self.new_id(f"{lid}_di"))
        return el

    def _plane_for(self, lid):
        """The LOCAL plane that draws the element's lane, sub-process or pool."""
        for ref in self.ix.holders(self._el(lid)):
            shape = self.ix.shape(ref)
            if shape is not None:
                return shape.getparent()
        planes = list(self.local.root.iter(_BPMNDI + "BPMNPlane"))
        return planes[0] if planes else None

    def _place_shape(self, shape_el, up, lid):
        """Put the shape where UPSTREAM drew it, offset as its lane/sub-process/pool is offset,
        then slid sideways until it overlaps no LOCAL shape; grow lanes and pools to hold it."""
        bounds_el = shape_el.find(_DC + "Bounds")
        b = self.up_ix.bounds(up.get("id"))
        if bounds_el is None or b is None:
            return
        el = self._el(lid)
        dx = dy = 0.0
        frame = None
        for up_ref, loc_ref in zip(self.up_ix.holders(up), self.ix.holders(el)):
            up_frame, loc_frame = self.up_ix.bounds(up_ref), self.ix.bounds(loc_ref)
            if up_frame is not None and loc_frame is not None:
                dy = loc_frame.y - up_frame.y
                if local_name(self._el(loc_ref).tag) in kinds.SUB_PROCESSES:
                    dx = loc_frame.x - up_frame.x  # an expanded sub-process moves its content in both axes
                frame = loc_frame
                break
        kind = local_name(el.tag)
        if kind in ("lane", "participant"):
            placed = self._place_band(b, el, frame)
        else:
            placed = self._clear_spot(Bounds(b.x + dx, b.y + dy, b.width, b.height), lid, frame)
        _set_bounds(bounds_el, placed)
        label = shape_el.find(_BPMNDI + "BPMNLabel")
        label_bounds = label.find(_DC + "Bounds") if label is not None else None
        if label_bounds is not None:
            lx, ly = float(label_bounds.get("x", 0)), float(label_bounds.get("y", 0))
            label_bounds.set("x", edit._num(lx + placed.x - b.x))
            label_bounds.set("y", edit._num(ly + placed.y - b.y))
        self._grow_holders(el, placed)

    def _clear_spot(self, wanted, lid, frame):
        """The x nearest to ``wanted.x`` (on its row) at which the box overlaps no LOCAL shape."""
        busy = []
        for ident, shapes in self.ix.shapes.items():
            if ident == lid or ident in self.doomed:
                continue
            element = self.ix.by_id.get(ident)
            kind = local_name(element.tag) if element is not None else ""
            for shape in shapes:
                sb = _bounds_of(shape)
                if sb is None or not self.ix.attached(shape):
                    continue
                if kind in ("lane", "participant") or (kind in kinds.SUB_PROCESSES and sb.contains(wanted)
                                                        and sb.width > wanted.width and sb.height > wanted.height):
                    continue  # frames around the spot (pool, lane, the sub-process it goes into) are no obstacles
                if sb.y < wanted.y + wanted.height + _GAP / 2 and wanted.y < sb.y + sb.height + _GAP / 2:
                    busy.append((sb.x - _GAP / 2, sb.x + sb.width + _GAP / 2))
        left_limit = frame.x + 40 if frame is not None else float("-inf")
        best = None
        for x in [wanted.x] + [end for _, end in busy] + [start - wanted.width for start, _ in busy]:
            if x < left_limit:
                continue
            if all(x + wanted.width <= s or x >= e for s, e in busy):
                if best is None or abs(x - wanted.x) < abs(best - wanted.x):
                    best = x
        if best is None:
            best = max([wanted.x] + [e for _, e in busy])
        return Bounds(best, wanted.y, wanted.width, wanted.height)

    def _place_band(self, b, el, frame):
        """A lane or pool added upstream goes below its LOCAL siblings when its spot is taken."""
        kind = local_name(el.tag)
        if kind == "lane":
            others = [o for o in el.getparent() if o is not el and o.tag == _B + "lane"]
        else:
            others = [o for o in self.local.root.iter(_B + "participant") if o is not el]
        siblings = [s for s in (self.ix.bounds(o.get("id")) for o in others) if s is not None]
        wanted = b
        if frame is not None and kind == "lane":
            wanted = Bounds(frame.x + (b.x - frame.x if b.x > frame.x else 30), b.y, b.width, b.height)
        if not siblings or not any(s.overlaps(wanted) for s in siblings):
            return wanted
        lowest = max(siblings, key=lambda s: s.y + s.height)
        return Bounds(lowest.x, lowest.y + lowest.height + (0 if kind == "lane" else 60), lowest.width, b.height)

    def _grow_holders(self, el, placed):
        """Widen (and deepen) the lanes and pool around a placed shape so they contain it."""
        for ref in self.ix.holders(el):
            shape = self.ix.shape(ref)
            fb = _bounds_of(shape)
            if fb is None or fb.contains(placed):
                continue
            band = local_name(el.tag) in ("lane", "participant")
            right = max(fb.x + fb.width, placed.x + placed.width + (0 if band else 40))
            bottom = max(fb.y + fb.height, placed.y + placed.height + (0 if band else 20))
            _set_bounds(shape.find(_DC + "Bounds"), Bounds(fb.x, fb.y, right - fb.x, bottom - fb.y))
            if local_name(self._el(ref).tag) in ("participant", "lane"):
                self._widen_band(self._el(ref), right)

    def _widen_band(self, holder, right):
        """Lanes of one pool share their right edge: widen the pool and all its lanes together."""
        if local_name(holder.tag) == "participant":
            process = self._el(kinds.local_ref(holder.get("processRef", "")))
        else:
            process = self.ix.process(holder)
        if process is None:
            return
        members = list(process.iter(_B + "lane"))
        participant = self.ix.participant_of(process)
        if participant is not None:
            members.append(participant)
        for member in members:
            shape = self.ix.shape(member.get("id"))
            fb = _bounds_of(shape)
            if fb is not None and fb.x + fb.width < right:
                _set_bounds(shape.find(_DC + "Bounds"), Bounds(fb.x, fb.y, right - fb.x, fb.height))

    def _route_edge(self, edge_el, up, lid):
        """Keep UPSTREAM's waypoints when both ends are drawn where UPSTREAM drew them, else route."""
        el = self._el(lid)
        ends = [kinds.local_ref(el.get(a, "")) for a in ("sourceRef", "targetRef")]
        up_ends = [kinds.local_ref(up.get(a, "")) for a in ("sourceRef", "targetRef")]
        local_bounds = [self.ix.bounds(e) for e in ends]
        if all(lb is not None and lb == self.up_ix.bounds(u) for lb, u in zip(local_bounds, up_ends)):
            return
        if None in local_bounds:
            edge_el.getparent().remove(edge_el)
            self.ix.drop_tree(edge_el)
            return
        for wp in edge_el.findall(_DI + "waypoint"):
            edge_el.remove(wp)
        label = edge_el.find(_BPMNDI + "BPMNLabel")
        if label is not None:
            edge_el.remove(label)
        points = edit.route(*local_bounds) if local_name(up.tag) != "messageFlow" else _vertical_route(*local_bounds)
        for x, y in points:
            wp = etree.SubElement(edge_el, _DI + "waypoint")
            wp.set("x", edit._num(x))
            wp.set("y", edit._num(y))


def _inside(el, ancestor):
    return el is ancestor or any(a is ancestor for a in el.iterancestors())


def _set_bounds(bounds_el, b):
    for key, value in zip(("x", "y", "width", "height"), (b.x, b.y, b.width, b.height)):
        bounds_el.set(key, edit._num(value))


def _replace_bounds(target, source):
    src, dst = source.find(_DC + "Bounds"), target.find(_DC + "Bounds")
    if src is not None and dst is not None:
        for key in ("x", "y", "width", "height"):
            if src.get(key) is not None:
                dst.set(key, src.get(key))


def _vertical_route(a, b):
    ax, bx = a.x + a.width / 2, b.x + b.width / 2
    if a.y + a.height <= b.y:
        start, end = (ax, a.y + a.height), (bx, b.y)
    else:
        start, end = (ax, a.y), (bx, b.y + b.height)
    if abs(ax - bx) < 1:
        return [start, end]
    mid = (start[1] + end[1]) / 2
    return [start, (ax, mid), (bx, mid), end]


def _attribute_named(prop, *els):
    """The attribute a diff property names, when it is one (plain or Clark name)."""
    name = prop[1:] if prop.startswith("@") else prop
    if any(name in el.attrib for el in els) or name in _KNOWN_ATTRIBUTES or name.startswith("{"):
        return name
    return None


_KNOWN_ATTRIBUTES = frozenset({
    "completionQuantity", "startQuantity", "isForCompensation", "gatewayDirection", "default",
    "implementation", "isInterrupting", "cancelActivity", "parallelMultiple", "instantiate",
    "eventGatewayType", "triggeredByEvent", "method", "ordering", "cancelRemainingInstances",
    "isImmediate", "messageRef", "calledElement", "scriptFormat", "isCollection", "isClosed",
    "isExecutable", "processType", "textFormat", "associationDirection", "attachedToRef",
})
_ALIASES = {
    "timer": ("timerEventDefinition",), "time": ("timerEventDefinition",),
    "condition": ("conditionExpression", "conditionalEventDefinition"),
    "loop": ("standardLoopCharacteristics", "multiInstanceLoopCharacteristics"),
    "extension": ("extensionElements",), "documentation": ("documentation",),
}


def _child_tags_named(prop, up_el, loc_el):
    """Clark tags of the children a diff property path is about: 'documentation',
    'conditionExpression', 'timerEventDefinition/timeDuration', 'multiInstanceLoopCharacteristics/@x'."""
    present = []
    for child in list(up_el) + list(loc_el):
        if isinstance(child.tag, str) and local_name(child.tag) not in _STRUCTURAL and child.tag not in present:
            present.append(child.tag)
    head = prop.split("/")[0].lower()
    hits = [t for t in present if local_name(t).lower() == head or t.lower() == head]
    if not hits:
        for alias, names in _ALIASES.items():
            if alias in prop.lower():
                hits = [t for t in present if local_name(t) in names]
                if hits:
                    break
    return hits
