"""Publish a local process to the library.

licence and mailbox of procex.toml checked -> validate (errors block) -> personal-data check of
the model and of the manifest's contact (refused unless allowed) -> manifest from the catalogue
entry, procex.toml and the lock (derived_from for adaptations; the upstream manifest's name,
description, keywords and legal bases pass through the workspace's text mapping rules, and
what still names the upstream town is warned about) -> upload. Publishing unchanged content
again is a no-op that does not even contact the library.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from procex.bpmn.model import Model
from procex.core.errors import ProcexError
from procex.exchange.library import error_codes, package
from procex.exchange.library.client import LibraryError
from procex.exchange.library.licenses import LicenseError, check_license
from procex.exchange.workspace.folder import CONFIG_FILE, DEFAULT_LICENSE
from procex.exchange.workspace.importing import validate_model_bytes
from procex.exchange.workspace.lock import LockEntry
from procex.exchange.workspace.mapping import map_text
from procex.exchange.workspace.privacy import check_contact, find_personal_data

if TYPE_CHECKING:
    from procex.exchange.catalogue.entries import CatalogueEntry
    from procex.exchange.library.client import LibraryClient
    from procex.exchange.workspace.folder import Workspace
    from procex.exchange.workspace.mapping import Rule

Say = Callable[[str], object]  # progress(message): a line for the person publishing

# RFC 2606 / RFC 6761: top-level domains and second-level domains reserved for examples and tests
RESERVED_TLDS = ("example", "invalid", "test", "localhost")
RESERVED_DOMAINS = ("example.org", "example.com", "example.net")
# what precedes a municipality's own name in a region name ("Stadt Trier" -> "Trier")
_REGION_PREFIX = re.compile(
    r"^(?:(?:Kreisfreie|Große|Verbandsfreie)\s+)?(?:Stadt|Gemeinde|Landkreis|Kreis|"
    r"Verbandsgemeinde|Samtgemeinde|Ortsgemeinde|Markt|Hansestadt|Kreisstadt|"
    r"Universitätsstadt)\s+",
    re.IGNORECASE,
)
MAPPED_FIELDS = ("name", "description", "keywords", "legal_basis")


class PublishRefused(ProcexError):
    """The model may not be published as it is; the message says why and what to do."""

    exit_code = 1


@dataclass
class PublishResult:
    ref: str
    status: str  # "created", "unchanged" (server had it), "no-op" (nothing changed locally)
    derived_from: str = ""
    warnings: int = 0
    manifest_warnings: list[str] = field(default_factory=list)  # texts that still name the upstream town


def _entry_for(ws: Workspace, name: str, lock_entry: LockEntry | None) -> CatalogueEntry | None:
    relative = f"processes/{name}.bpmn"
    entries = ws.catalogue()
    key = lock_entry.entry if lock_entry else None
    for entry in entries:
        if entry.process == relative or (key and entry.leistungsschluessel == key):
            return entry
    return None


def _next_version(previous: str) -> str:
    major, minor, patch = package.parse_version(previous)
    return f"{major}.{minor}.{patch + 1}"


def reserved_mail_domain(mailbox: str | None) -> str | None:
    """The reserved example/test domain of ``mailbox`` (e.g. 'koblenz.example'), or None."""
    domain = (mailbox or "").rpartition("@")[2].strip().rstrip(".").casefold()
    if not domain:
        return None
    if domain.rsplit(".", 1)[-1] in RESERVED_TLDS:
        return domain
    if any(domain == reserved or domain.endswith("." + reserved) for reserved in RESERVED_DOMAINS):
        return domain
    return None


def town_of(region_name: str | None) -> str:
    """'Stadt Trier' -> 'Trier': the name a text uses for a municipality."""
    return _REGION_PREFIX.sub("", (region_name or "").strip()).strip()


def _license(ws: Workspace) -> str:
    try:
        return check_license(
            ws.config.get("publish", {}).get("license") or DEFAULT_LICENSE, f"{ws.root / CONFIG_FILE} [publish] license"
        )
    except LicenseError as error:
        raise PublishRefused(str(error)) from None


def _map_fields(fields: dict[str, Any], rules: list[Rule]) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The manifest texts with the text mapping rules applied, and {field: [rule names]}."""
    mapped: dict[str, Any] = {}
    changed: dict[str, list[str]] = {}
    for key, value in fields.items():
        if isinstance(value, list):
            results = [map_text(item, rules) for item in value]
            mapped[key] = [text for text, _ in results]
            names = [rule for _, used in results for rule in used]
        else:
            mapped[key], names = map_text(value or "", rules)
        if names:
            changed[key] = list(dict.fromkeys(names))
    return mapped, changed


def upstream_town_warnings(manifest: package.Manifest, upstream_manifest: package.Manifest | None) -> list[str]:
    """One line per manifest field (name, description, keywords, legal_basis) that still names the
    upstream publisher's town (its region name without "Stadt", "Gemeinde" ...)."""
    town = town_of(((upstream_manifest or {}).get("region") or {}).get("name"))
    own = town_of((manifest.get("region") or {}).get("name"))
    if not town or town.casefold() == own.casefold():
        return []
    pattern = re.compile(r"(?<!\w)" + re.escape(town) + r"(?:er|erin|ern|s)?(?!\w)")
    lines: list[str] = []
    for key in MAPPED_FIELDS:
        value = manifest.get(key)
        texts = value if isinstance(value, list) else [value or ""]
        hits = [text for text in texts if pattern.search(text)]
        if not hits:
            continue
        fix = (
            "the catalogue entry's title in catalogue.csv or a text rule in mapping.toml"
            if key == "name"
            else "a text rule in mapping.toml"
        )
        shown = "; ".join(_excerpt(text, pattern) for text in hits)
        first = pattern.search(hits[0])  # hits are the texts it matches
        word = first.group(0) if first else town
        lines.append(
            f"manifest {key} still names {town}, the upstream publisher's town ({shown}); "
            f'adapt it with {fix} (kind = "text", from = "{word}")'
        )
    return lines


def _excerpt(text: str, pattern: re.Pattern[str], width: int = 30) -> str:
    match = pattern.search(text)
    if match is None:
        return text
    start, end = max(0, match.start() - width), min(len(text), match.end() + width)
    return ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")


def build_manifest(
    ws: Workspace,
    name: str,
    data: bytes,
    version: str,
    lock_entry: LockEntry | None,
    changes: dict[str, list[str]] | None = None,
    notes: list[str] | None = None,
) -> package.Manifest:
    """The manifest of processes/NAME.bpmn; ``changes`` (a dict), when given, receives
    {field: [mapping rule names]} for the upstream texts the mapping rules adapted; ``notes`` (a
    list), when given, a line for each text shortened to the manifest's limit (a description taken
    from a long process documentation, say)."""
    entry = _entry_for(ws, name, lock_entry)
    upstream_manifest = ws.cached_manifest(lock_entry.sha256) if lock_entry and lock_entry.upstream else None
    model = Model.from_bytes(data, name)
    first_process = model.processes[0] if model.processes else None
    documentation = " ".join(first_process.documentation).strip() if first_process is not None else ""
    texts: dict[str, Any] = {
        "name": entry.title if entry and entry.title else (upstream_manifest or {}).get("name") or name,
        "description": (upstream_manifest or {}).get("description") or documentation,
        "keywords": list((upstream_manifest or {}).get("keywords", [])),
        "legal_basis": list((upstream_manifest or {}).get("legal_basis", [])),
    }
    if upstream_manifest:  # an adaptation: the peer's texts get the same mapping as its model
        texts, changed = _map_fields(texts, ws.mapping_rules())
        if changes is not None:
            changes.update(changed)
    for key in ("name", "description"):
        texts[key], note = _fit(key, texts[key])
        if note and notes is not None:
            notes.append(note)
    upstream_manifest = upstream_manifest or {}
    publish = ws.config.get("publish", {})
    keys = (
        [entry.leistungsschluessel]
        if entry and entry.leistungsschluessel
        else list(upstream_manifest.get("leistungsschluessel", []))
    )
    derived = None
    if lock_entry and lock_entry.upstream:
        derived = {"ref": lock_entry.upstream, "sha256": lock_entry.sha256}
    return package.build_manifest(
        publisher=ws.slug,
        slug=name,
        version=version,
        name=texts["name"],
        model_bytes=data,
        model_file=f"{name}.bpmn",
        region={"ags": ws.municipality.get("ags"), "name": ws.municipality.get("name")},
        contact={
            "office": (
                entry.office if entry and entry.office else publish.get("office") or ws.municipality.get("name")
            ),
            "mailbox": publish.get("mailbox"),
        },
        license=_license(ws),
        leistungsschluessel=keys,
        description=texts["description"],
        keywords=texts["keywords"],
        detaillierungsstufe=upstream_manifest.get("detaillierungsstufe"),
        status=upstream_manifest.get("status"),
        legal_basis=texts["legal_basis"],
        derived_from=derived,
    )


def _fit(key: str, text: str) -> tuple[str, str | None]:
    """(text, note): ``text`` shortened to the manifest's limit for ``key`` at a word boundary, and
    the line that says so (None when it fits)."""
    limit = package.text_limit(key)
    short = package.shorten(text or "", limit)
    if short == (text or ""):
        return text, None
    return short, (
        f"manifest {key} shortened from {len(text):,} to {len(short):,} characters at a word boundary "
        f"(the library takes at most {limit:,}); the model keeps the full text"
    )


def _check_mailbox(ws: Workspace, allow_example_mailbox: bool) -> None:
    mailbox = (ws.config.get("publish", {}).get("mailbox") or "").strip()
    where = f"[publish] mailbox in {ws.root / CONFIG_FILE}"
    if not mailbox:
        raise PublishRefused(f"no contact mailbox: set the municipality's functional mailbox as {where}")
    domain = reserved_mail_domain(mailbox)
    if domain and not allow_example_mailbox:
        raise PublishRefused(
            f"the contact mailbox {mailbox} is a placeholder on the reserved example domain "
            f"{domain}; set the municipality's functional mailbox as {where}"
        )


def _contact_sources(ws: Workspace, name: str, lock_entry: LockEntry | None) -> tuple[str, str]:
    entry = _entry_for(ws, name, lock_entry)
    if entry and entry.office:
        office = f"catalogue.csv office ({entry.leistungsschluessel or entry.title})"
    elif ws.config.get("publish", {}).get("office"):
        office = f"{CONFIG_FILE} [publish] office"
    else:
        office = f"{CONFIG_FILE} [municipality] name"
    return office, f"{CONFIG_FILE} [publish] mailbox"


def publish_process(
    ws: Workspace,
    name: str,
    version: str | None = None,
    allow_personal_data: bool = False,
    progress: Say | None = None,
    allow_example_mailbox: bool = False,
) -> PublishResult:
    """Publish processes/NAME.bpmn. ``allow_example_mailbox`` lets a contact mailbox on a reserved
    example domain through; only `procex demo` uses it (its library and towns are examples)."""
    say = progress or (lambda message: None)
    path = ws.process_path(name)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise PublishRefused(
            f"{path.relative_to(ws.root)} does not exist; known processes: {', '.join(ws.process_names()) or 'none'}"
        ) from None
    lock = ws.lock()
    lock_entry = lock.get(name)
    sha = package.sha256_bytes(data)
    published = lock_entry.published if lock_entry else None
    if published and published.get("sha256") == sha and (version is None or published["ref"].endswith("@" + version)):
        return PublishResult(published["ref"], "no-op", (lock_entry and lock_entry.upstream) or "")
    _license(ws)
    _check_mailbox(ws, allow_example_mailbox)
    findings = validate_model_bytes(data, str(path))
    errors = [f for f in findings if f.severity == "error"]
    if errors:
        listed = "; ".join(f"line {f.line or '-'} {f.element or ''}: {f.message}" for f in errors[:3])
        raise PublishRefused(f"{path.name} has {len(errors)} validation error(s), fix them first: {listed}")
    if version is None:
        version = _next_version(published["ref"].rsplit("@", 1)[1]) if published else "1.0.0"
    package.parse_version(version)
    changes: dict[str, list[str]] = {}
    notes: list[str] = []
    manifest = build_manifest(ws, name, data, version, lock_entry, changes, notes)
    personal = find_personal_data(Model.from_bytes(data, str(path)))
    office_source, mailbox_source = _contact_sources(ws, name, lock_entry)
    personal += check_contact(manifest["contact"], office_source, mailbox_source)
    if personal and not allow_personal_data:
        listed = "; ".join(str(p) for p in personal[:3])
        more = f" and {len(personal) - 3} more" if len(personal) > 3 else ""
        raise PublishRefused(
            f"{path.name} seems to contain personal data ({listed}{more}); name offices, roles "
            "and functional mailboxes instead, or publish with --allow-personal-data if this "
            "is intended"
        )
    if changes:
        rules = list(dict.fromkeys(rule for names in changes.values() for rule in names))
        say(f"manifest {', '.join(changes)} adapted by mapping rules {', '.join(rules)}")
    upstream_manifest = ws.cached_manifest(lock_entry.sha256) if lock_entry and lock_entry.upstream else None
    town_warnings = upstream_town_warnings(manifest, upstream_manifest)
    for line in town_warnings:
        say(f"warning: {line}")
    for line in notes:
        say(line)
    say(f"publishing {ws.slug}/{name}@{version} to {ws.library_url}")
    status = _upload(ws.client(), manifest, data, say)
    entry = lock.processes.setdefault(name, LockEntry())
    entry.published = {"ref": str(package.ref_of(manifest)), "sha256": sha}
    ws.save_lock(lock)
    return PublishResult(
        str(package.ref_of(manifest)),
        "created" if status == 201 else "unchanged",
        (lock_entry and lock_entry.upstream) or "",
        sum(1 for f in findings if f.severity == "warning"),
        town_warnings,
    )


def _upload(client: LibraryClient, manifest: package.Manifest, data: bytes, say: Say) -> int:
    """Upload; the HTTP status (201 created, 200 already there). When the connection broke before
    the answer (the server was stopped or the network went during the upload), the library is
    asked whether the version arrived: an upload can be committed without its answer getting out."""
    try:
        status, _stored = client.publish(manifest, data)
        return status
    except LibraryError as broken:
        if broken.code != error_codes.UNREACHABLE:
            raise
        failure = broken
    ref = package.ref_of(manifest)
    try:
        stored = client.manifest(ref)
    except LibraryError as error:
        if error.status == 404:
            raise PublishRefused(
                f"{ref} was not published: the library does not have it after the upload failed ({failure}); "
                "publish again"
            ) from None
        raise PublishRefused(
            f"cannot tell whether {ref} was published: the upload got no answer ({failure}), and asking "
            f"the library afterwards failed too ({error}); run procex publish again when the library "
            "answers: it says whether the version is there"
        ) from None
    if stored["model"]["sha256"] != manifest["model"]["sha256"]:
        raise PublishRefused(
            f"the upload of {ref} got no answer, and the library now has {ref} with another model; "
            "publish under a new --version"
        )
    say(f"the upload got no answer, but the library has {ref} with this model: it was published")
    return 201


def workspace_package(ws: Workspace, name: str) -> tuple[package.Manifest, bytes, str]:
    """(manifest, model bytes, label) of a workspace process, as publish would build it.

    The version is the one last published, else 1.0.0; used by `procex xprozess export NAME`.
    """
    path = ws.process_path(name)
    if not path.is_file():
        raise PublishRefused(
            f"{path.relative_to(ws.root)} does not exist; known processes: {', '.join(ws.process_names()) or 'none'}"
        )
    data = path.read_bytes()
    lock_entry = ws.lock().get(name)
    version = (lock_entry and lock_entry.published_version) or "1.0.0"
    if lock_entry and lock_entry.upstream and not lock_entry.from_library:
        lock_entry = replace(lock_entry, upstream=None)  # an XProzess origin is not a library package
    return build_manifest(ws, name, data, version, lock_entry), data, str(path)
