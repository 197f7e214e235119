"""TreeIndex: ids, shapes, edges and back-references of one BPMN tree, kept up to date edit by edit."""

from __future__ import annotations

from collections.abc import Callable

from lxml.etree import _Element

from procex.bpmn import kinds
from procex.bpmn.merge_apply.names import BPMN, OMG_PREFIXES
from procex.bpmn.model import Bounds, shape_bounds
from procex.bpmn.xml import local_name

REF_ATTRS = ("sourceRef", "targetRef", "attachedToRef", "default", "processRef")
_REF_TEXTS = frozenset({"flowNodeRef", "incoming", "outgoing", "sourceRef", "targetRef"})


bounds_of: Callable[[_Element | None], Bounds | None] = shape_bounds  # the model's own reading of dc:Bounds


class TreeIndex:
    """Ids, shapes, edges and back-references of one BPMN tree, updated as the merge edits it."""

    def __init__(self, root: _Element) -> None:
        self.root = root
        self.rebuild()

    def rebuild(self) -> None:
        self.by_id: dict[str, _Element] = {}
        self.shapes: dict[str, list[_Element]] = {}  # BPMNShapes by the id they draw
        self.edges: dict[str, list[_Element]] = {}
        self.refs: dict[str, list[_Element]] = {}  # id -> elements referencing it
        for el in self.root.iter():
            self._add(el)

    def _add(self, el: _Element) -> None:
        tag = el.tag
        if not isinstance(tag, str) or not tag.startswith(OMG_PREFIXES):
            return
        ident = el.get("id")
        if ident and ident not in self.by_id:
            self.by_id[ident] = el
        kind = tag[tag.index("}") + 1 :]
        if kind in ("BPMNShape", "BPMNEdge"):
            ref = el.get("bpmnElement")
            if ref:
                (self.shapes if kind == "BPMNShape" else self.edges).setdefault(kinds.local_ref(ref), []).append(el)
            return
        for attr in REF_ATTRS:
            value = el.get(attr)
            if value:
                self.refs.setdefault(kinds.local_ref(value), []).append(el)
        if kind in _REF_TEXTS and el.text and el.text.strip():
            self.refs.setdefault(el.text.strip(), []).append(el)

    def add_tree(self, el: _Element) -> None:
        for node in el.iter():
            self._add(node)

    def drop_tree(self, el: _Element) -> None:
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

    def set_ref(self, el: _Element, attr: str, value: str) -> None:
        """Set a reference attribute and keep the back-references right."""
        el.set(attr, value)
        self.refs.setdefault(kinds.local_ref(value), []).append(el)

    def attached(self, el: _Element) -> bool:
        for ancestor in el.iterancestors():
            if ancestor is self.root:
                return True
        return el is self.root

    def users(self, ident: str) -> list[_Element]:
        """Live elements that reference ``ident`` (attribute or reference text)."""
        found: list[_Element] = []
        for el in self.refs.get(ident, ()):
            if el in found or not self.attached(el):
                continue
            if local_name(el.tag) in _REF_TEXTS and el.text is not None and el.text.strip() == ident:
                found.append(el)
            elif any(el.get(a) and kinds.local_ref(el.get(a)) == ident for a in REF_ATTRS):
                found.append(el)
        return found

    def get(self, ident: str | None) -> _Element | None:
        if not ident:
            return None
        el = self.by_id.get(ident)
        if el is not None and not self.attached(el):
            del self.by_id[ident]
            return None
        return el

    def shape(self, ident: str) -> _Element | None:
        shapes = [s for s in self.shapes.get(ident, ()) if self.attached(s)]
        return shapes[0] if shapes else None

    def bounds(self, ident: str) -> Bounds | None:
        return bounds_of(self.shape(ident))

    # --- structure ---------------------------------------------------------------------------
    def container(self, el: _Element) -> _Element | None:
        """The process or sub-process ``el`` stands in."""
        for ancestor in el.iterancestors():
            if local_name(ancestor.tag) in kinds.CONTAINERS and ancestor.tag.startswith(BPMN):
                return ancestor
        return None

    def process(self, el: _Element) -> _Element | None:
        for ancestor in [el] + list(el.iterancestors()):
            if ancestor.tag == BPMN + "process":
                return ancestor
        return None

    def lanes_of(self, ident: str) -> list[_Element]:
        """Lanes listing the flow node, innermost first."""
        lanes = [r.getparent() for r in self.users(ident) if local_name(r.tag) == "flowNodeRef"]
        return sorted(lanes, key=lambda lane: -sum(1 for _ in lane.iterancestors()))

    def participant_of(self, process_el: _Element | None) -> _Element | None:
        if process_el is None:
            return None
        for user in self.users(process_el.get("id")):
            if local_name(user.tag) == "participant":
                return user
        return None

    def holders(self, el: _Element) -> list[str]:
        """Ids of what frames an element, innermost first: lanes, its sub-process, its pool."""
        out: list[str] = []
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


def id_of(el: _Element | None) -> str | None:
    """The id of an element that may be missing."""
    return None if el is None else el.get("id")


def inside(el: _Element, ancestor: _Element) -> bool:
    """``el`` is ``ancestor`` or stands inside it."""
    return el is ancestor or any(a is ancestor for a in el.iterancestors())
