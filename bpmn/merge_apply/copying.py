"""Copying an UPSTREAM element into LOCAL: ids made unique, references mapped to LOCAL ids, root
elements it needs copied too (mixed into Applier)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lxml.etree import _Element

if TYPE_CHECKING:
    from procex.bpmn.merge_apply.state import ApplierLike

import copy

from procex.bpmn import edit, kinds
from procex.bpmn.merge_apply.errors import MergeApplyError
from procex.bpmn.merge_apply.names import BPMN, OMG_PREFIXES, ROOT_BEFORE, STRUCTURAL
from procex.bpmn.xml import local_name


class Copying:
    """LOCAL copies of UPSTREAM elements, and UPSTREAM reference values mapped to LOCAL ids."""

    def _copy(self: ApplierLike, up_el: _Element, local_id: str | None = None) -> _Element:
        """A LOCAL copy of an UPSTREAM element: nested flow elements left out, ids made unique,
        references mapped to LOCAL ids (root elements it needs, such as messages, copied too)."""
        el = copy.deepcopy(up_el)
        el.tail = None
        for child in list(el):
            if isinstance(child.tag, str) and local_name(child.tag) in STRUCTURAL:
                el.remove(child)
        taken: set[str] = set()
        for node in el.iter():  # ids first, so that references inside the copy map to the copy
            if not isinstance(node.tag, str) or not node.tag.startswith(OMG_PREFIXES):
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
            if not isinstance(node.tag, str) or not node.tag.startswith(BPMN):
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
                            "which the local model does not have"
                        )
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

    def _map_reference_value(self: ApplierLike, value: str, drop_unknown: bool) -> str | None:
        """Map an (optionally prefixed, space-separated) reference value to LOCAL ids."""
        out: list[str] = []
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

    def _copy_root_element(self: ApplierLike, up_id: str) -> str | None:
        """Copy a root element (message, signal, error, escalation, itemDefinition, dataStore …)
        an upstream element needs; None when ``up_id`` is not a root element of UPSTREAM."""
        up_el = self.up_ix.get(up_id)
        if up_el is None or up_el.getparent() is None or local_name(up_el.getparent().tag) != "definitions":
            return None
        if local_name(up_el.tag) in ("process", "collaboration"):
            return None
        el = self._copy(up_el)
        edit.insert_child(self.local.root, el, before_kinds=ROOT_BEFORE)
        self.ix.add_tree(el)
        lid: str = el.get("id")
        return lid
