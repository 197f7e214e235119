"""`procex status`: what the workspace holds, where each process came from, what changed since.

Offline: it reads procex.lock, catalogue.csv and processes/ only. For each process it says its
origin (a library package, an XProzess message, or the municipality's own), its catalogue entry,
whether the file was edited since procex last wrote it (import or update), and whether the
current content is what was last published.

A yank of the upstream version is shown when the lock records it (``upstream_yanked``): an import
with --force of a yanked version records it, and so does ``procex outdated`` (online) when it
finds that the publisher yanked the version since. status itself asks the library nothing, so a
yank nobody has looked up yet does not show here; ``procex outdated`` finds it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from procex.core.terminal import printable
from procex.exchange.library import package
from procex.exchange.workspace.lock import LockEntry

if TYPE_CHECKING:
    from procex.exchange.workspace.folder import Workspace


@dataclass
class ProcessStatus:
    name: str
    origin: str | None  # "trier/gewerbeanmeldung@1.1.0", "xprozess:…@…" or None (own)
    entry: str | None  # Leistungsschlüssel of the catalogue entry it implements
    title: str | None
    edited: bool | None  # changed since procex wrote it; None when unknown
    published: str | None  # last published ref
    unpublished_changes: bool  # the file differs from what was last published (or never was)
    missing: bool = False  # in the lock, but processes/NAME.bpmn is gone
    upstream_yanked: dict[str, Any] | None = None  # {"reason", "at"}: the publisher withdrew the origin version


def workspace_status(ws: Workspace) -> list[ProcessStatus]:
    """One ProcessStatus per process file or lock entry, by name."""
    lock = ws.lock().processes
    entries = ws.catalogue()
    by_file = {e.process: e for e in entries if e.process}
    by_key = {e.leistungsschluessel: e for e in entries if e.leistungsschluessel}
    rows = []
    for name in sorted(set(ws.process_names()) | set(lock)):
        record = lock.get(name) or LockEntry()
        path = ws.process_path(name)
        current = package.sha256_file(path) if path.exists() else None
        entry = by_file.get(f"processes/{name}.bpmn") or by_key.get(record.entry or "")
        written = record.local_sha256
        published = record.published
        rows.append(
            ProcessStatus(
                name=name,
                origin=record.upstream,
                entry=entry.leistungsschluessel if entry else record.entry,
                title=entry.title if entry else None,
                edited=None if written is None or current is None else current != written,
                published=published["ref"] if published else None,
                unpublished_changes=current is not None and current != (published["sha256"] if published else None),
                missing=current is None,
                upstream_yanked=record.upstream_yanked or None,
            )
        )
    return rows


TEXT = {
    "de": {
        "own": "eigener Prozess",
        "edited": "lokal geändert",
        "unchanged": "unverändert seit Import/Update",
        "unknown": "Änderungsstand unbekannt",
        "published": "veröffentlicht als",
        "unpublished": "nicht veröffentlicht",
        "pending": "Änderungen noch nicht veröffentlicht",
        "missing": "Datei fehlt",
        "none": "keine Prozesse im Arbeitsbereich",
        "from": "aus",
        "yanked": "zurückgezogen",
        "no_reason": "ohne Begründung",
    },
    "en": {
        "own": "own process",
        "edited": "edited locally",
        "unchanged": "unchanged since import/update",
        "unknown": "edit state unknown",
        "published": "published as",
        "unpublished": "not published",
        "pending": "changes not yet published",
        "missing": "file missing",
        "none": "no processes in the workspace",
        "from": "from",
        "yanked": "yanked",
        "no_reason": "no reason given",
    },
}


def format_status(rows: list[ProcessStatus], lang: str = "de") -> str:
    t = TEXT["en" if lang == "en" else "de"]
    if not rows:
        return t["none"]
    lines = []
    for row in rows:
        origin = f"{t['from']} {row.origin}" if row.origin else t["own"]
        if row.upstream_yanked:
            reason = printable(row.upstream_yanked.get("reason")) or t["no_reason"]
            origin += f" ({t['yanked']}: „{reason}“)" if lang != "en" else f" ({t['yanked']}: “{reason}”)"
        entry = f"{row.entry} {row.title or ''}".strip() if row.entry else "-"
        if row.missing:
            state = t["missing"]
        elif row.edited is None:
            state = t["unknown"]
        else:
            state = t["edited"] if row.edited else t["unchanged"]
        if row.published:
            publication = f"{t['published']} {row.published}" + (f", {t['pending']}" if row.unpublished_changes else "")
        else:
            publication = t["unpublished"]
        lines.append(f"{row.name}  [{entry}]  {origin}; {state}; {publication}")
    return "\n".join(lines)


def status_json(rows: list[ProcessStatus]) -> list[dict[str, Any]]:
    return [asdict(row) for row in rows]
