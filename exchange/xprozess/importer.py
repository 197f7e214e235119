"""Import the processes of an XProzess message as local processes: model, manifest, attachments.

For each ``prozess``: ``<into>/processes/<slug>.bpmn`` (the embedded BPMN, bytes unchanged),
``<slug>.json`` (the manifest filled from the message, provenance ``xprozess:<id>@<version>``)
and ``<slug>.files/`` (every other embedded file, unpacked from its ZIP). Everything is checked
before the first file is written, and every file is written atomically.
"""

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from procex.core.files import atomic_write
from procex.exchange.library import package
from procex.exchange.xprozess.errors import XProzessImportError
from procex.exchange.xprozess.files import EXTENSIONS, safe_filename

_SLUG_OK = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
_KEY = re.compile(r"^[0-9]{14}$")
_TRANSLIT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "ae", "Ö": "oe", "Ü": "ue"})


@dataclass
class ImportedProcess:
    """What import wrote (or would write) for one prozess."""

    slug: str
    manifest: dict
    bpmn_path: Path
    manifest_path: Path
    files_dir: Path
    attachments: list = field(default_factory=list)  # Paths inside files_dir
    model: bytes = field(default=b"", repr=False)  # the BPMN bytes, unchanged
    notes: list = field(default_factory=list)  # what was shortened to fit the manifest's limits
    # (name, read) of the attachments: read() gives the bytes, a ZIP member is unpacked only then,
    # so import holds one attachment at a time, never all of them
    files: list = field(default_factory=list, repr=False)


def slugify(text, limit=64):
    """'Anzeige zur Beschäftigung …' -> 'anzeige-zur-beschaeftigung-…' (a valid procex slug)."""
    text = unicodedata.normalize("NFKD", (text or "").translate(_TRANSLIT))
    text = text.encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    if len(slug) > limit:
        slug = slug[:limit].rsplit("-", 1)[0] if "-" in slug[:limit] else slug[:limit]
    return slug.strip("-") or "prozess"


def procex_version(version):
    """XProzess '01.00.00' -> procex '1.0.0'; missing parts are 0; anything else stays as it is."""
    parts = (version or "").strip().split(".")
    if not all(part.isdigit() for part in parts) or not 1 <= len(parts) <= 3:
        return version
    parts = [str(int(part)) for part in parts] + ["0"] * (3 - len(parts))
    return ".".join(parts)


def _fit_text(key, text, notes):
    limit = package.text_limit(key)
    short = package.shorten(text, limit)
    if short != text:
        notes.append(f"{key} shortened from {len(text):,} to {len(short):,} characters (the library takes {limit:,})")
    return short


def _fit_list(key, values, notes):
    """``values`` as the manifest takes them: each shortened to the item limit, each once, and the
    first ``maxItems`` of them; a note says what was dropped."""
    schema = package.manifest_schema()["properties"][key]
    most, longest = schema["maxItems"], schema["items"]["maxLength"]
    kept = list(dict.fromkeys(package.shorten(value.strip(), longest) for value in values if value.strip()))
    if len(kept) > most:
        notes.append(
            f"{len(kept)} {key.replace('_', ' ')} entries, the library takes {most}: kept the first {most} "
            "(the XProzess message keeps them all)"
        )
    return kept[:most]


def manifest_for(prozess, slug, model, notes=None):
    """The local manifest of an imported prozess (fields of schemas/manifest.schema.json that
    XProzess fills, plus ``provenance``); publisher, contact and licence are left to the workspace.

    What XProzess allows beyond the manifest's limits is fitted to them, so that the process can be
    published later: more than 50 keywords or legal bases keep the first 50 (a FIM process names
    them in order of weight, and keywords only help search find it; the message stays the full
    record), texts over their length are shortened at a word boundary. ``notes`` gets one line each."""
    notes = [] if notes is None else notes
    manifest = {"slug": slug, "name": _fit_text("name", prozess.name or prozess.bezeichnung or prozess.id, notes)}
    manifest["version"] = procex_version(prozess.version) or "0.0.0"
    manifest["leistungsschluessel"] = [prozess.id]
    if prozess.description:
        manifest["description"] = _fit_text("description", prozess.description, notes)
    if prozess.keywords:
        manifest["keywords"] = _fit_list("keywords", prozess.keywords, notes)
    if prozess.detaillierungsstufe and prozess.detaillierungsstufe.isdigit():
        manifest["detaillierungsstufe"] = int(prozess.detaillierungsstufe)
    if prozess.status and prozess.status.isdigit():
        manifest["status"] = int(prozess.status)
    ags = [code for kind, code in prozess.regions if kind == "gemeindeschluessel" and code and len(code) == 8]
    if len(ags) == 1 and prozess.releasing_body:
        manifest["region"] = {"ags": ags[0], "name": prozess.releasing_body}
    if prozess.legal_bases:
        manifest["legal_basis"] = _fit_list(
            "legal_basis", [basis.name for basis in prozess.legal_bases if basis.name], notes
        )
    manifest["model"] = {"file": f"{slug}.bpmn", "size": len(model), "sha256": hashlib.sha256(model).hexdigest()}
    manifest["provenance"] = f"xprozess:{prozess.id}@{prozess.version or ''}"
    return manifest


def _slug_for(prozess, taken):
    # procex's own export names the model file after the slug: take it back when it is one.
    slug = None
    for embedded in prozess.files:
        if embedded.role == "model" and _SLUG_OK.match(embedded.name or ""):
            if any(member.name == f"{embedded.name}.bpmn" for member in embedded.members):
                slug = embedded.name
                break
    slug = slug or slugify(prozess.name or prozess.bezeichnung or prozess.id)
    base, n = slug, 2
    while slug in taken:
        slug = f"{base[:60]}-{n}"
        n += 1
    taken.add(slug)
    return slug


def _attachments(prozess, model_name):
    """(file name, read) of every embedded file except the chosen model, names made safe and unique;
    read() returns the file's bytes."""
    out, used = [], set()

    def add(name, read):
        name = safe_filename(name)
        stem, dot, ext = name.rpartition(".")
        candidate, n = name, 2
        while candidate.lower() in used:
            candidate = f"{stem}-{n}.{ext}" if dot else f"{name}-{n}"
            n += 1
        used.add(candidate.lower())
        out.append((candidate, read))

    for embedded in prozess.files:
        if embedded.members:
            for member in embedded.members:
                if (embedded.role, member.name) != model_name:
                    add(member.name, member.read)
        elif (embedded.role, embedded.name) != model_name:
            ext = EXTENSIONS.get(embedded.content_type, ".bin")
            name = embedded.name if embedded.name.lower().endswith(ext) else embedded.name + ext
            add(name, lambda data=embedded.data: data)
    return out


def _choose_model(prozess, source):
    """The first BPMN model of the prozess as ((role, name), bytes); refuse when there is none."""
    ordered = sorted(prozess.files, key=lambda f: f.role != "model")
    for embedded in ordered:
        if embedded.content_type == "application/bpmn+xml":
            return (embedded.role, embedded.name), embedded.data
        for member in embedded.members:
            if member.is_bpmn:
                return (embedded.role, member.name), member.read()
    reasons = [f.bpmn_error for f in prozess.files if f.bpmn_error]
    reasons += [m.bpmn_error for f in prozess.files for m in f.members if m.bpmn_error]
    listed = ", ".join(f"{f.name} ({f.content_type})" for f in prozess.files) or "no files"
    detail = f"; {reasons[0]}" if reasons else ""
    raise XProzessImportError(
        f"{source}:{prozess.line}: {prozess.label} holds no readable BPMN 2.0 model "
        f"(embedded: {listed}){detail}; nothing was imported"
    )


def plan_import(message, into, entry=None):
    """What import_message would write, checked; raises before anything is written."""
    processes = message.processes
    if entry is not None:
        if not _KEY.match(entry):
            raise XProzessImportError(f"--entry {entry!r} is not a 14-digit Leistungsschlüssel")
        processes = [p for p in processes if p.id == entry]
        if not processes:
            found = ", ".join(sorted({p.id for p in message.processes})) or "none"
            raise XProzessImportError(
                f"{message.source}: no prozess with Leistungsschlüssel {entry} (the message holds: {found})"
            )
    if not processes:
        raise XProzessImportError(f"{message.source}: the message holds no prozess; nothing to import")
    target = Path(into) / "processes"
    taken = set()
    plans = []
    for prozess in processes:
        model_name, model = _choose_model(prozess, message.source)
        slug = _slug_for(prozess, taken)
        notes = []
        plan = ImportedProcess(
            slug,
            manifest_for(prozess, slug, model, notes),
            target / f"{slug}.bpmn",
            target / f"{slug}.json",
            target / f"{slug}.files",
        )
        plan.model = model
        plan.notes = notes
        plan.files = _attachments(prozess, model_name)
        plan.attachments = [plan.files_dir / name for name, _ in plan.files]
        plans.append(plan)
    return plans


def import_message(message, into=".", entry=None, force=False):
    """Write every prozess of ``message`` (or only Leistungsschlüssel ``entry``) under ``into``.

    Refuses to replace an existing process file with different content unless ``force``;
    returns the ImportedProcess list. This is the one function that writes imports.
    """
    plans = plan_import(message, into, entry)
    if not force:
        for plan in plans:
            model, manifest = plan.model, _manifest_bytes(plan.manifest)
            # Readers, so an attachment is unpacked only when its path already exists.
            writes = [(plan.bpmn_path, lambda m=model: m), (plan.manifest_path, lambda m=manifest: m)]
            writes += list(zip(plan.attachments, (read for _, read in plan.files), strict=True))
            for path, read in writes:
                if path.exists() and (not path.is_file() or path.read_bytes() != read()):
                    raise XProzessImportError(
                        f"{path}: already exists with other content; nothing was imported "
                        "(use --force to replace it, or import into another folder with --into)"
                    )
    for plan in plans:
        for path, (_, read) in zip(plan.attachments, plan.files, strict=True):
            atomic_write(path, read())
        atomic_write(plan.bpmn_path, plan.model)
        # The manifest last: its presence says the process is complete.
        atomic_write(plan.manifest_path, _manifest_bytes(plan.manifest))
    return plans


def _manifest_bytes(manifest):
    return (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
