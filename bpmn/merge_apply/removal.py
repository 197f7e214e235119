"""Removing an element from LOCAL, and what would dangle without it (mixed into Applier)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from procex.bpmn.merge_apply.state import ApplierLike

from procex.bpmn import kinds
from procex.bpmn.merge_apply.tree_index import inside
from procex.bpmn.xml import local_name

_CONNECTORS = frozenset({"sequenceFlow", "messageFlow", "association", "conversationLink"})


class Removal:
    """Removes LOCAL elements with their dangling flows, lane entries and diagram elements."""

    def remove(self: ApplierLike, local_id: str) -> list[str]:
        """Remove an element and what would dangle, as bpmn.edit.remove_element does."""
        el = self._el(local_id)
        if el is None:
            return []
        removed: list[str] = []
        pending = [el]
        while pending:
            el = pending.pop()
            if not self.ix.attached(el):
                continue
            doomed = [e.get("id") for e in el.iter() if isinstance(e.tag, str) and e.get("id")]
            for ident in doomed:
                for user in self.ix.users(ident):
                    if inside(user, el):
                        continue
                    kind = local_name(user.tag)
                    if kind in _CONNECTORS and any(
                        kinds.local_ref(user.get(a, "")) == ident for a in ("sourceRef", "targetRef")
                    ):
                        pending.append(user)
                    elif (
                        kind in ("sourceRef", "targetRef")
                        and local_name(user.getparent().tag) in kinds.DATA_ASSOCIATIONS
                    ):
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
