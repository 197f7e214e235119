"""What the HTML report and the library's compare page share for showing a diff: the viewer's
script and style sheet (one file each, inlined in the report, served by the site), its button
texts, and the legend with the sign each kind of change carries in the diagrams."""

import json
from functools import cache
from html import escape
from pathlib import Path

from procex.bpmn.render.canvas import BADGE_SIGNS
from procex.bpmn.render.style import ADDED, CHANGED, LAYOUT, REMOVED

HERE = Path(__file__).resolve().parent
SCRIPT_FILE = HERE / "diff_viewer.js"
STYLE_FILE = HERE / "diff_viewer.css"

LABELS = {
    "de": {
        "toolbar": "Diagrammansicht",
        "both": "Beide Diagramme",
        "one": "Ein Diagramm",
        "in": "Vergrößern",
        "out": "Verkleinern",
        "fit": "Auf Änderungen einpassen",
        "layout": "Nur-Layout-Änderungen zeigen",
        "show": "Zeigen",
        "shown": "Gezeigt",
    },
    "en": {
        "toolbar": "Diagram view",
        "both": "Both diagrams",
        "one": "One diagram",
        "in": "Zoom in",
        "out": "Zoom out",
        "fit": "Fit to changes",
        "layout": "Show layout-only changes",
        "show": "Show",
        "shown": "Shown",
    },
}

HINT = {
    "de": "Mausrad, zwei Finger oder +/− zoomen; Ziehen oder Pfeiltasten verschieben; 0 passt auf die Änderungen ein.",
    "en": "Mouse wheel, two fingers or +/− zoom; dragging or the arrow keys pan; 0 fits the changes.",
}

_COLOURS = {"diff-added": ADDED, "diff-removed": REMOVED, "diff-changed": CHANGED, "diff-layout": LAYOUT}


@cache
def script() -> str:
    """The viewer's JavaScript (no framework, no network)."""
    return SCRIPT_FILE.read_text("utf-8")


@cache
def style() -> str:
    """The viewer's CSS."""
    return STYLE_FILE.read_text("utf-8")


def labels_attribute(lang: str) -> str:
    """The viewer's button texts in ``lang``, as the value of its ``data-labels`` attribute (escaped)."""
    return escape(json.dumps(LABELS["en" if lang == "en" else "de"], ensure_ascii=False), quote=True)


def sign(css: str) -> str:
    """A small inline SVG of the sign a kind of change carries in the diagrams (for legends)."""
    return (
        f'<svg viewBox="-10 -10 20 20" aria-hidden="true" focusable="false"><circle r="9" fill="{_COLOURS[css]}"/>'
        f'<path d="{BADGE_SIGNS[css]}" fill="none" stroke="#fff" stroke-width="2" stroke-linecap="round"/></svg>'
    )
