"""Publish a local process to the library.

validate (errors block) -> personal-data check (refused unless allowed) -> manifest from the
catalogue entry, procex.toml and the lock (derived_from for adaptations) -> upload. Publishing
unchanged content again is a no-op that does not even contact the library.
"""
from dataclasses import dataclass

from bpmn.errors import ProcexError
from bpmn.model import Model

from . import package
from .importing import validate_model_bytes
from .privacy import find_personal_data


class PublishRefused(ProcexError):
    """The model may not be published as it is; the message says why and what to do."""

    exit_code = 1


@dataclass
class PublishResult:
    ref: str
    status: str  # "created", "unchanged" (server had it), "no-op" (nothing changed locally)
    derived_from: str = ""
    warnings: int = 0


def _entry_for(ws, name, lock_entry):
    relative = f"processes/{name}.bpmn"
    entries = ws.catalogue()
    key = (lock_entry or {}).get("entry")
    for entry in entries:
        if entry.process == relative or (key and entry.leistungsschluessel == key):
            return entry
    return None


def _next_version(previous):
    major, minor, patch = package.parse_version(previous)
    return f"{major}.{minor}.{patch + 1}"


def build_manifest(ws, name, data, version, lock_entry):
    entry = _entry_for(ws, name, lock_entry)
    upstream_manifest = ws.cached_manifest(lock_entry["sha256"]) if lock_entry and lock_entry.get("upstream") else None
    model = Model.from_bytes(data, name)
    first_process = model.processes[0] if model.processes else None
    documentation = " ".join(first_process.documentation).strip() if first_process is not None else ""
    upstream_manifest = upstream_manifest or {}
    publish = ws.config.get("publish", {})
    keys = [entry.leistungsschluessel] if entry and entry.leistungsschluessel else list(upstream_manifest.get("leistungsschluessel", []))
    derived = None
    if lock_entry and lock_entry.get("upstream"):
        derived = {"ref": lock_entry["upstream"], "sha256": lock_entry["sha256"]}
    return package.build_manifest(
        publisher=ws.slug, slug=name, version=version,
        name=(entry.title if entry and entry.title else upstream_manifest.get("name") or name),
        model_bytes=data, model_file=f"{name}.bpmn",
        region={"ags": ws.municipality.get("ags"), "name": ws.municipality.get("name")},
        contact={"office": (entry.office if entry and entry.office else publish.get("office") or ws.municipality.get("name")),
                 "mailbox": publish.get("mailbox")},
        license=publish.get("license") or "dl-de/by-2-0",
        leistungsschluessel=keys,
        description=upstream_manifest.get("description") or documentation,
        keywords=upstream_manifest.get("keywords", []),
        detaillierungsstufe=upstream_manifest.get("detaillierungsstufe"),
        status=upstream_manifest.get("status"),
        legal_basis=upstream_manifest.get("legal_basis", []),
        derived_from=derived,
    )


def publish_process(ws, name, version=None, allow_personal_data=False, progress=None):
    say = progress or (lambda message: None)
    path = ws.process_path(name)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise PublishRefused(f"{path.relative_to(ws.root)} does not exist; known processes: "
                             f"{', '.join(ws.process_names()) or 'none'}") from None
    lock = ws.lock()
    lock_entry = lock["processes"].get(name)
    sha = package.sha256_bytes(data)
    published = (lock_entry or {}).get("published")
    if published and published.get("sha256") == sha and (version is None or published["ref"].endswith("@" + version)):
        return PublishResult(published["ref"], "no-op", (lock_entry or {}).get("upstream") or "")
    findings = validate_model_bytes(data, str(path))
    errors = [f for f in findings if f.severity == "error"]
    if errors:
        listed = "; ".join(f"line {f.line or '-'} {f.element or ''}: {f.message}" for f in errors[:3])
        raise PublishRefused(f"{path.name} has {len(errors)} validation error(s), fix them first: {listed}")
    personal = find_personal_data(Model.from_bytes(data, str(path)))
    if personal and not allow_personal_data:
        listed = "; ".join(str(p) for p in personal[:3])
        more = f" and {len(personal) - 3} more" if len(personal) > 3 else ""
        raise PublishRefused(f"{path.name} seems to contain personal data ({listed}{more}); name offices and "
                             "roles instead, or publish with --allow-personal-data if this is intended")
    if version is None:
        version = _next_version(published["ref"].rsplit("@", 1)[1]) if published else "1.0.0"
    package.parse_version(version)
    manifest = build_manifest(ws, name, data, version, lock_entry)
    say(f"publishing {ws.slug}/{name}@{version} to {ws.library_url}")
    status, _stored = ws.client().publish(manifest, data)
    entry = lock["processes"].setdefault(name, {"upstream": None, "sha256": None, "mapping": [], "entry": None})
    entry["published"] = {"ref": str(package.ref_of(manifest)), "sha256": sha}
    ws.save_lock(lock)
    return PublishResult(str(package.ref_of(manifest)), "created" if status == 201 else "unchanged",
                         (lock_entry or {}).get("upstream") or "",
                         sum(1 for f in findings if f.severity == "warning"))


def workspace_package(ws, name):
    """(manifest, model bytes, label) of a workspace process, as publish would build it.

    The version is the one last published, else 1.0.0; used by `procex xprozess export NAME`.
    """
    path = ws.process_path(name)
    if not path.is_file():
        raise PublishRefused(f"{path.relative_to(ws.root)} does not exist; known processes: "
                             f"{', '.join(ws.process_names()) or 'none'}")
    data = path.read_bytes()
    lock_entry = ws.lock()["processes"].get(name)
    published = (lock_entry or {}).get("published")
    version = published["ref"].rsplit("@", 1)[1] if published else "1.0.0"
    if lock_entry and str(lock_entry.get("upstream") or "").startswith("xprozess:"):
        lock_entry = dict(lock_entry, upstream=None)  # an XProzess origin is not a library package
    return build_manifest(ws, name, data, version, lock_entry), data, str(path)
