"""The HTML diff report: one self-contained file (no network) for reviewers.

Both models are drawn side by side as SVG from their diagram interchange (bpmn/render/), the
changes marked with a colour and a sign: added elements in the new diagram, removed ones in the
old, renamed, retyped, changed, moved, relaned and rewired ones in both; layout-only changes
unmarked unless the reader asks for them. A small inline script (bpmn/diff_viewer.js, the same the
library's compare page loads) zooms and pans both diagrams together, starts fitted to the changes,
shows a chosen change in both and offers a one-diagram view; without it the diagrams are static
at their natural size. Below, a table of the changes; each row links to the element in the
diagrams (``#old0-el-…``, ``#new0-el-…``). A model without diagram interchange gets the table and
a note. German by default.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from pathlib import PurePath
from typing import TYPE_CHECKING, cast

from procex.bpmn import diff_view
from procex.bpmn.diff_text import (
    KIND_WORDS,
    PROPERTY_WORDS_DE,
    cause_words,
    describe_lineage,
    describe_note,
    format_summary,
    quote,
    type_word,
)
from procex.bpmn.render import NoDiagramError, _dom_id, render_svg

if TYPE_CHECKING:
    from procex.bpmn.diff import Change, Diff
    from procex.bpmn.match import Matching, _Item
    from procex.bpmn.model import Model

TEXT = {
    "de": {
        "title": "Vergleich",
        "old": "Alt",
        "new": "Neu",
        "kind": "Änderung",
        "type": "Element",
        "name": "Name",
        "details": "Details",
        "ids": "Element-IDs",
        "cause": "Ursache",
        "none": "Keine Änderungen.",
        "no_di": "Dieses Modell enthält kein Diagramm (BPMNDI); die Änderungen stehen nur in der Tabelle.",
        "legend": "Legende",
        "similar": "per Ähnlichkeit zugeordnet",
        "changes": "Änderungen",
        "added": "hinzugefügt (im neuen Diagramm)",
        "removed": "entfernt (im alten Diagramm)",
        "changed_l": "geändert (in beiden)",
        "layout_l": "nur Layout (auf Wunsch)",
        "possible": "Mögliche Entsprechungen (nicht als Änderung gezählt)",
        "possible_text": "Elemente ohne sichere Entsprechung, die einander ähneln: "
        "prüfen Sie selbst, ob sie dasselbe meinen.",
        "similarity": "Ähnlichkeit",
        "likely": "wahrscheinlich zugeordnet",
        "before": "vorher",
        "after": "nachher",
        "process": "Prozess",
        "diagram": "Diagramm",
        "notes": "Hinweis: Erweiterungen dieser Namensräume stehen nur in einem Modell und wurden nicht verglichen: ",
    },
    "en": {
        "title": "Comparison",
        "old": "Old",
        "new": "New",
        "kind": "Change",
        "type": "Element",
        "name": "Name",
        "details": "Details",
        "ids": "Element ids",
        "cause": "Cause",
        "none": "No changes.",
        "no_di": "This model has no diagram (BPMNDI); the changes are listed in the table only.",
        "legend": "Legend",
        "similar": "paired by similarity",
        "changes": "Changes",
        "added": "added (in the new diagram)",
        "removed": "removed (in the old diagram)",
        "changed_l": "changed (in both)",
        "layout_l": "layout only (on request)",
        "possible": "Possible counterparts (not counted as changes)",
        "possible_text": "Elements without a sure counterpart that resemble each other: "
        "check whether they mean the same.",
        "similarity": "Similarity",
        "likely": "likely pair",
        "before": "before",
        "after": "after",
        "process": "Process",
        "diagram": "Diagram",
        "notes": "Note: extensions of these namespaces are in one model only and were not compared: ",
    },
}

PAGE_STYLE = """
body { font-family: Arial, Helvetica, 'Liberation Sans', sans-serif; margin: 1.5em; color: #22242a; }
h1 { font-size: 1.4em; margin: 0 0 .3em; }
.summary { font-size: 1.1em; margin: .2em 0 1em; }
.sides { display: flex; gap: 1em; align-items: flex-start; }
.side { flex: 1 1 0; min-width: 0; }
.side h2 { font-size: 1.1em; margin: 0 0 .4em; }
.side .canvas { overflow: auto; max-height: 80vh; border: 1px solid #d0d7de; border-radius: 6px; }
@media (max-width: 800px) { .sides { flex-direction: column; } body { margin: .8em; } }
.note { background: #fff8c5; border: 1px solid #d4a72c; padding: .5em; border-radius: 4px; }
.legend span { display: inline-block; margin-right: 1.2em; }
table { border-collapse: collapse; margin-top: 1em; width: 100%; }
th, td { border: 1px solid #d0d7de; padding: .3em .5em; text-align: left; vertical-align: top; font-size: .92em; }
td { overflow-wrap: break-word; }
@media (max-width: 800px) { .table-wrap table { min-width: 44rem; } }
th { background: #f6f8fa; }
tr.kind-added td:first-child { border-left: 5px solid #1a7f37; }
tr.kind-removed td:first-child { border-left: 5px solid #cf222e; }
tr.semantic td:first-child { border-left: 5px solid #9a6700; }
tr.kind-layout { color: #57606a; }
.table-wrap { overflow-x: auto; } tr.kind-layout td:first-child { border-left: 5px solid #0969da; }
td.details div { white-space: pre-wrap; }
:target { outline: 3px solid #0969da; }
""".strip()

SEMANTIC_CLASSES = {"added": "diff-added", "removed": "diff-removed"}


def highlights(diff: Diff) -> tuple[dict[str, str], dict[str, str]]:
    """({old id: css class}, {new id: css class}) for the two diagrams."""
    old: dict[str, str] = {}
    new: dict[str, str] = {}
    for change in diff.changes:
        cls = SEMANTIC_CLASSES.get(change.kind, "diff-changed" if change.semantic else "diff-layout")
        for ident, side in ((change.old_id, old), (change.new_id, new)):
            if ident is None:
                continue
            if side.get(ident) in (None, "diff-layout"):
                side[ident] = cls
    return old, new


def _side(
    model: Model, path: str | None, marks: Mapping[str, str], side: str, lang: str, heading: str | None = None
) -> tuple[str, dict[str, str]]:
    """HTML of one side: every diagram of the model, or the note; plus {element id: anchor}.

    Every diagram is zoomable (``.dv-canvas``); the viewer moves the old and the new diagram of one
    number together (``data-dv-pane``), the first with the main toolbar, each further one with its own
    buttons. ``heading`` names the side (default: "Alt"/"Neu" and ``path``). DOM ids start with the
    side and diagram number.
    """
    t = TEXT[lang]
    anchors: dict[str, str] = {}
    heading = heading or f"{t[side]}: {path or ''}"
    parts = [
        f'<section class="side dv-side" id="{side}" data-side="{side}" aria-labelledby="{side}-heading">'
        f'<h2 id="{side}-heading">{escape(heading)}</h2>'
    ]
    try:
        count = len(model.diagrams)
        if not count:
            raise NoDiagramError("no BPMNDI")
        for index in range(count):
            prefix = f"{side}{index}-"
            diagram = model.diagrams[index]
            name = f"{heading} – {t['diagram']} {index + 1}" if count > 1 else heading
            svg = render_svg(model, index, highlight=marks, lang=lang, title=name, id_prefix=prefix)
            for di in list(diagram.shapes) + list(diagram.edges):
                if di.bpmn_element and di.bpmn_element not in anchors:
                    anchors[di.bpmn_element] = prefix + _dom_id(di.bpmn_element)
            sub = (
                f"<h3>{escape(t['diagram'])} {index + 1}: {escape(diagram.name or diagram.id or '')}</h3>"
                if count > 1
                else ""
            )
            parts.append(
                f'{sub}<div class="canvas dv-canvas" data-dv-pane="{index}" tabindex="0" role="group" '
                f'aria-label="{escape(name)}">{svg}</div>'
            )
    except NoDiagramError:
        parts.append(f'<p class="note">{escape(t["no_di"])}</p>')
    parts.append("</section>")
    return "".join(parts), anchors


def process_name(model: Model) -> str:
    """The name a reader knows the process by: the definitions' or collaboration's name, else the
    name of the process with the most flow nodes, else a pool's name."""
    names = [model.definitions.name] + [c.name for c in model.collaborations]
    processes = sorted(model.processes, key=lambda p: -len(p.el))
    names += [p.name for p in processes] + [p.name for p in model.participants]
    return next((n.strip() for n in names if n and n.strip()), "")


def version_label(path: object) -> str:
    """A side's name when the caller gives none: its file name, never the folders above it."""
    return PurePath(str(path)).name if path else ""


def _row_label(change: Change, lang: str) -> str:
    """What a change is about in a few words, for the viewer's "shown: …" line."""
    name = f" {quote(change.name, lang)}" if change.name else ""
    return f"{type_word(change.element_type, lang)}{name} ({KIND_WORDS[lang][change.kind]})"


def _legend(t: Mapping[str, str]) -> str:
    kinds = (
        ("diff-added", "added"),
        ("diff-removed", "removed"),
        ("diff-changed", "changed_l"),
        ("diff-layout", "layout_l"),
    )
    return (
        f'<p class="legend dv-legend"><b>{escape(t["legend"])}:</b> '
        + "".join(f"<span>{diff_view.sign(css)}{escape(t[key])}</span>" for css, key in kinds)
        + "</p>"
    )


def _value(value: object, lang: str = "de") -> str:
    if value is None:
        return "–"
    if isinstance(value, dict):
        return ", ".join(f"{k}={v}" for k, v in value.items())
    if isinstance(value, list):
        return " ".join(",".join(str(c) for c in p) if isinstance(p, list) else str(p) for p in value)
    return quote(value, lang)


# --- how the elements were paired (bpmn/match.py): mode, notes, likely pairs, possible counterparts ---
def _pairing_lines(diff: Diff, lang: str) -> str:
    """The lines saying how the elements were paired and why, and the matcher's notes."""
    matching = getattr(diff, "matching", None)
    if matching is None or not getattr(matching, "lineage", None):
        return ""
    lines = [describe_lineage(matching.lineage, lang)] + [describe_note(n, lang) for n in matching.notes]
    return "".join(f'<p class="pairing">{escape(line)}</p>' for line in lines if line)


def _likely_pairs(diff: Diff) -> set[tuple[str, str]]:
    """{(old id, new id)} of the pairs the matcher is not certain of (shown beside their change)."""
    matching = getattr(diff, "matching", None)
    pairs = getattr(matching, "pairs", None) or []
    return {(p.old_id, p.new_id) for p in pairs if getattr(p, "confidence", "certain") == "likely"}


def _possible_table(diff: Diff, lang: str) -> str:
    """The possible counterparts: listed apart, each row showable in both diagrams, never a change."""
    matching = getattr(diff, "matching", None)
    possible = getattr(matching, "possible", None) or []
    if not possible:
        return ""
    matching = cast("Matching", matching)  # it has possible counterparts
    t = TEXT[lang]

    def cell(items: Mapping[str, _Item] | None, ident: str) -> str:
        item = items.get(ident) if items else None
        if item is None:
            return f"<td>{escape(ident)}</td>"
        label = f" {quote(item.label, lang)}" if item.label else ""
        return f"<td>{escape(type_word(item.type, lang))}{escape(label)} <small>[{escape(ident)}]</small></td>"

    rows = "".join(
        f'<tr class="possible" data-old-id="{escape(p.old_id)}" data-new-id="{escape(p.new_id)}">'
        f"{cell(matching.old_items, p.old_id)}{cell(matching.new_items, p.new_id)}<td>{p.score:.2f}</td></tr>"
        for p in possible
    )
    return (
        f'<h2 id="possible-heading">{escape(t["possible"])}</h2><p>{escape(t["possible_text"])}</p>'
        f'<div class="table-wrap"><table class="possible" aria-labelledby="possible-heading"><thead><tr>'
        f"<th>{escape(t['old'])}</th><th>{escape(t['new'])}</th><th>{escape(t['similarity'])}</th></tr></thead>"
        f"<tbody>{rows}</tbody></table></div>"
    )


def diff_report(
    diff: Diff,
    lang: str = "de",
    old_model: Model | None = None,
    new_model: Model | None = None,
    causes: list[str] | None = None,
    detail_causes: list[list[str]] | None = None,
    process: str | None = None,
    old_label: str | None = None,
    new_label: str | None = None,
) -> str:
    """The report as one HTML document (str). The models default to those the diff was made from.

    ``causes`` (one text per change, in ``diff.changes`` order) adds a column saying why each
    change was made; the workspace passes "mapping:<rule>" or "local" there. ``detail_causes``
    (per change, one cause per detail) names the cause on each detail line. ``process`` names the
    process in the title (default: the definitions', collaboration's or main process's name);
    ``old_label`` and ``new_label`` name the versions (default: the file names, never their folders).
    """
    lang = "en" if lang == "en" else "de"
    t = TEXT[lang]
    # diff_models gives every Diff its two models
    old_model = cast("Model", old_model or diff.old_model)
    new_model = cast("Model", new_model or diff.new_model)
    process = process or process_name(new_model) or process_name(old_model)
    old_label = old_label or version_label(diff.old_path)
    new_label = new_label or version_label(diff.new_path)
    marks_old, marks_new = highlights(diff)
    old_html, old_anchors = _side(old_model, None, marks_old, "old", lang, f"{t['before']}: {old_label}")
    new_html, new_anchors = _side(new_model, None, marks_new, "new", lang, f"{t['after']}: {new_label}")
    rows: list[str] = []
    likely = _likely_pairs(diff)
    for number, change in enumerate(diff.changes, 1):
        links: list[str] = []
        for ident, anchors, label in ((change.old_id, old_anchors, t["old"]), (change.new_id, new_anchors, t["new"])):
            if ident is None:
                continue
            if ident in anchors:
                links.append(f'<a href="#{escape(anchors[ident])}">{escape(label)}: {escape(ident)}</a>')
            else:
                links.append(f"{escape(label)}: {escape(ident)}")
        details: list[str] = []
        for index, d in enumerate(change.details):
            prop = PROPERTY_WORDS_DE.get(d["property"], d["property"]) if lang == "de" else d["property"]
            why = ""
            if detail_causes and index < len(detail_causes[number - 1]):
                cause = cause_words(detail_causes[number - 1][index], lang)
                why = f' <span class="detail-cause">[{escape(cause)}]</span>'
            details.append(
                f"<div>{escape(prop)}: {escape(_value(d['old'], lang))} → {escape(_value(d['new'], lang))}{why}</div>"
            )
        how = (
            f' <small title="{escape(t["similar"])}">≈ {change.score:.2f}</small>'
            if change.match == "similarity"
            else ""
        )
        if (change.old_id, change.new_id) in likely:
            how += f' <small class="likely">({escape(t["likely"])})</small>'

        cls = f"kind-{change.kind}" + (
            " semantic" if change.semantic and change.kind not in ("added", "removed") else ""
        )
        rows.append(
            f'<tr id="change-{number}" class="{cls}" data-label="{escape(_row_label(change, lang))}" '
            f'data-old-id="{escape(change.old_id or "")}" '
            f'data-new-id="{escape(change.new_id or "")}"><td>{escape(KIND_WORDS[lang][change.kind])}</td>'
            f"<td>{escape(type_word(change.element_type, lang))}</td><td>{escape(change.name or '')}</td>"
            f'<td class="details">{"".join(details)}</td><td>{"<br>".join(links)}{how}</td>'
            + (f'<td class="cause">{escape(cause_words(causes[number - 1], lang))}</td>' if causes else "")
            + "</tr>"
        )
    cause_head = f"<th>{t['cause']}</th>" if causes else ""
    table = (
        f"<table><thead><tr><th>{t['kind']}</th><th>{t['type']}</th><th>{t['name']}</th>"
        f"<th>{t['details']}</th><th>{t['ids']}</th>{cause_head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
        if rows
        else f"<p>{escape(t['none'])}</p>"
    )
    notes = [u for side in ("old", "new") for u in diff.unshared_namespaces.get(side, [])]
    note = f'<p class="note">{escape(t["notes"] + ", ".join(notes))}</p>' if notes else ""
    title = f"{t['title']}: {process + ', ' if process else ''}{old_label} → {new_label}"
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{PAGE_STYLE}\n{diff_view.style()}</style></head><body>"
        f'<main class="dv" data-diff-viewer data-labels="{diff_view.labels_attribute(lang)}">'
        f'<h1>{escape(title)}</h1><p class="summary">{escape(format_summary(diff, lang))}</p>'
        f"{_pairing_lines(diff, lang)}{_legend(t)}{note}"
        f'<p class="hint dv-hint">{escape(diff_view.HINT[lang])}</p>'
        f'<div class="sides dv-sides">{old_html}{new_html}</div><h2>{t["changes"]}</h2>'
        f'<div class="table-wrap">{table}</div>{_possible_table(diff, lang)}</main>'
        f"<script>{diff_view.script()}</script></body></html>\n"
    )
