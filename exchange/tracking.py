"""Keeping an adaptation in step: the attributed adaptation diff, outdated, update.

- ``diff_process``: the adaptation diff between the cached upstream original and the local file,
  each change attributed to the mapping rule that explains it (``cause: "mapping:<rule>"``) or to
  a local edit (``cause: "local"``). It calls the same diff engine as ``procex diff OLD NEW``.
- ``outdated``: imported processes whose publisher has a newer, unyanked version.
- ``update_process``: three-way merge of the new upstream version into the local adaptation.
  BASE and UPSTREAM are both seen through the mapping rules, so the merge sees only the real
  local edits as local changes and new upstream elements arrive with local names. On conflicts
  the local file is left untouched and the conflicts are returned, each with its values on
  both sides (the conflict list of ``procex merge``).
"""
from dataclasses import dataclass, field
from typing import Optional

from bpmn.errors import ProcexError
from bpmn.fileio import atomic_write
from bpmn.model import Model

from . import package
from .mapping import apply_rules


class UpdateConflict(ProcexError):
    """The upstream version conflicts with local edits; nothing was written."""

    exit_code = 1


def _mapped(ws, data, source):
    model = Model.from_bytes(data, source)
    applied = apply_rules(model, ws.mapping_rules())
    return model, applied


def _normal(value):
    return " ".join(value.split()) if isinstance(value, str) else value


def _detail_key(change):
    return tuple(sorted((d.get("property"), repr(_normal(d.get("new")))) for d in change.get("details") or []))


def diff_process(ws, name, mode="auto"):
    """(attributed JSON, Diff): the adaptation diff of a workspace process; each change in the JSON
    has a ``cause``, and the Diff object feeds the HTML report."""
    from bpmn.diff import diff_models

    entry = ws.lock_entry(name)
    if not entry.get("upstream"):
        raise ProcexError(f"{name} is the municipality's own process; there is no upstream original to diff against")
    base_bytes = ws.cache_get(entry["sha256"])
    local_path = ws.process_path(name)
    base = Model.from_bytes(base_bytes, f"{entry['upstream']} (original)")
    local = Model.from_file(local_path)
    mapped, applied = _mapped(ws, base_bytes, f"{entry['upstream']} (mapped)")
    rules_by_element = {}
    for record in applied:
        rules_by_element.setdefault(record.element, [])
        if record.rule not in rules_by_element[record.element]:
            rules_by_element[record.element].append(record.rule)
    explained = {}
    for change in diff_models(base, mapped, mode="id").to_dict()["changes"]:
        explained[(change["kind"], change.get("old_id"))] = change
    diff = diff_models(base, local, mode=mode)
    result = diff.to_dict()
    for change in result["changes"]:
        expected = explained.get((change["kind"], change.get("old_id")))
        rules = rules_by_element.get(change.get("old_id"), [])
        if expected is not None and rules and _detail_key(expected) == _detail_key(change):
            change["cause"] = "mapping:" + "+".join(rules)
        else:
            change["cause"] = "local"
    result["old"] = f"{entry['upstream']} (original, cached {entry['sha256'][:12]})"
    result["new"] = str(local_path.relative_to(ws.root))
    result["causes"] = _cause_counts(result["changes"])
    return result, diff


def _cause_counts(changes):
    counts = {}
    for change in changes:
        counts[change["cause"]] = counts.get(change["cause"], 0) + 1
    return dict(sorted(counts.items()))


def format_diff_text(result, color=False, lang="de"):
    """The attributed diff as lines for a terminal: summary, then changes grouped by cause.

    Uses the diff report's own words (bpmn.diff_text), so both read alike.
    """
    import click
    from bpmn.diff_text import COLOURS, KIND_WORDS, PROPERTY_WORDS_DE, TYPE_WORDS_DE

    german = lang != "en"
    words = KIND_WORDS["de" if german else "en"]
    summary = result["summary"]
    parts = [f"{n} {words.get(k, k)}" for k, n in summary.items() if n]
    none = "keine Änderungen" if german else "no changes"
    lines = [f"{result['old']} → {result['new']}: " + (", ".join(parts) if parts else none)]
    by_cause = {}
    for change in result["changes"]:
        by_cause.setdefault(change["cause"], []).append(change)
    for cause in sorted(by_cause, key=lambda c: (c == "local", c)):
        if cause == "local":
            title = "lokale Bearbeitung" if german else "local edit"
        else:
            title = (f"Zuordnungsregel {cause[8:]}" if german else f"mapping rule {cause[8:]}")
        lines.append(click.style(f"  {title}:", bold=True) if color else f"  {title}:")
        for change in by_cause[cause]:
            element = change.get("name") or change.get("new_id") or change.get("old_id")
            kind_type = change.get("element_type", "")
            if german:
                kind_type = TYPE_WORDS_DE.get(kind_type, kind_type)
            details = "; ".join(
                f"{PROPERTY_WORDS_DE.get(d.get('property'), d.get('property')) if german else d.get('property')}: "
                f"{d.get('old')!r} → {d.get('new')!r}" for d in change.get("details") or [])
            text = f"    {words.get(change['kind'], change['kind']):16s} {kind_type} {element!r}"
            if details:
                text += f"  ({details})"
            lines.append(click.style(text, fg=COLOURS.get(change["kind"])) if color else text)
    return "\n".join(lines)


def write_diff_report(ws, name, output, lang="de"):
    """The HTML report of the adaptation diff (the diff engine's report, original vs local)."""
    from bpmn.report_html import diff_report

    attributed, diff = diff_process(ws, name)
    causes = [change["cause"] for change in attributed["changes"]]
    atomic_write(output, diff_report(diff, lang=lang, causes=causes))
    return output


@dataclass
class Outdated:
    name: str
    current: str
    latest: str


def outdated(ws):
    """Imported processes with a newer upstream version, in name order."""
    client = ws.client()
    found = []
    for name, entry in sorted(ws.lock()["processes"].items()):
        upstream = entry.get("upstream")
        if not upstream or upstream.startswith("xprozess:"):
            continue
        ref = package.parse_ref(upstream)
        latest = client.manifest(package.Ref(ref.publisher, ref.slug, None))["version"]
        if package.version_key(latest) > package.version_key(ref.version):
            found.append(Outdated(name, upstream, f"{ref.publisher}/{ref.slug}@{latest}"))
    return found


def format_outdated(items, lang="de"):
    if not items:
        return "alle übernommenen Prozesse sind aktuell" if lang == "de" else "every imported process is up to date"
    return "\n".join(f"{o.name}: {o.current} → {o.latest}" for o in items)


@dataclass
class UpdateResult:
    name: str
    old: str
    new: str
    applied: list = field(default_factory=list)
    kept: list = field(default_factory=list)
    pseudo: list = field(default_factory=list)
    conflicts: list = field(default_factory=list)   # the blocking conflicts as JSON (diff3's form)
    written: bool = False
    conflict_items: list = field(default_factory=list)   # the same as bpmn.merge.Conflict objects
    resolved: list = field(default_factory=list)         # conflicts decided by ``prefer``
    prefer: Optional[str] = None
    skipped: list = field(default_factory=list)          # (id, reason): upstream wins LOCAL could not take

    def summary(self, lang="de"):
        """German by default: on conflicts the head line and each conflict with the values of both
        sides against BASE (the list ``procex merge`` prints); else what was taken."""
        from bpmn.merge_report import conflict_lines

        lang = "en" if lang == "en" else "de"
        if not self.written:
            head = (f"{self.name}: {self.old} → {self.new}: {len(self.conflicts)} Konflikt(e); die lokale Datei "
                    "bleibt unverändert; --prefer local|upstream entscheidet sie" if lang == "de" else
                    f"{self.name}: {self.old} → {self.new}: {len(self.conflicts)} conflict(s); the local file is "
                    "left untouched; --prefer local|upstream decides them")
            return "\n".join([head, *conflict_lines(self.conflict_items, lang)])
        if lang == "de":
            text = (f"{self.name}: {self.old} → {self.new} übernommen: {len(self.applied)} Änderungen von oben "
                    f"angewendet, {len(self.kept)} lokale behalten, {len(self.pseudo)} auf beiden Seiten gleich")
            if self.resolved:
                text += f", {len(self.resolved)} Konflikt(e) mit --prefer {self.prefer} entschieden"
        else:
            text = (f"{self.name}: {self.old} → {self.new} taken: {len(self.applied)} upstream changes applied, "
                    f"{len(self.kept)} local ones kept, {len(self.pseudo)} the same on both sides")
            if self.resolved:
                text += f", {len(self.resolved)} conflict(s) decided with --prefer {self.prefer}"
        return text

    def notes(self, lang="de"):
        """Lines for stderr after a written update: what --prefer upstream could not take."""
        return [f"note: upstream {ident} not taken: {reason}" for ident, reason in self.skipped]


def update_process(ws, name, version=None, prefer=None):
    """Merge the newest (or the given) upstream version into processes/NAME.bpmn."""
    from bpmn.merge import merge

    entry = ws.lock_entry(name)
    if not entry.get("upstream"):
        raise ProcexError(f"{name} has no upstream process to update from")
    current = package.parse_ref(entry["upstream"])
    client = ws.client()
    manifest = client.manifest(package.Ref(current.publisher, current.slug, version))
    new_ref = package.ref_of(manifest)
    if new_ref.version == current.version:
        return UpdateResult(name, str(current), str(new_ref), written=True)
    upstream_bytes = client.download_model(manifest)
    base, _ = _mapped(ws, ws.cache_get(entry["sha256"]), f"{current} (mapped)")
    upstream, applied_rules = _mapped(ws, upstream_bytes, f"{new_ref} (mapped)")
    local_path = ws.process_path(name)
    local = Model.from_file(local_path)
    outcome = merge(base, local, upstream, prefer=prefer)
    three_way = outcome.threeway.to_dict()
    result = UpdateResult(name, str(current), str(new_ref), three_way["applicable"], three_way["local"],
                          three_way["pseudo"], [] if outcome.ok else [c.to_dict() for c in outcome.conflicts],
                          conflict_items=list(outcome.conflicts), resolved=list(outcome.resolved), prefer=prefer,
                          skipped=list(outcome.skipped))
    if not outcome.ok:
        return result
    sha = ws.cache_put(upstream_bytes, manifest)
    atomic_write(local_path, outcome.data)
    lock = ws.lock()
    lock["processes"][name].update({
        "upstream": str(new_ref), "sha256": sha,
        "mapping": sorted(set(lock["processes"][name].get("mapping", [])) | {a.rule for a in applied_rules}),
        "imported_at": package.utc_now(),
        "local_sha256": package.sha256_bytes(outcome.data),
    })
    ws.save_lock(lock)
    result.written = True
    if new_ref.publisher != ws.slug:
        try:
            client.adopt(new_ref)
        except ProcexError:
            pass  # the merge stands; the adoption record is a courtesy to the publisher
    return result
