"""The municipality's workspace: plain files that diff well in git.

    procex.toml        municipality, AGS, library URL, licence and contact defaults, [lint]
    catalogue.csv      the local service catalogue (exchange/catalogue.py)
    mapping.toml       named adaptation rules (exchange/mapping.py)
    processes/         the local models, NAME.bpmn
    procex.lock        provenance of every process: upstream publisher/slug@version, sha256,
                       mapping rules applied, catalogue entry, what was published
    .procex/cache/     upstream originals by sha256 (with their manifests), so diffs work offline

The token is never stored here: it comes from PROCEX_TOKEN or from a file named in procex.toml.
Every write is atomic; JSON and TOML are written with stable key order.
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from procex.core.compat import tomllib
from procex.core.errors import ProcexError
from procex.core.files import atomic_write
from procex.exchange.catalogue import entries as cat
from procex.exchange.catalogue.entries import CatalogueEntry
from procex.exchange.library import package
from procex.exchange.library.licenses import check_license
from procex.exchange.library.package import Manifest
from procex.exchange.workspace.lock import Lock, LockEntry

if TYPE_CHECKING:  # the client (and requests) is imported when a command needs the library
    from procex.exchange.library.client import LibraryClient
    from procex.exchange.workspace.mapping import Rule

CONFIG_FILE = "procex.toml"
LOCK_FILE = "procex.lock"
PROCESS_DIR = "processes"
CACHE_DIR = Path(".procex") / "cache"
DEFAULT_LICENSE = "dl-de/by-2-0"

MAPPING_TEMPLATE = """# Mapping rules: how models from other municipalities are adapted to ours.
# Applied in this order on every import and update; each change they make is attributed to the
# rule's name in `procex diff NAME` (cause "mapping:<name>").
#
# [[rule]]
# name = "stadt"
# kind = "participant"   # participant | lane | system | text
# from = "Stadt Trier"
# to = "Stadt Koblenz"
"""


class WorkspaceError(ProcexError):
    """The workspace is missing, incomplete or inconsistent; the message says how to repair it."""


def slugify(text: str) -> str:
    """'Stadt Koblenz' -> 'koblenz'; 'Gewerbe-Anmeldung' -> 'gewerbe-anmeldung'."""
    text = re.sub(r"^(Stadt|Gemeinde|Landkreis|Kreis|Verbandsgemeinde|Markt)\s+", "", text.strip(), flags=re.I)
    text = text.lower().replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:64] or "kommune"


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)


def dump_toml(data: Mapping[str, Mapping[str, object]]) -> str:
    """A small TOML writer for procex.toml: top-level tables of scalars, in the given order."""
    lines = []
    for table, values in data.items():
        lines.append(f"[{table}]")
        for key, value in values.items():
            if value is None:
                continue
            if isinstance(value, dict):
                continue
            lines.append(f"{key} = {_toml_value(value)}")
        lines.append("")
        for key, value in values.items():
            if isinstance(value, dict):
                lines.append(f"[{table}.{key}]")
                lines.extend(f"{k} = {_toml_value(v)}" for k, v in value.items())
                lines.append("")
    return "\n".join(lines)


def json_bytes(data: dict[str, Any]) -> bytes:
    return (json.dumps(data, ensure_ascii=False, sort_keys=True, indent=2) + "\n").encode("utf-8")


@dataclass
class Workspace:
    root: Path
    config: dict[str, Any] = field(default_factory=dict)  # procex.toml as read

    # --- opening and creating -------------------------------------------------------------------
    @classmethod
    def open(cls, start: str | os.PathLike[str] = ".") -> Workspace:
        """The workspace containing ``start`` (procex.toml here or in a parent folder)."""
        here = Path(start).resolve()
        for folder in (here, *here.parents):
            if (folder / CONFIG_FILE).is_file():
                return cls(folder, _read_toml(folder / CONFIG_FILE))
        raise WorkspaceError(
            f"no procex workspace at {here} (no {CONFIG_FILE} here or above); "
            'create one with: procex init --municipality "Stadt Koblenz" --ags 07111000'
        )

    @classmethod
    def init(
        cls,
        root: str | os.PathLike[str],
        municipality: str,
        ags: str,
        library: str | None = None,
        slug: str | None = None,
        mailbox: str | None = None,
        office: str | None = None,
        license: str = DEFAULT_LICENSE,
        token_file: str | None = None,
    ) -> Workspace:
        root = Path(root)
        if not re.fullmatch(r"\d{8}", ags or ""):
            raise WorkspaceError(
                f"AGS {ags!r} is not valid: the Amtlicher Gemeindeschlüssel has 8 digits, e.g. 07111000 for Koblenz"
            )
        if (root / CONFIG_FILE).exists():
            raise WorkspaceError(f"{root / CONFIG_FILE} already exists; this folder is a workspace already")
        slug = package.check_slug(slug or slugify(municipality), "municipality slug")
        license = check_license(license, "licence")
        config = {
            "municipality": {"name": municipality, "ags": ags, "slug": slug},
            "library": {"url": library or "", "token_file": token_file or ""},
            "publish": {"license": license, "office": office or "", "mailbox": mailbox or f"prozesse@{slug}.example"},
        }
        root.mkdir(parents=True, exist_ok=True)
        (root / PROCESS_DIR).mkdir(exist_ok=True)
        (root / CACHE_DIR).mkdir(parents=True, exist_ok=True)
        atomic_write(root / CONFIG_FILE, dump_toml(config))
        if library:
            from procex.exchange.library import confirmed_hosts

            confirmed_hosts.remember(library)  # the user named it: their token may go there
        if not (root / cat.CATALOGUE_FILE).exists():
            cat.write_catalogue(root / cat.CATALOGUE_FILE, [])
        if not (root / "mapping.toml").exists():
            atomic_write(root / "mapping.toml", MAPPING_TEMPLATE)
        if not (root / LOCK_FILE).exists():
            atomic_write(root / LOCK_FILE, json_bytes(Lock().to_json()))
        return cls(root.resolve(), config)

    # --- configuration --------------------------------------------------------------------------
    @property
    def municipality(self) -> dict[str, Any]:
        municipality: dict[str, Any] = self.config.get("municipality", {})
        return municipality

    @property
    def slug(self) -> str:
        return self.municipality.get("slug") or slugify(self.municipality.get("name", ""))

    @property
    def library_url(self) -> str:
        return os.environ.get("PROCEX_LIBRARY") or self.config.get("library", {}).get("url", "")

    def token(self) -> str | None:
        token = os.environ.get("PROCEX_TOKEN")
        if token:
            return token.strip()
        token_file = self.config.get("library", {}).get("token_file")
        if token_file:
            path = Path(token_file).expanduser()  # "~/x.token" is the user's home, not the workspace's
            path = path if path.is_absolute() else self.root / path
            try:
                return path.read_text("utf-8").strip()
            except OSError as error:
                raise WorkspaceError(
                    f"cannot read the token file {path} named in {CONFIG_FILE}: {error.strerror}"
                ) from None
        return None

    def library_timeout(self) -> float | None:
        """Seconds to wait for the library to answer a call, over all its attempts:
        PROCEX_TIMEOUT, else ``[library] timeout`` in procex.toml, else None (the client's 60 s)."""
        value = os.environ.get("PROCEX_TIMEOUT")
        where = "PROCEX_TIMEOUT"
        if value is None or not value.strip():
            value = self.config.get("library", {}).get("timeout")
            where = f"[library] timeout in {self.root / CONFIG_FILE}"
        if value is None or value == "":
            return None
        try:
            seconds = float(value)
        except (TypeError, ValueError):
            seconds = None
        if seconds is None or not 0 < seconds < float("inf") or isinstance(value, bool):
            raise WorkspaceError(f"{where} must be a number of seconds above 0 (for example 60), not {value!r}")
        return seconds

    def client(self, ask: Callable[[str, Path], bool | None] | None = None) -> LibraryClient:
        """The library client, with the user's token when there is one. The token goes only to a
        host the user confirmed (exchange/library/confirmed_hosts.py): ``ask(url, source)`` decides
        about a new one (True, False, or None: no one to ask); by default a question on the terminal."""
        from procex.exchange.library import confirmed_hosts
        from procex.exchange.library.client import LibraryClient

        token = self.token()
        client = LibraryClient(self.library_url, token, timeout=self.library_timeout(), member=self.slug)
        if token and not os.environ.get("PROCEX_LIBRARY") and not confirmed_hosts.is_confirmed(self.library_url):
            self._confirm_host(ask or confirmed_hosts.ask_on_terminal)
        return client

    def _confirm_host(self, ask: Callable[[str, Path], bool | None]) -> None:
        from procex.exchange.library import confirmed_hosts, error_codes
        from procex.exchange.library.client import LibraryError

        url, host = self.library_url, confirmed_hosts.host_of(self.library_url)
        source = self.root / CONFIG_FILE
        answer = ask(url, source)
        if answer:
            confirmed_hosts.remember(url)
            return
        why = "you said no" if answer is False else "there is no terminal to ask on"
        raise LibraryError(
            f"refusing to send your library token to {host}: {source} names {url} as the library, you "
            f"have not confirmed that host, and {why} (a workspace from someone else could name a "
            "server that collects tokens). If it is your library, confirm it once: answer yes on a "
            f"terminal, add the line {host} to {confirmed_hosts.hosts_file()}, or, for scripts, set "
            f"{confirmed_hosts.ENV}={host}",
            code=error_codes.UNCONFIRMED_HOST,
        )

    # --- files ----------------------------------------------------------------------------------
    def path(self, *parts: str) -> Path:
        return self.root.joinpath(*parts)

    def process_path(self, name: str) -> Path:
        if not package.is_slug(name):
            raise WorkspaceError(
                f"process name {name!r} is not valid: use lower-case letters, digits and hyphens, e.g. gewerbeanmeldung"
            )
        return self.root / PROCESS_DIR / f"{name}.bpmn"

    def process_names(self) -> list[str]:
        return sorted(p.stem for p in (self.root / PROCESS_DIR).glob("*.bpmn"))

    def catalogue(self) -> list[CatalogueEntry]:
        return cat.read_catalogue(self.root / cat.CATALOGUE_FILE)

    def save_catalogue(self, entries: list[CatalogueEntry]) -> None:
        cat.write_catalogue(self.root / cat.CATALOGUE_FILE, entries)

    def mapping_rules(self) -> list[Rule]:
        from procex.exchange.workspace.mapping import load_rules

        return load_rules(self.root / "mapping.toml")

    def lock(self) -> Lock:
        path = self.root / LOCK_FILE
        if not path.exists():
            return Lock()
        try:
            data = json.loads(path.read_text("utf-8"))
        except (ValueError, UnicodeDecodeError) as error:
            raise WorkspaceError(f"{path} is not valid JSON ({error}); restore it from git") from None
        return Lock.from_json(data, str(path))

    def save_lock(self, lock: Lock) -> None:
        atomic_write(self.root / LOCK_FILE, json_bytes(lock.to_json()))

    def lock_entry(self, name: str) -> LockEntry:
        lock = self.lock()
        entry = lock.get(name)
        if entry is None:
            raise WorkspaceError(
                f"{name!r} is not recorded in {LOCK_FILE}; known processes: "
                f"{', '.join(sorted(lock.processes)) or 'none'}"
            )
        return entry

    # --- cache of upstream originals --------------------------------------------------------------
    def cache_put(self, data: bytes, manifest: Manifest) -> str:
        sha = package.sha256_bytes(data)
        folder = self.root / CACHE_DIR
        atomic_write(folder / f"{sha}.bpmn", data)
        atomic_write(folder / f"{sha}.json", json_bytes(manifest))
        return sha

    def cache_get(self, sha: str) -> bytes:
        path = self.root / CACHE_DIR / f"{sha}.bpmn"
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise WorkspaceError(
                f"the upstream original {sha[:12]}… is not in {CACHE_DIR}; run "
                "procex update or re-import the process to fetch it again"
            ) from None
        if package.sha256_bytes(data) != sha:
            raise WorkspaceError(f"{path} does not match its sha256 (it was changed); delete it and re-import")
        return data

    def cached_manifest(self, sha: str | None) -> Manifest | None:
        """The manifest cached with the original ``sha``; None when there is none (or no sha)."""
        if not sha:
            return None
        path = self.root / CACHE_DIR / f"{sha}.json"
        manifest: Manifest | None = json.loads(path.read_text("utf-8")) if path.exists() else None
        return manifest


def _read_toml(path: str | os.PathLike[str]) -> dict[str, Any]:
    try:
        data: dict[str, Any] = tomllib.loads(Path(path).read_text("utf-8"))
        return data
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise WorkspaceError(f"{path}: not valid TOML: {error}") from None
