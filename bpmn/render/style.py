"""How the drawing looks: colour, font and sizes, the embedded style sheet, and the class and DOM id
of each element's group.

Shapes carry presentation attributes as well (for converters without CSS such as cairosvg); the
style sheet adds what only CSS can: the diff and search highlights.
"""

import re

from procex.bpmn import kinds

FONT_SIZE = 12.0
LINE_HEIGHT = 14.0
MIN_FONT_SIZE = 10.0  # labels shrink to this before they are cut with an ellipsis
FONT_FAMILY = "Arial, Helvetica, 'Liberation Sans', sans-serif"
MARGIN = 20.0
EXTERNAL_LABEL_WIDTH = 90.0  # bpmn.io wraps labels of events, gateways and data at 90 px
POOL_HEADER = 30.0  # width of the name band of pools and lanes

STROKE = "#22242a"
# Diff marks, each at least 4.5:1 against white (WCAG AA for text and 3:1 for graphics)
ADDED = "#1a7f37"
REMOVED = "#cf222e"
CHANGED = "#9a6700"
LAYOUT = "#0969da"

STYLE = f"""
.bpmn-diagram {{ background: #fff; }}
.bpmn-diagram text {{ font-family: {FONT_FAMILY}; fill: {STROKE}; }}
.bpmn-diagram .halo {{ fill: none; stroke: none; }}
.bpmn-diagram .diff-added > .halo {{ stroke: {ADDED}; stroke-width: 4px; fill: {ADDED}; fill-opacity: .10; }}
.bpmn-diagram .diff-removed > .halo {{ stroke: {REMOVED}; stroke-width: 4px; stroke-dasharray: 8 4;
  fill: {REMOVED}; fill-opacity: .10; }}
.bpmn-diagram .diff-changed > .halo {{ stroke: {CHANGED}; stroke-width: 4px; fill: #d4a72c; fill-opacity: .15; }}
.bpmn-diagram .diff-layout > .halo {{ stroke: {LAYOUT}; stroke-width: 1.5px; stroke-dasharray: 3 3; }}
.bpmn-diagram .bpmn-pool > .halo, .bpmn-diagram .bpmn-lane > .halo {{ fill: none; stroke: none; }}
.bpmn-diagram .diff-added > .band {{ fill: #dafbe1; }}
.bpmn-diagram .diff-removed > .band {{ fill: #ffebe9; }}
.bpmn-diagram .diff-changed > .band {{ fill: #fff1c2; }}
.bpmn-diagram .bpmn-pool[class*=diff-] > .outline, .bpmn-diagram .bpmn-lane[class*=diff-] > .outline {{
  stroke-width: 3px; }}
.bpmn-diagram .diff-layout.bpmn-pool > .outline, .bpmn-diagram .diff-layout.bpmn-lane > .outline {{
  stroke-width: 1px; }}
.bpmn-diagram .diff-added > .outline, .bpmn-diagram .diff-added .line {{ stroke: {ADDED}; }}
.bpmn-diagram .diff-removed > .outline, .bpmn-diagram .diff-removed .line {{ stroke: {REMOVED}; }}
.bpmn-diagram .diff-changed > .outline, .bpmn-diagram .diff-changed .line {{ stroke: {CHANGED}; }}
.bpmn-diagram .diff-added .head {{ fill: {ADDED}; stroke: {ADDED}; }}
.bpmn-diagram .diff-removed .head {{ fill: {REMOVED}; stroke: {REMOVED}; }}
.bpmn-diagram .diff-changed .head {{ fill: {CHANGED}; stroke: {CHANGED}; }}
.bpmn-diagram .diff-removed > text {{ text-decoration: line-through; }}
.bpmn-diagram .diff-badge circle {{ fill: {STROKE}; }}
.bpmn-diagram .diff-added > .diff-badge circle {{ fill: {ADDED}; }}
.bpmn-diagram .diff-removed > .diff-badge circle {{ fill: {REMOVED}; }}
.bpmn-diagram .diff-changed > .diff-badge circle {{ fill: {CHANGED}; }}
.bpmn-diagram .diff-layout > .diff-badge circle {{ fill: {LAYOUT}; }}
.bpmn-diagram .highlight > .halo {{ stroke: {LAYOUT}; stroke-width: 4px; fill: {LAYOUT}; fill-opacity: .08; }}
.bpmn-diagram path.halo {{ fill: none !important; stroke-width: 10px; stroke-opacity: .3; stroke-dasharray: none; }}
""".strip()

_CLASSES = {
    "dataObjectReference": "bpmn-data-object",
    "dataObject": "bpmn-data-object",
    "dataInput": "bpmn-data-object",
    "dataOutput": "bpmn-data-object",
    "dataStoreReference": "bpmn-data-store",
    "dataStore": "bpmn-data-store",
    "textAnnotation": "bpmn-annotation",
    "group": "bpmn-group",
    "participant": "bpmn-pool",
    "lane": "bpmn-lane",
    "sequenceFlow": "bpmn-sequence-flow",
    "messageFlow": "bpmn-message-flow",
    "association": "bpmn-association",
    "dataInputAssociation": "bpmn-data-association",
    "dataOutputAssociation": "bpmn-data-association",
    "message": "bpmn-message",
}


def css_class(kind):
    """The class of an element's group by its kind (``bpmn-task``, ``bpmn-event``, …)."""
    if kind in kinds.TASKS:
        return "bpmn-task"
    if kind == "callActivity":
        return "bpmn-call-activity"
    if kind in kinds.SUB_PROCESSES:
        return "bpmn-subprocess"
    if kind in kinds.EVENTS:
        return "bpmn-event"
    if kind in kinds.GATEWAYS:
        return "bpmn-gateway"
    return _CLASSES.get(kind, "bpmn-other")


def dom_id(ident: str | None) -> str:
    """The sanitised ``id`` of an element's group: ``el-`` and the BPMN id (``unnamed`` if none)."""
    return "el-" + re.sub(r"[^A-Za-z0-9_.-]", "_", ident or "unnamed")
