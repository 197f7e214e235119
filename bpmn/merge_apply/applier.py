"""Applier: the merge's writing state (LOCAL and UPSTREAM with their indexes, the id map) and
the lookups every kind of change uses; the changes themselves come from one mixin per concern."""

from __future__ import annotations

import uuid

from lxml.etree import _Element

from procex.bpmn.merge_apply.adding import Adding
from procex.bpmn.merge_apply.changes import Changes
from procex.bpmn.merge_apply.copying import Copying
from procex.bpmn.merge_apply.diagram import Diagram
from procex.bpmn.merge_apply.errors import MergeApplyError
from procex.bpmn.merge_apply.placement import Placement
from procex.bpmn.merge_apply.properties import Properties
from procex.bpmn.merge_apply.removal import Removal
from procex.bpmn.merge_apply.tree_index import TreeIndex
from procex.bpmn.model import Model


class Applier(Adding, Copying, Changes, Properties, Removal, Diagram, Placement):
    """Applies UPSTREAM elements' state onto LOCAL, element by element (see the package doc)."""

    def __init__(self, local: Model, upstream: Model, ids: dict[str, str]) -> None:
        self.local = local
        self.upstream = upstream
        self.ids = dict(ids)  # upstream id -> local id
        self.ix = TreeIndex(local.root)
        self.up_ix = TreeIndex(upstream.root)
        self.skipped: list[tuple[str | None, str]] = []  # (upstream id, reason) of what could not be applied
        self.doomed: set[str] = set()  # LOCAL ids about to be removed: their shapes are no obstacles

    def finish(self) -> Model:
        """Re-index the LOCAL model once, after the last edit."""
        self.local.reindex()
        return self.local

    # --- helpers -----------------------------------------------------------------------------
    def loc(self, up_id: str | None) -> str | None:
        """The LOCAL id of an UPSTREAM element, or None when LOCAL has no counterpart."""
        lid = self.ids.get(up_id) if up_id is not None else None
        return lid if lid is not None and self.ix.get(lid) is not None else None

    def _up(self, up_id: str | None) -> _Element:
        el = self.up_ix.get(up_id)
        if el is None:
            raise MergeApplyError(f"{up_id!r} is not in the upstream model")
        return el

    def _local_of(self, up_id: str | None) -> str:
        lid = self.loc(up_id)
        if lid is None:
            raise MergeApplyError(f"upstream element {up_id!r} has no counterpart in the local model")
        return lid

    def _el(self, lid: str | None) -> _Element | None:
        return self.ix.get(lid)

    def _need(self, lid: str | None) -> _Element:
        """The LOCAL element ``lid``, which the change needs (MergeApplyError when it is gone)."""
        el = self.ix.get(lid)
        if el is None:
            raise MergeApplyError(f"{lid!r} is not in the local model")
        return el

    def new_id(self, prefix: str) -> str:
        while True:
            ident = f"{prefix}_{uuid.uuid4().hex[:8]}"
            if ident not in self.ix.by_id:
                return ident
