"""Text and HTML forms of the three-way diff (``procex diff3``, ``procex merge``'s conflict list).

German by default (reviewers in municipalities read it), English with ``lang="en"``. The HTML
report is one self-contained file: LOCAL and UPSTREAM drawn side by side from their diagram
interchange (bpmn/render.py via the diff report's drawing), conflicts marked red, changes that
are kept or taken marked as the diff report marks them, and one table per class of change.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape
from typing import TYPE_CHECKING

from procex.bpmn.diff_text import KIND_WORDS, PROPERTY_WORDS_DE, _value, quote, type_word

if TYPE_CHECKING:
    from procex.bpmn.diff import ChangeDict
    from procex.bpmn.merge import Conflict, ThreeWay

# (BASE, LOCAL, UPSTREAM): file paths, or names, of the three versions
Three = tuple[str | None, str | None, str | None]

WORDS = {
    "de": {
        "title": "Dreiwege-Vergleich",
        "applicable": "Übernehmbar von UPSTREAM",
        "local": "Lokale Änderungen (bleiben)",
        "pseudo": "Auf beiden Seiten gleich (einmal übernommen)",
        "conflicts": "Konflikte",
        "none": "keine",
        "blocking": "blockierend",
        "local_side": "lokal",
        "upstream_side": "upstream",
        "summary": "{a} übernehmbar, {l} lokal, {p} beidseitig gleich, {c} Konflikte ({b} blockierend)",
        "element": "Element",
        "change": "Änderung",
        "kind": "Art",
        "details": "Details",
        "no_di": "ohne Diagramm",
        "legend": "rot: Konflikt · grün: hinzugefügt · ocker: geändert · blau gepunktet: nur Layout",
        "removed_word": "entfernt",
        "skipped": "nicht übernommen",
    },
    "en": {
        "title": "Three-way diff",
        "applicable": "Applicable from UPSTREAM",
        "local": "Local changes (kept)",
        "pseudo": "Same on both sides (applied once)",
        "conflicts": "Conflicts",
        "none": "none",
        "blocking": "blocking",
        "local_side": "local",
        "upstream_side": "upstream",
        "summary": "{a} applicable, {l} local, {p} same on both sides, {c} conflicts ({b} blocking)",
        "element": "Element",
        "change": "Change",
        "kind": "Kind",
        "details": "Details",
        "no_di": "no diagram",
        "legend": "red: conflict · green: added · ochre: changed · blue dotted: layout only",
        "removed_word": "removed",
        "skipped": "not taken",
    },
}
CONFLICT_WORDS = {
    "de": {
        "label": "Bezeichnung unterschiedlich geändert",
        "type": "Typ unterschiedlich geändert",
        "condition": "Bedingung unterschiedlich geändert",
        "timer": "Timer unterschiedlich geändert",
        "property": "Eigenschaft unterschiedlich geändert",
        "lane": "in verschiedene Lanes verschoben",
        "parent": "an verschiedene Orte verschoben",
        "rewire": "Fluss unterschiedlich neu verbunden",
        "removed-changed": "auf einer Seite entfernt, auf der anderen geändert",
        "moved-changed": "upstream verschoben, lokal geändert oder neu verbunden",
        "removed-referenced": "auf einer Seite entfernt, auf der anderen verwendet",
        "added": "auf beiden Seiten verschieden hinzugefügt",
        "layout": "Layout auf beiden Seiten geändert (blockiert nicht)",
    },
    "en": {
        "label": "label changed differently",
        "type": "type changed differently",
        "condition": "condition changed differently",
        "timer": "timer changed differently",
        "property": "property changed differently",
        "lane": "moved to different lanes",
        "parent": "moved to different places",
        "rewire": "flow rewired differently",
        "removed-changed": "removed on one side, changed on the other",
        "moved-changed": "moved upstream, changed or connected locally",
        "removed-referenced": "removed on one side, used on the other",
        "added": "added differently on both sides",
        "layout": "layout changed on both sides (does not block)",
    },
}


def _change_line(change: ChangeDict, lang: str) -> str:
    kind = KIND_WORDS[lang][change["kind"]]
    ident = change["new_id"] or change["old_id"]
    if change["old_id"] and change["new_id"] and change["old_id"] != change["new_id"]:
        ident = f"{change['old_id']} → {change['new_id']}"
    label = f"{quote(change['name'], lang)} " if change.get("name") else ""
    return f"{kind}: {type_word(change['element_type'], lang)} {label}[{ident}]"


def _detail_lines(change: ChangeDict, lang: str) -> list[str]:
    lines = []
    for detail in change["details"]:
        prop = detail["property"]
        if lang == "de":
            prop = PROPERTY_WORDS_DE.get(prop, prop)
        lines.append(f"{prop}: {_value(detail['old'], lang)} → {_value(detail['new'], lang)}")
    return lines


def summary_line(three: ThreeWay, lang: str = "de") -> str:
    w = WORDS[lang]
    return w["summary"].format(
        a=len(three.applicable), l=len(three.local), p=len(three.pseudo), c=len(three.conflicts), b=len(three.blocking)
    )


def conflict_lines(conflicts: Iterable[Conflict], lang: str = "de") -> list[str]:
    """Each conflict: what collides, then the local and the upstream side with their values."""
    w, words = WORDS[lang], CONFLICT_WORDS[lang]
    lines: list[str] = []
    for conflict in conflicts:
        lines.append(f"  [{conflict.element}] {words[conflict.kind]} ({conflict.kind})")
        for side, item in ((w["local_side"], conflict.local), (w["upstream_side"], conflict.upstream)):
            lines.append(f"      {side + ':':10} {_change_line(item.change, lang)}")
            for detail in _detail_lines(item.change, lang):
                lines.append(f"      {'':10}   {detail}")
    return lines


def format_text(three: ThreeWay, lang: str = "de", paths: Three = (None, None, None)) -> str:
    """The text report of ``procex diff3``."""
    lang = "en" if lang == "en" else "de"
    w = WORDS[lang]
    base, local, upstream = (p or name for p, name in zip(paths, ("BASE", "LOCAL", "UPSTREAM"), strict=True))
    lines = [f"{w['title']}: {base} → {local} / {upstream}", summary_line(three, lang)]
    for key in ("applicable", "local", "pseudo"):
        items = getattr(three, key)
        lines.append("")
        lines.append(f"{w[key]} ({len(items)}):" if items else f"{w[key]}: {w['none']}")
        for item in items:
            lines.append("  " + _change_line(item.change, lang))
            lines.extend("      " + d for d in _detail_lines(item.change, lang))
    lines.append("")
    lines.append(
        f"{w['conflicts']} ({len(three.conflicts)}, {len(three.blocking)} {w['blocking']}):"
        if three.conflicts
        else f"{w['conflicts']}: {w['none']}"
    )
    lines.extend(conflict_lines(three.conflicts, lang))
    return "\n".join(lines)


# --- HTML ------------------------------------------------------------------------------------------

_STYLE = """
h2.section { font-size: 1.15em; margin-top: 1.4em; }
tr.conflict td:first-child { border-left: 5px solid #cf222e; }
tr.nonblocking td:first-child { border-left: 5px solid #0969da; }
td .side { font-weight: bold; }
"""


def _marks(three: ThreeWay) -> tuple[dict[str, str], dict[str, str]]:
    """({local id: css class}, {upstream id: css class}) for the two diagrams."""
    local: dict[str, str] = {}
    upstream: dict[str, str] = {}

    def mark(target: dict[str, str], ident: str | None, cls: str) -> None:
        if ident and target.get(ident) != "diff-removed":
            target[ident] = cls

    def cls_of(change: ChangeDict) -> str:
        if change["kind"] == "added":
            return "diff-added"
        return "diff-layout" if change["kind"] == "layout" else "diff-changed"

    for item in three.local + three.pseudo:
        mark(local, item.own_id, cls_of(item.change))
    for item in three.applicable:
        mark(upstream, item.own_id, cls_of(item.change))
    to_local = three.local_diff.matching.old_to_new
    to_upstream = three.upstream_diff.matching.old_to_new
    for conflict in three.conflicts:
        cls = "diff-removed" if conflict.blocking else "diff-layout"
        mark(local, conflict.local.own_id or to_local.get(conflict.element) or conflict.element, cls)
        mark(upstream, conflict.upstream.own_id or to_upstream.get(conflict.element), cls)
    return local, upstream


def html_report(
    three: ThreeWay,
    lang: str = "de",
    paths: Three = (None, None, None),
    process: str | None = None,
    labels: Three = (None, None, None),
) -> str:
    """The HTML report of ``procex diff3``: one self-contained document (str).

    ``process`` names the process in the title (default: the models' own name); ``labels`` name
    BASE, LOCAL and UPSTREAM (default: the file names of ``paths``, never the folders above them).
    """
    from procex.bpmn.report_html import PAGE_STYLE, _side, process_name, version_label

    lang = "en" if lang == "en" else "de"
    w, words = WORDS[lang], CONFLICT_WORDS[lang]
    names = [
        label or version_label(path) or fallback
        for label, path, fallback in zip(labels, paths, ("BASE", "LOCAL", "UPSTREAM"), strict=True)
    ]
    process = process or process_name(three.upstream_model) or process_name(three.local_model)
    title = f"{w['title']}: {process + ', ' if process else ''}{names[1]} / {names[2]}"
    marks_local, marks_upstream = _marks(three)
    # The diff report's drawing: its sides are called "old"/"new"; here they are LOCAL and UPSTREAM.
    local_word = "Lokal" if lang == "de" else "Local"
    local_html, _ = _side(three.local_model, None, marks_local, "old", lang, f"{local_word}: {names[1]}")
    upstream_html, _ = _side(three.upstream_model, None, marks_upstream, "new", lang, f"Upstream: {names[2]}")

    def cells(change: ChangeDict) -> str:
        details = "".join(f"<div>{escape(d)}</div>" for d in _detail_lines(change, lang))
        return f'<td>{escape(_change_line(change, lang))}</td><td class="details">{details}</td>'

    parts = [
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title><style>{PAGE_STYLE}\n{_STYLE}</style></head><body><main>",
        f"<h1>{escape(title)}</h1>",
        f"<p>BASE: {escape(names[0])} · LOCAL: {escape(names[1])} · UPSTREAM: {escape(names[2])}</p>",
        f'<p class="summary">{escape(summary_line(three, lang))}</p>',
        f'<p class="legend">{escape(w["legend"])}</p>',
        f'<div class="sides">{local_html}{upstream_html}</div>',
        f'<h2 class="section">{escape(w["conflicts"])} ({len(three.conflicts)})</h2>',
    ]
    if three.conflicts:
        parts.append(
            f"<table><tr><th>{escape(w['kind'])}</th><th>{escape(w['element'])}</th>"
            f"<th>{escape(w['local_side'])}</th><th>{escape(w['details'])}</th>"
            f"<th>{escape(w['upstream_side'])}</th><th>{escape(w['details'])}</th></tr>"
        )
        for c in three.conflicts:
            row = "conflict" if c.blocking else "nonblocking"
            parts.append(
                f'<tr class="{row}" data-kind="{escape(c.kind)}" data-element="{escape(c.element)}">'
                f"<td>{escape(words[c.kind])}</td><td>{escape(c.element)}</td>"
                f"{cells(c.local.change)}{cells(c.upstream.change)}</tr>"
            )
        parts.append("</table>")
    else:
        parts.append(f"<p>{escape(w['none'])}</p>")
    for key in ("applicable", "local", "pseudo"):
        items = getattr(three, key)
        parts.append(f'<h2 class="section">{escape(w[key])} ({len(items)})</h2>')
        if not items:
            parts.append(f"<p>{escape(w['none'])}</p>")
            continue
        parts.append(f"<table><tr><th>{escape(w['change'])}</th><th>{escape(w['details'])}</th></tr>")
        for item in items:
            parts.append(f'<tr class="kind-{escape(item.change["kind"])}">{cells(item.change)}</tr>')
        parts.append("</table>")
    parts.append("</main></body></html>\n")
    return "".join(parts)
