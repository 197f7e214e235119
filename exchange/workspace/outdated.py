"""Which imported processes are outdated (``procex outdated``).

Imported processes whose publisher has a newer, unyanked version, or has yanked the version they
are based on (with the reason). A yank it learns of is recorded in the lock entry
(``upstream_yanked``), so that the offline ``procex status`` can show it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from procex.core.terminal import printable
from procex.exchange.library import package

if TYPE_CHECKING:
    from procex.exchange.workspace.folder import Workspace


@dataclass
class Outdated:
    name: str
    current: str
    latest: str | None  # the newest unyanked version's ref (None: every version is yanked)
    yanked: dict[str, Any] | None = None  # {"reason", "at"} when the publisher yanked ``current``

    @property
    def newer(self) -> bool:
        return self.latest is not None and _version_of(self.latest) > _version_of(self.current)

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "current": self.current, "latest": self.latest, "yanked": self.yanked}


def _version_of(ref_text: str) -> tuple[int, int, int]:
    return package.version_key(package.parse_ref(ref_text, require_version=True).version or "")


def outdated(ws: Workspace) -> list[Outdated]:
    """Imported processes with a newer upstream version or a yanked one, in name order.

    One request per process (its version list). A yank of the version a process is based on is
    written into its lock entry as ``upstream_yanked`` (and removed should the library no longer
    report it), so that ``procex status`` shows it offline; the lock is written only when that changes.
    """
    client = ws.client()
    found: list[Outdated] = []
    seen: dict[str, tuple[str, dict[str, Any] | None]] = {}
    for name, entry in sorted(ws.lock().processes.items()):
        upstream = entry.upstream
        if not upstream or not entry.from_library:
            continue
        ref = package.parse_ref(upstream)
        process = client.process(ref.publisher, ref.slug)
        latest = process.get("latest")
        yanked = (
            next((v.get("yanked") for v in process.get("versions") or [] if v.get("version") == ref.version), None)
            or None
        )
        seen[name] = (upstream, yanked)
        item = Outdated(name, upstream, f"{ref.publisher}/{ref.slug}@{latest}" if latest else None, yanked)
        if item.newer or yanked:
            found.append(item)
    _record_yanks(ws, seen)
    return found


def _record_yanks(ws: Workspace, seen: dict[str, tuple[str, dict[str, Any] | None]]) -> None:
    """Write what the library said about yanks into the lock entries (re-read: keep others' changes)."""
    lock = ws.lock()
    changed = False
    for name, (upstream, yanked) in seen.items():
        entry = lock.get(name)
        if entry is None or entry.upstream != upstream or (entry.upstream_yanked or None) == yanked:
            continue
        entry.upstream_yanked = yanked or None
        changed = True
    if changed:
        ws.save_lock(lock)


OUTDATED_TEXT = {
    "de": {
        "current": "alle übernommenen Prozesse sind aktuell",
        "yanked": "vom Herausgeber zurückgezogen{when}: „{reason}“",
        "on": " am {date}",
        "no_reason": "ohne Begründung",
        "none_left": "keine gültige Version mehr in der Bibliothek",
        "older": "neueste gültige Version: {latest}",
    },
    "en": {
        "current": "every imported process is up to date",
        "yanked": "yanked by its publisher{when}: “{reason}”",
        "on": " on {date}",
        "no_reason": "no reason given",
        "none_left": "no unyanked version left in the library",
        "older": "newest unyanked version: {latest}",
    },
}


def yank_words(yanked: dict[str, Any], lang: str = "de") -> str:
    """'vom Herausgeber zurückgezogen am 2024-05-02: „reason“' (or in English)."""
    t = OUTDATED_TEXT["en" if lang == "en" else "de"]
    date = printable(yanked.get("at"))[:10]
    return t["yanked"].format(
        when=t["on"].format(date=date) if date else "", reason=printable(yanked.get("reason")) or t["no_reason"]
    )


def format_outdated(items: list[Outdated], lang: str = "de") -> str:
    t = OUTDATED_TEXT["en" if lang == "en" else "de"]
    if not items:
        return t["current"]
    lines = []
    for o in items:
        if not o.yanked:
            lines.append(f"{o.name}: {o.current} → {o.latest}")
        elif o.newer:
            version = package.parse_ref(o.current).version
            lines.append(f"{o.name}: {o.current} → {o.latest}; {version} {yank_words(o.yanked, lang)}")
        else:
            rest = t["older"].format(latest=o.latest) if o.latest else t["none_left"]
            lines.append(f"{o.name}: {o.current} {yank_words(o.yanked, lang)}; {rest}")
    return "\n".join(lines)
