"""Bring an adaptation up to a new upstream version (``procex update``).

Three-way merge of the new upstream version into the local adaptation. BASE and UPSTREAM are both
seen through the mapping rules, so the merge sees only the real local edits as local changes and
new upstream elements arrive with local names. On conflicts the local file is left untouched and
the conflicts are returned, each with its values on both sides (the conflict list of ``procex merge``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from procex.bpmn.model import Model
from procex.core.errors import ProcexError
from procex.core.files import atomic_write
from procex.exchange.library import package
from procex.exchange.workspace.adaptation_diff import _mapped
from procex.exchange.workspace.outdated import yank_words

if TYPE_CHECKING:
    from procex.bpmn.diff import ChangeDict
    from procex.bpmn.merge import Conflict
    from procex.exchange.workspace.folder import Workspace


class UpdateConflict(ProcexError):
    """The upstream version conflicts with local edits; nothing was written."""

    exit_code = 1


@dataclass
class UpdateResult:
    name: str
    old: str
    new: str
    applied: list[ChangeDict] = field(default_factory=list)
    kept: list[ChangeDict] = field(default_factory=list)
    pseudo: list[ChangeDict] = field(default_factory=list)
    conflicts: list[dict[str, object]] = field(default_factory=list)  # the blocking conflicts as JSON (diff3's form)
    written: bool = False
    conflict_items: list[Conflict] = field(default_factory=list)  # the same as bpmn.merge.Conflict objects
    resolved: list[Conflict] = field(default_factory=list)  # conflicts decided by ``prefer``
    prefer: str | None = None
    # (id, reason): upstream wins LOCAL could not take
    skipped: list[tuple[str | None, str]] = field(default_factory=list)
    yanked: dict[str, Any] | None = None  # the version taken was yanked by its publisher
    current: bool = False  # already on that version: nothing to do

    def summary(self, lang: str = "de") -> str:
        """German by default: on conflicts the head line and each conflict with the values of both
        sides against BASE (the list ``procex merge`` prints); else what was taken."""
        from procex.bpmn.merge_report import conflict_lines

        lang = "en" if lang == "en" else "de"
        if not self.written:
            head = (
                f"{self.name}: {self.old} → {self.new}: {len(self.conflicts)} Konflikt(e); die lokale Datei "
                "bleibt unverändert; --prefer local|upstream entscheidet sie"
                if lang == "de"
                else f"{self.name}: {self.old} → {self.new}: {len(self.conflicts)} conflict(s); the local file is "
                "left untouched; --prefer local|upstream decides them"
            )
            return "\n".join([head, *conflict_lines(self.conflict_items, lang)])
        if self.current:
            return (
                f"{self.name}: bereits auf {self.old}; nichts zu tun"
                if lang == "de"
                else f"{self.name}: already on {self.old}; nothing to do"
            )
        if lang == "de":
            text = (
                f"{self.name}: {self.old} → {self.new} übernommen: {len(self.applied)} Änderungen von oben "
                f"angewendet, {len(self.kept)} lokale behalten, {len(self.pseudo)} auf beiden Seiten gleich"
            )
            if self.resolved:
                text += f", {len(self.resolved)} Konflikt(e) mit --prefer {self.prefer} entschieden"
        else:
            text = (
                f"{self.name}: {self.old} → {self.new} taken: {len(self.applied)} upstream changes applied, "
                f"{len(self.kept)} local ones kept, {len(self.pseudo)} the same on both sides"
            )
            if self.resolved:
                text += f", {len(self.resolved)} conflict(s) decided with --prefer {self.prefer}"
        return text

    def notes(self, lang: str = "de") -> list[str]:
        """Lines for stderr after a written update: what --prefer upstream could not take, a yank."""
        lines = [f"note: upstream {ident} not taken: {reason}" for ident, reason in self.skipped]
        if self.yanked:
            lines.append(f"warning: {self.new} {yank_words(self.yanked, lang)}")
        return lines


def update_process(ws: Workspace, name: str, version: str | None = None, prefer: str | None = None) -> UpdateResult:
    """Merge the newest (or the given) upstream version into processes/NAME.bpmn."""
    from procex.bpmn.merge import merge

    entry = ws.lock_entry(name)
    if not entry.upstream or not entry.sha256:
        raise ProcexError(f"{name} has no upstream process to update from")
    current = package.parse_ref(entry.upstream)
    client = ws.client()
    manifest = client.manifest(package.Ref(current.publisher, current.slug, version))
    new_ref = package.ref_of(manifest)
    if new_ref.version == current.version:
        return UpdateResult(name, str(current), str(new_ref), written=True, current=True)
    if (
        version is None
        and new_ref.version is not None
        and current.version is not None
        and package.version_key(new_ref.version) < package.version_key(current.version)
    ):
        # The base was yanked and the newest valid version is older: "update" would undo upstream's
        # later changes. Only an explicit --version does that.
        raise ProcexError(
            f"{name} is based on {current}, which its publisher withdrew; the newest valid version "
            f"{new_ref.version} is older, so update would take changes back. Keep your version, or "
            f"take the older one on purpose: procex update {name} --version {new_ref.version}"
        )
    upstream_bytes = client.download_model(manifest)
    base, _ = _mapped(ws, ws.cache_get(entry.sha256), f"{current} (mapped)")
    upstream, applied_rules = _mapped(ws, upstream_bytes, f"{new_ref} (mapped)")
    local_path = ws.process_path(name)
    local = Model.from_file(local_path)
    outcome = merge(base, local, upstream, prefer=prefer)
    three_way = outcome.threeway.to_dict()
    result = UpdateResult(
        name,
        str(current),
        str(new_ref),
        three_way["applicable"],
        three_way["local"],
        three_way["pseudo"],
        [] if outcome.ok else [c.to_dict() for c in outcome.conflicts],
        conflict_items=list(outcome.conflicts),
        resolved=list(outcome.resolved),
        prefer=prefer,
        skipped=list(outcome.skipped),
        yanked=manifest.get("yanked") or None,
    )
    if not outcome.ok or outcome.data is None:
        return result
    sha = ws.cache_put(upstream_bytes, manifest)
    atomic_write(local_path, outcome.data)
    lock = ws.lock()
    record = lock.processes[name]
    record.upstream = str(new_ref)
    record.sha256 = sha
    record.mapping = sorted(set(record.mapping) | {a.rule for a in applied_rules})
    record.imported_at = package.utc_now()
    record.local_sha256 = package.sha256_bytes(outcome.data)
    # A yank recorded for the old version no longer holds; one of the version taken (named with
    # --version) is recorded instead.
    record.upstream_yanked = result.yanked or None
    ws.save_lock(lock)
    result.written = True
    if new_ref.publisher != ws.slug:
        try:
            client.adopt(new_ref)
        except ProcexError:
            pass  # the merge stands; the adoption record is a courtesy to the publisher
    return result
