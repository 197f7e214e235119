"""procex.lock: the provenance of every process of a workspace, one typed LockEntry per name.

The file is JSON, ``{"processes": {NAME: entry}}``, written with sorted keys so it diffs well in
git. An entry says where the process came from and what happened to it:

    upstream         "publisher/slug@version" of a library package, "xprozess:<id>@<version>" of
                     an XProzess import, or null for the municipality's own process
    sha256           the upstream original's sha256 (kept in .procex/cache/ for offline diffs)
    mapping          names of the mapping rules applied on import and update
    entry            the catalogue entry's Leistungsschlüssel
    imported_at      when the import or update wrote the file (UTC, ISO 8601)
    local_sha256     what procex wrote, so status can tell later edits
    upstream_yanked  {"at", "reason"} when the publisher withdrew the upstream version
    published        {"ref", "sha256"} of what this workspace last published under the name

Fields a newer procex writes are kept as they are (``extra``), so an older one does not drop them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any, TypedDict

from procex.core.errors import ProcexError


class Published(TypedDict):
    """What the workspace last published under a process name."""

    ref: str
    sha256: str


class LockFormatError(ProcexError):
    """procex.lock holds something procex did not write; the message names the entry."""


# Written even when empty, as procex always did: the four fields every entry has.
_ALWAYS = ("upstream", "sha256", "mapping", "entry")


@dataclass
class LockEntry:
    upstream: str | None = None
    sha256: str | None = None
    mapping: list[str] = field(default_factory=list)
    entry: str | None = None
    imported_at: str | None = None
    local_sha256: str | None = None
    upstream_yanked: dict[str, Any] | None = None
    published: Published | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def from_library(self) -> bool:
        """Whether the process is based on a library package (not own, not an XProzess import)."""
        return bool(self.upstream) and not str(self.upstream).startswith("xprozess:")

    @property
    def published_version(self) -> str | None:
        return self.published["ref"].rsplit("@", 1)[1] if self.published else None

    @classmethod
    def from_json(cls, data: object, where: str = "procex.lock") -> LockEntry:
        if not isinstance(data, Mapping):
            raise LockFormatError(
                f"{where}: an entry must be a JSON object, not {type(data).__name__}; restore it from git"
            )
        known = {f.name for f in fields(cls)} - {"extra"}
        values = {k: v for k, v in data.items() if k in known}
        mapping = values.get("mapping") or []
        if not isinstance(mapping, list) or not all(isinstance(m, str) for m in mapping):
            raise LockFormatError(f"{where}: 'mapping' must be a list of rule names; restore it from git")
        values["mapping"] = list(mapping)
        published = values.get("published")
        if published is not None and not (
            isinstance(published, Mapping) and isinstance(published.get("ref"), str) and "@" in published["ref"]
        ):
            raise LockFormatError(f'{where}: \'published\' must be {{"ref", "sha256"}}; restore it from git')
        for name in ("upstream", "sha256", "entry", "imported_at", "local_sha256"):
            if values.get(name) is not None and not isinstance(values[name], str):
                raise LockFormatError(f"{where}: {name!r} must be a string or null; restore it from git")
        return cls(**values, extra={k: v for k, v in data.items() if k not in known})

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = dict(self.extra)
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name != "extra" and (f.name in _ALWAYS or value is not None):
                out[f.name] = value
        return out


@dataclass
class Lock:
    """The whole procex.lock: entries by process name, and any top-level field of a newer procex."""

    processes: dict[str, LockEntry] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_json(cls, data: object, where: str = "procex.lock") -> Lock:
        if not isinstance(data, Mapping):
            raise LockFormatError(f'{where}: must be a JSON object with "processes"; restore it from git')
        processes = data.get("processes") or {}
        if not isinstance(processes, Mapping):
            raise LockFormatError(f'{where}: "processes" must be an object of entries by name; restore it from git')
        return cls(
            {name: LockEntry.from_json(entry, f"{where}: process {name!r}") for name, entry in processes.items()},
            {k: v for k, v in data.items() if k != "processes"},
        )

    def to_json(self) -> dict[str, Any]:
        return {**self.extra, "processes": {name: e.to_json() for name, e in self.processes.items()}}

    def get(self, name: str) -> LockEntry | None:
        return self.processes.get(name)
