"""Import a peer's process into the workspace.

download -> sha256 check -> validate -> choose the catalogue entry -> apply the mapping rules ->
write processes/NAME.bpmn atomically -> record provenance in procex.lock -> link the catalogue
entry -> record the adoption at the library. The upstream original is cached by sha256 so that
diffs and updates work offline.

Re-importing never loses work silently: a file edited since procex wrote it (its sha256 differs
from the lock's ``local_sha256``) is replaced only with ``force``; importing the identical state
again writes nothing; the lock entry keeps the fields the import does not own (``published``).
A version its publisher yanked is imported only with ``force`` (with a warning), and the yank
is recorded in the lock entry (``upstream_yanked``) so that the offline ``procex status`` shows it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from procex.bpmn.model import Model
from procex.core.errors import ProcexError
from procex.core.files import atomic_write
from procex.core.terminal import printable
from procex.exchange.catalogue.entries import CatalogueEntry
from procex.exchange.catalogue.leika import KEY_RE
from procex.exchange.library import package
from procex.exchange.workspace.lock import LockEntry
from procex.exchange.workspace.mapping import Applied, apply_rules

if TYPE_CHECKING:
    from procex.bpmn.findings import Finding
    from procex.exchange.catalogue.leika import LeikaService
    from procex.exchange.workspace.folder import Workspace
    from procex.exchange.xprozess.importer import ImportedProcess

# ask(candidates) -> the entry a person chose among (title score, entry) pairs, or None
AskEntry = Callable[[list[tuple[float, CatalogueEntry]]], CatalogueEntry | None]
# ask_key(keys) -> the Leistungsschlüssel a person chose, or None
AskKey = Callable[[list[str]], str | None]

AMBIGUITY_MARGIN = 0.05
MIN_TITLE_SCORE = 0.55


class ImportRefused(ProcexError):
    """The import would be wrong without a decision: invalid model, no or ambiguous entry."""

    exit_code = 1


@dataclass
class ImportResult:
    ref: str
    name: str
    path: str
    entry: str
    entry_title: str
    applied: list[Applied] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    adoption: str = ""
    unchanged: bool = False  # the identical state was imported already: nothing written
    warnings: list[str] = field(default_factory=list)
    entry_added: bool = False  # the catalogue had no entry for the process: the import added one

    def mapping_summary(self) -> Counter[str]:
        return Counter(a.rule for a in self.applied)


def validate_model_bytes(data: bytes, source: str) -> list[Finding]:
    """Validation findings: schema, references and the correctness rules (the standard's own)."""
    from procex.bpmn.validate import validate_bytes

    return list(validate_bytes(data, source, rules="correctness").findings)


@dataclass
class EntryChoice:
    """The catalogue entry an import links, and whether the import adds it to catalogue.csv."""

    entry: CatalogueEntry
    added: bool = False


def choose_entry(
    entries: list[CatalogueEntry],
    manifest: package.Manifest,
    entry_key: str | None = None,
    ask: AskEntry | None = None,
    ask_key: AskKey | None = None,
    new_entry: Callable[[str], CatalogueEntry] | None = None,
) -> EntryChoice:
    """The catalogue entry the process implements, as an EntryChoice.

    ``entry_key`` wins: the catalogue's entry with that key, else a new entry for it (any
    well-formed key). Else the entry with one of the manifest's Leistungsschlüssel; else the best
    title match. When no entry holds a manifest key and no title matches well, the manifest's key
    becomes a new entry (``ask_key(keys)`` picks one of several on a terminal; without a terminal
    the import is refused, naming --entry). A close but ambiguous title match is asked about
    (``ask(candidates)``) or refused, as before. ``new_entry(key)`` makes the entry to add.
    """
    from procex.bpmn.text import label_similarity

    new_entry = new_entry or (lambda key: CatalogueEntry(key, manifest.get("name", ""), "in_progress"))
    if entry_key:
        for entry in entries:
            if entry.leistungsschluessel == entry_key:
                return EntryChoice(entry)
        if not KEY_RE.match(entry_key):
            raise ImportRefused(
                f"--entry {entry_key!r} is not a Leistungsschlüssel (14 digits, e.g. 99050012104000); "
                "check the key and try again"
            )
        return EntryChoice(new_entry(entry_key), added=True)
    keys = [key for key in manifest.get("leistungsschluessel") or [] if KEY_RE.match(key)]
    exact = [e for e in entries if e.leistungsschluessel and e.leistungsschluessel in keys]
    if len(exact) == 1:
        return EntryChoice(exact[0])
    pool = exact or [e for e in entries if not (keys and e.leistungsschluessel in keys)]
    scored = sorted(
        (
            (label_similarity(manifest.get("name", ""), e.title), e.leistungsschluessel or "", e)
            for e in pool
            if e.title
        ),
        key=lambda t: (-t[0], t[1]),
    )
    clear = (
        scored
        and scored[0][0] >= MIN_TITLE_SCORE
        and (len(scored) == 1 or scored[0][0] - scored[1][0] >= AMBIGUITY_MARGIN)
    )
    if clear:
        return EntryChoice(scored[0][2])
    candidates = [(score, e) for score, _, e in scored[:5]]
    close = [c for c in candidates if c[0] >= MIN_TITLE_SCORE]
    if close or exact or not keys:
        # A title that nearly matches an entry (or two entries with the key) is a decision for a person.
        if ask is not None and candidates:
            chosen = ask(candidates)
            if chosen is not None:
                return EntryChoice(chosen)
        if exact or not keys:
            names = "; ".join(f"{e.leistungsschluessel or '-'} {e.title} ({score:.2f})" for score, e in candidates[:3])
            raise ImportRefused(
                f"no catalogue entry clearly matches {manifest.get('name')!r}"
                + (f" (closest: {names})" if names else "")
                + "; choose one with --entry LEISTUNGSSCHLUESSEL"
            )
        if ask is None:
            names = "; ".join(f"{e.leistungsschluessel or '-'} {e.title} ({score:.2f})" for score, e in close[:3])
            raise ImportRefused(
                f"no catalogue entry has the Leistungsschlüssel of {manifest.get('name')!r} and the titles "
                f"{names} come close; link one with --entry LEISTUNGSSCHLUESSEL, or add "
                f"{keys[0]} with --entry {keys[0]}"
            )
    # No entry holds the process's key and no title comes close: the key becomes a new entry.
    if len(keys) == 1:
        return EntryChoice(new_entry(keys[0]), added=True)
    chosen_key = ask_key(keys) if ask_key is not None else None
    if chosen_key is None:
        raise ImportRefused(
            f"{manifest.get('name')!r} implements {len(keys)} services ({', '.join(keys)}) and the catalogue "
            "has none of them; choose the one to add with --entry LEISTUNGSSCHLUESSEL"
        )
    return EntryChoice(new_entry(chosen_key), added=True)


def new_catalogue_entry(
    ws: Workspace, manifest: package.Manifest, key: str, leika: dict[str, LeikaService] | None = None
) -> CatalogueEntry:
    """The catalogue entry an import adds for ``key``: the LeiKa title (else the process's name),
    status in_progress, and the workspace's office, else the manifest contact's office in local words."""
    from procex.exchange.catalogue.leika import load_leika
    from procex.exchange.workspace.mapping import map_text

    services = load_leika() if leika is None else leika
    service = services.get(key)
    title = service.name if service else manifest.get("name", "")
    office = (ws.config.get("publish") or {}).get("office") or ""
    if not office:
        office, _ = map_text((manifest.get("contact") or {}).get("office") or "", ws.mapping_rules())
    return CatalogueEntry(key, title, "in_progress", office)


def yank_text(yanked: dict[str, Any]) -> str:
    """'yanked 2024-05-02: reason' for a manifest's or a lock entry's ``yanked`` mark."""
    when = printable(yanked.get("at"))[:10]
    reason = printable(yanked.get("reason")) or "no reason given"
    return f"yanked{' ' + when if when else ''}: {reason}"


def lock_entry_for(previous: LockEntry | None, imported: LockEntry) -> LockEntry:
    """The new lock entry: the ``imported`` provenance, keeping what the import does not own from the
    previous entry (``published``, what this workspace published under the name, and unknown fields)."""
    if previous is not None:
        imported.published, imported.extra = previous.published, dict(previous.extra)
    return imported


def import_process(
    ws: Workspace,
    ref_text: str,
    entry_key: str | None = None,
    as_name: str | None = None,
    force: bool = False,
    ask: AskEntry | None = None,
    progress: Callable[[str], object] | None = None,
    ask_key: AskKey | None = None,
) -> ImportResult:
    """Import ``publisher/slug[@version]`` into the workspace ``ws``; returns an ImportResult."""
    say = progress or (lambda message: None)
    asked = package.parse_ref(ref_text)
    client = ws.client()
    say(f"fetching {asked} from {client.base_url}")
    manifest = client.manifest(asked)
    ref = package.ref_of(manifest)
    warnings: list[str] = []
    yanked = manifest.get("yanked")
    if yanked:
        if asked.version is None:
            # The library's "latest" is its highest unyanked version; never take a yanked one unasked.
            raise ImportRefused(
                f"the library offered {ref} as the latest version, but it is {yank_text(yanked)}; "
                "name the version to import with PUBLISHER/SLUG@VERSION"
            )
        if not force:
            raise ImportRefused(
                f"{ref} was withdrawn by its publisher ({yank_text(yanked)}); import another "
                "version, or this one anyway with --force"
            )
        warnings.append(f"importing {ref} although its publisher withdrew it ({yank_text(yanked)})")
    name = as_name or manifest["slug"]
    target = ws.process_path(name)
    relative = f"processes/{name}.bpmn"
    lock = ws.lock()
    previous = lock.get(name)
    current_sha = package.sha256_file(target) if target.exists() else None
    if current_sha is not None and not force:
        if previous is None or previous.upstream != str(ref):
            raise ImportRefused(f"{relative} exists already; choose another name with --as or replace it with --force")
        written = previous.local_sha256
        if written and written != current_sha:
            raise ImportRefused(
                f"{relative} was edited since procex wrote it; re-importing {ref} would "
                "replace the edit: keep the file, or replace it with --force"
            )
    data = client.download_model(manifest)  # sha256-checked
    say(f"downloaded {printable(manifest['model']['file'])} ({len(data):,} bytes, sha256 verified)")
    findings = validate_model_bytes(data, f"{ref}")
    errors = [f for f in findings if f.severity == "error"]
    if errors and not force:
        listed = "; ".join(f"{f.element or '-'}: {f.message}" for f in errors[:3])
        raise ImportRefused(f"{ref} has {len(errors)} validation error(s) ({listed}); import anyway with --force")
    entries = ws.catalogue()
    choice = choose_entry(
        entries, manifest, entry_key, ask, ask_key, lambda key: new_catalogue_entry(ws, manifest, key)
    )
    entry = choice.entry
    model = Model.from_bytes(data, str(ref))
    applied = apply_rules(model, ws.mapping_rules())
    local_bytes = model.to_bytes()
    local_sha = package.sha256_bytes(local_bytes)
    sha = package.sha256_bytes(data)
    if current_sha is not None and current_sha != local_sha and not force and not (previous and previous.local_sha256):
        # An old lock entry without local_sha256: whether the file was edited cannot be told.
        raise ImportRefused(
            f"{relative} differs from what re-importing {ref} writes, and procex.lock does not "
            "record what procex wrote (it may hold local edits): keep it, or replace it with --force"
        )
    if (
        previous is not None
        and current_sha == local_sha
        and previous.upstream == str(ref)
        and previous.sha256 == sha
        and not choice.added
        and previous.entry == entry.leistungsschluessel
        and entry.process == relative
        and (previous.upstream_yanked or None) == (yanked or None)
    ):
        return ImportResult(
            str(ref),
            name,
            relative,
            entry.leistungsschluessel,
            entry.title,
            applied,
            findings,
            unchanged=True,
            warnings=warnings,
        )
    ws.cache_put(data, manifest)
    atomic_write(target, local_bytes)
    lock.processes[name] = lock_entry_for(
        previous,
        LockEntry(
            upstream=str(ref),
            sha256=sha,
            mapping=sorted({a.rule for a in applied}),
            imported_at=package.utc_now(),
            entry=entry.leistungsschluessel,
            local_sha256=local_sha,  # what procex wrote: later edits show in status
            upstream_yanked=yanked or None,  # the publisher withdrew this version (imported with --force)
        ),
    )
    ws.save_lock(lock)
    if choice.added:
        entries.append(entry)
    entry.process = relative
    if entry.status == "planned":
        entry.status = "in_progress"
    ws.save_catalogue(entries)
    adoption = ""
    if manifest["publisher"] != ws.slug:
        try:
            client.adopt(ref)
            adoption = "recorded at the library"
        except ProcexError as error:
            adoption = f"not recorded: {error}"
    return ImportResult(
        str(ref),
        name,
        relative,
        entry.leistungsschluessel,
        entry.title,
        applied,
        findings,
        adoption,
        warnings=warnings,
        entry_added=choice.added,
    )


def format_import(result: ImportResult) -> str:
    if result.unchanged:
        return f"{result.ref} is already imported as {result.path} with this content and catalogue entry; nothing to do"
    lines = [f"imported {result.ref} as {result.path}"]
    if result.entry_added:
        lines.append(f"  added catalogue entry {result.entry} {result.entry_title} (in_progress) to catalogue.csv")
    else:
        lines.append(f"  catalogue entry: {result.entry or '-'} {result.entry_title}")
    errors = sum(1 for f in result.findings if f.severity == "error")
    warnings = sum(1 for f in result.findings if f.severity == "warning")
    lines.append(f"  validation: {errors} errors, {warnings} warnings")
    summary = result.mapping_summary()
    if summary:
        lines.append("  mapping changed " + ", ".join(f"{n} × {rule}" for rule, n in sorted(summary.items())) + ":")
        for a in result.applied:
            lines.append(f"    {a.rule}: {a.element_type} {a.element} {a.property}: {a.old!r} → {a.new!r}")
    else:
        lines.append("  mapping changed nothing")
    if result.adoption:
        lines.append(f"  adoption {result.adoption}")
    return "\n".join(lines)


def record_xprozess_imports(ws: Workspace, imported: Iterable[ImportedProcess]) -> list[tuple[str, CatalogueEntry]]:
    """Register processes imported from an XProzess message in the workspace.

    Each gets a lock entry with provenance ``xprozess:<id>@<version>`` and its original in the
    cache (so ``procex diff NAME`` shows what was adapted since), and the catalogue entry with
    its Leistungsschlüssel is linked to it (planned becomes in_progress).
    """
    lock = ws.lock()
    entries = ws.catalogue()
    linked: list[tuple[str, CatalogueEntry]] = []
    for done in imported:
        manifest = done.manifest
        sha = ws.cache_put(done.model, manifest)
        keys = manifest.get("leistungsschluessel") or []
        lock.processes[done.slug] = lock_entry_for(
            lock.get(done.slug),
            LockEntry(
                upstream=manifest["provenance"],
                sha256=sha,
                mapping=[],
                imported_at=package.utc_now(),
                entry=keys[0] if keys else None,
                local_sha256=sha,
            ),
        )
        relative = f"processes/{done.slug}.bpmn"
        for entry in entries:
            if entry.leistungsschluessel in keys and not entry.process:
                entry.process = relative
                if entry.status == "planned":
                    entry.status = "in_progress"
                linked.append((done.slug, entry))
                break
    ws.save_lock(lock)
    ws.save_catalogue(entries)
    return linked
