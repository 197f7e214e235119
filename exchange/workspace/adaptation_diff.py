"""The attributed adaptation diff of a workspace process (``procex diff NAME``).

The diff between the cached upstream original and the local file, each change attributed to the
mapping rule that explains it (``cause: "mapping:<rule>"``) or to a local edit (``cause: "local"``).
It calls the same diff engine as ``procex diff OLD NEW``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from procex.bpmn.model import Model
from procex.core.errors import ProcexError
from procex.core.files import atomic_write
from procex.exchange.workspace.mapping import Applied, apply_rules

if TYPE_CHECKING:
    from procex.bpmn.diff import Diff
    from procex.exchange.workspace.folder import Workspace

# {(element id, property): (mapping rules in the order they applied, the value they left)};
# looked up with the ids and properties of the diff's JSON, which may be null
Provenance = dict[tuple[str | None, str | None], tuple[list[str], str | None]]


def _mapped(ws: Workspace, data: bytes, source: str) -> tuple[Model, list[Applied]]:
    model = Model.from_bytes(data, source)
    applied = apply_rules(model, ws.mapping_rules())
    return model, applied


def _normal(value: object) -> object:
    return " ".join(value.split()) if isinstance(value, str) else value


def mapping_provenance(applied: Iterable[Applied]) -> Provenance:
    """{(element id, property): (rules in the order they applied, the value they left)}."""
    provenance: Provenance = {}
    for record in applied:
        rules: list[str]
        rules, _ = provenance.get((record.element, record.property), ([], None))
        if record.rule not in rules:
            rules = [*rules, record.rule]
        provenance[(record.element, record.property)] = (rules, record.new)
    return provenance


def detail_cause(element_id: str | None, detail: dict[str, Any], provenance: Provenance) -> str:
    """'mapping:<rules>' when the mapping rules alone explain the detail's new value, else 'local'."""
    rules, value = provenance.get((element_id, detail.get("property"))) or ([], None)
    if rules and _normal(detail.get("new")) == _normal(value):
        return "mapping:" + "+".join(rules)
    return "local"


def element_cause(detail_causes: list[str]) -> str:
    """The cause of a change from its details' causes: the rules of all its details in order,
    'local' when a person made every detail, 'mapping:<rules>+local' when both did."""
    rules: list[str] = []
    for cause in detail_causes:
        for rule in cause[len("mapping:") :].split("+") if cause.startswith("mapping:") else ():
            if rule not in rules:
                rules.append(rule)
    if not rules:
        return "local"
    local = "+local" if "local" in detail_causes else ""
    return "mapping:" + "+".join(rules) + local


def attribute_causes(changes: list[dict[str, Any]], applied: Iterable[Applied]) -> None:
    """Give every detail of every change its cause, and every change the causes of its details.

    A change without details (an added or removed element) is a local edit: mapping rules only
    rewrite names and texts of elements that are there.
    """
    provenance = mapping_provenance(applied)
    for change in changes:
        causes: list[str] = []
        for detail in change.get("details") or []:
            detail["cause"] = detail_cause(change.get("old_id"), detail, provenance)
            causes.append(detail["cause"])
        change["cause"] = element_cause(causes)


def diff_process(ws: Workspace, name: str, mode: str = "auto") -> tuple[dict[str, Any], Diff]:
    """(attributed JSON, Diff): the adaptation diff of a workspace process; each change in the JSON
    and each of its details has a ``cause``, and the Diff object feeds the HTML report."""
    from procex.bpmn.diff import diff_models

    entry = ws.lock_entry(name)
    if not entry.upstream or not entry.sha256:
        raise ProcexError(f"{name} is the municipality's own process; there is no upstream original to diff against")
    base_bytes = ws.cache_get(entry.sha256)
    local_path = ws.process_path(name)
    base = Model.from_bytes(base_bytes, f"{entry.upstream} (original)")
    local = Model.from_file(local_path)
    _, applied = _mapped(ws, base_bytes, f"{entry.upstream} (mapped)")
    # the local file is an adaptation of the upstream original: versions of one model
    diff = diff_models(base, local, mode="versions" if mode == "auto" else mode)
    result = diff.to_dict()
    attribute_causes(result["changes"], applied)
    result["old"] = f"{entry.upstream} (original, cached {entry.sha256[:12]})"
    result["new"] = str(local_path.relative_to(ws.root))
    result["causes"] = _cause_counts(result["changes"])
    return result, diff


def _cause_counts(changes: list[dict[str, Any]]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for change in changes:
        counts[change["cause"]] = counts.get(change["cause"], 0) + 1
    return dict(sorted(counts.items()))


def format_diff_text(result: dict[str, Any], color: bool = False, lang: str = "de") -> str:
    """The attributed diff as lines for a terminal: summary, then changes grouped by cause.

    Uses the diff report's own words (bpmn.diff_text), so both read alike.
    """
    import click

    from procex.bpmn.diff_text import (
        COLOURS,
        KIND_WORDS,
        PROPERTY_WORDS_DE,
        TYPE_WORDS_DE,
        _value,
        cause_words,
        quote,
    )

    german = lang != "en"
    lang = "de" if german else "en"
    words = KIND_WORDS[lang]
    summary = result["summary"]
    parts = [f"{n} {words.get(k, k)}" for k, n in summary.items() if n]
    none = "keine Änderungen" if german else "no changes"
    lines = [f"{result['old']} → {result['new']}: " + (", ".join(parts) if parts else none)]
    by_cause: dict[str, list[dict[str, Any]]] = {}
    for change in result["changes"]:
        by_cause.setdefault(change["cause"], []).append(change)
    for cause in sorted(by_cause, key=lambda c: (c == "local", c)):
        title = cause_words(cause, lang)
        lines.append(click.style(f"  {title}:", bold=True) if color else f"  {title}:")
        for change in by_cause[cause]:
            element = change.get("name") or change.get("new_id") or change.get("old_id")
            kind_type = change.get("element_type", "")
            if german:
                kind_type = TYPE_WORDS_DE.get(kind_type, kind_type)
            details = "; ".join(
                f"{PROPERTY_WORDS_DE.get(d.get('property'), d.get('property')) if german else d.get('property')}: "
                f"{_value(d.get('old'), lang)} → {_value(d.get('new'), lang)} [{cause_words(d['cause'], lang)}]"
                for d in change.get("details") or []
            )
            text = f"    {words.get(change['kind'], change['kind']):16s} {kind_type} {quote(element, lang)}"
            if details:
                text += f"  ({details})"
            lines.append(click.style(text, fg=COLOURS.get(change["kind"])) if color else text)
    return "\n".join(lines)


def adaptation_report(ws: Workspace, name: str, attributed: dict[str, Any], diff: Diff, lang: str = "de") -> str:
    """The HTML report of an adaptation diff: titled with the process, the upstream version and the
    municipality (never a local path), each change and each detail with its cause."""
    from procex.bpmn.report_html import diff_report

    entry = ws.lock_entry(name)
    manifest = ws.cached_manifest(entry.sha256) or {}
    town = ws.municipality.get("name") or ws.slug
    local = f"{town} (lokale Anpassung)" if lang != "en" else f"{town} (local adaptation)"
    original = f"{entry.upstream} (Original)" if lang != "en" else f"{entry.upstream} (original)"
    return diff_report(
        diff,
        lang=lang,
        causes=[change["cause"] for change in attributed["changes"]],
        detail_causes=[[d["cause"] for d in change.get("details") or []] for change in attributed["changes"]],
        process=manifest.get("name") or name,
        old_label=original,
        new_label=local,
    )


def write_diff_report(
    ws: Workspace, name: str, output: str | os.PathLike[str], lang: str = "de"
) -> str | os.PathLike[str]:
    """Write the HTML report of the adaptation diff (original vs local) to ``output`` atomically."""
    attributed, diff = diff_process(ws, name)
    atomic_write(output, adaptation_report(ws, name, attributed, diff, lang))
    return output
