"""Keeping an adaptation in step: the attributed adaptation diff, outdated, update.

- ``diff_process``: the adaptation diff between the cached upstream original and the local file,
  each change attributed to the mapping rule that explains it (``cause: "mapping:<rule>"``) or to
  a local edit (``cause: "local"``). It calls the same diff engine as ``procex diff OLD NEW``.
- ``outdated``: imported processes whose publisher has a newer, unyanked version, or has yanked
  the version they are based on (with the reason). A yank it learns of is recorded in the lock
  entry (``upstream_yanked``), so that the offline ``procex status`` can show it.
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
    from bpmn.diff_text import COLOURS, KIND_WORDS, PROPERTY_WORDS_DE, TYPE_WORDS_DE, _value, quote

    german = lang != "en"
    lang = "de" if german else "en"
    words = KIND_WORDS[lang]
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
                f"{_value(d.get('old'), lang)} → {_value(d.get('new'), lang)}" for d in change.get("details") or [])
            text = f"    {words.get(change['kind'], change['kind']):16s} {kind_type} {quote(element, lang)}"
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
    latest: Optional[str]           # the newest unyanked version's ref (None: every version is yanked)
    yanked: Optional[dict] = None   # {"reason", "at"} when the publisher yanked ``current``

    @property
    def newer(self):
        return bool(self.latest) and package.version_key(package.parse_ref(self.latest).version) > \
            package.version_key(package.parse_ref(self.current).version)

    def to_dict(self):
        return {"name": self.name, "current": self.current, "latest": self.latest, "yanked": self.yanked}


def outdated(ws):
    """Imported processes with a newer upstream version or a yanked one, in name order.

    One request per process (its version list). A yank of the version a process is based on is
    written into its lock entry as ``upstream_yanked`` (and removed should the library no longer
    report it), so that ``procex status`` shows it offline; the lock is written only when that changes.
    """
    client = ws.client()
    found, seen = [], {}
    for name, entry in sorted(ws.lock()["processes"].items()):
        upstream = entry.get("upstream")
        if not upstream or upstream.startswith("xprozess:"):
            continue
        ref = package.parse_ref(upstream)
        process = client.process(ref.publisher, ref.slug)
        latest = process.get("latest")
        yanked = next((v.get("yanked") for v in process.get("versions") or []
                       if v.get("version") == ref.version), None) or None
        seen[name] = (upstream, yanked)
        item = Outdated(name, upstream, f"{ref.publisher}/{ref.slug}@{latest}" if latest else None, yanked)
        if item.newer or yanked:
            found.append(item)
    _record_yanks(ws, seen)
    return found


def _record_yanks(ws, seen):
    """Write what the library said about yanks into the lock entries (re-read: keep others' changes)."""
    lock = ws.lock()
    changed = False
    for name, (upstream, yanked) in seen.items():
        entry = lock["processes"].get(name)
        if entry is None or entry.get("upstream") != upstream or (entry.get("upstream_yanked") or None) == yanked:
            continue
        if yanked:
            entry["upstream_yanked"] = yanked
        else:
            entry.pop("upstream_yanked", None)
        changed = True
    if changed:
        ws.save_lock(lock)


OUTDATED_TEXT = {
    "de": {"current": "alle übernommenen Prozesse sind aktuell",
           "yanked": "vom Herausgeber zurückgezogen{when}: „{reason}“", "on": " am {date}",
           "no_reason": "ohne Begründung", "none_left": "keine gültige Version mehr in der Bibliothek",
           "older": "neueste gültige Version: {latest}"},
    "en": {"current": "every imported process is up to date",
           "yanked": "yanked by its publisher{when}: “{reason}”", "on": " on {date}",
           "no_reason": "no reason given", "none_left": "no unyanked version left in the library",
           "older": "newest unyanked version: {latest}"},
}


def yank_words(yanked, lang="de"):
    """'vom Herausgeber zurückgezogen am 2024-05-02: „reason“' (or in English)."""
    t = OUTDATED_TEXT["en" if lang == "en" else "de"]
    date = str(yanked.get("at") or "")[:10]
    return t["yanked"].format(when=t["on"].format(date=date) if date else "",
                              reason=yanked.get("reason") or t["no_reason"])


def format_outdated(items, lang="de"):
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
    yanked: Optional[dict] = None                        # the version taken was yanked by its publisher
    current: bool = False                                # already on that version: nothing to do

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
        if self.current:
            return (f"{self.name}: bereits auf {self.old}; nichts zu tun" if lang == "de" else
                    f"{self.name}: already on {self.old}; nothing to do")
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
        """Lines for stderr after a written update: what --prefer upstream could not take, a yank."""
        lines = [f"note: upstream {ident} not taken: {reason}" for ident, reason in self.skipped]
        if self.yanked:
            lines.append(f"warning: {self.new} {yank_words(self.yanked, lang)}")
        return lines


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
        return UpdateResult(name, str(current), str(new_ref), written=True, current=True)
    if version is None and package.version_key(new_ref.version) < package.version_key(current.version):
        # The base was yanked and the newest valid version is older: "update" would undo upstream's
        # later changes. Only an explicit --version does that.
        raise ProcexError(
            f"{name} is based on {current}, which its publisher withdrew; the newest valid version "
            f"{new_ref.version} is older, so update would take changes back. Keep your version, or "
            f"take the older one on purpose: procex update {name} --version {new_ref.version}")
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
                          skipped=list(outcome.skipped), yanked=manifest.get("yanked") or None)
    if not outcome.ok:
        return result
    sha = ws.cache_put(upstream_bytes, manifest)
    atomic_write(local_path, outcome.data)
    lock = ws.lock()
    record = lock["processes"][name]
    record.update({
        "upstream": str(new_ref), "sha256": sha,
        "mapping": sorted(set(record.get("mapping", [])) | {a.rule for a in applied_rules}),
        "imported_at": package.utc_now(),
        "local_sha256": package.sha256_bytes(outcome.data),
    })
    # A yank recorded for the old version no longer holds; one of the version taken (named with
    # --version) is recorded instead.
    record.pop("upstream_yanked", None)
    if result.yanked:
        record["upstream_yanked"] = result.yanked
    ws.save_lock(lock)
    result.written = True
    if new_ref.publisher != ws.slug:
        try:
            client.adopt(new_ref)
        except ProcexError:
            pass  # the merge stands; the adoption record is a courtesy to the publisher
    return result
