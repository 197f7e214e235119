"""Markers inside shapes: event-definition icons, task-type icons and the activity markers at the
bottom of a task or sub-process (loop, multi-instance, compensation, collapsed, ad hoc).

Icons are drawn in a small local frame and placed by the caller with a transform.
"""

from procex.bpmn.render.geometry import num, spokes, star_points
from procex.bpmn.render.semantics import is_true
from procex.bpmn.render.style import STROKE
from procex.bpmn.xml import BPMN_NS

_BPMN = f"{{{BPMN_NS}}}"


# Event-definition icons that are one closed outline, filled when the event throws.
_OUTLINES = {
    "error": "M10 26 L14.5 11 L20 19 L25 10 L21.5 25 L16 17.5 Z",
    "escalation": "M18 9 L25 26 L18 20 L11 26 Z",
    "signal": "M18 8.5 L27 24.5 L9 24.5 Z",
    "link": "M9.5 15 L19 15 L19 10.5 L27 18 L19 25.5 L19 21 L9.5 21 Z",
    "compensate": "M9 18 L17.5 12 L17.5 24 Z M17.5 18 L26 12 L26 24 Z",
    "cancel": "M12 10 L18 16 L24 10 L26 12 L20 18 L26 24 L24 26 L18 20 L12 26 L10 24 L16 18 L10 12 Z",
}


def event_icon(kind, filled):
    """SVG of an event-definition icon in a 36x36 frame (event circle centred at 18,18)."""
    fill = STROKE if filled else "#fff"
    a = f'fill="{fill}" stroke="{STROKE}" stroke-width="1.5" stroke-linejoin="round"'
    if kind == "message":
        flap = "#fff" if filled else STROKE
        return (
            f'<rect x="9.5" y="12" width="17" height="12" {a}/>'
            f'<polyline points="9.5,12 18,18.5 26.5,12" fill="none" stroke="{flap}" stroke-width="1.5"/>'
        )
    if kind == "timer":
        ticks = spokes(18, 18, 8.5, 10.5, 12, f'stroke="{STROKE}" stroke-width="1"')
        return (
            f'<circle cx="18" cy="18" r="11" fill="#fff" stroke="{STROKE}" stroke-width="1.5"/>{ticks}'
            f'<polyline points="18,10.5 18,18 23,18" fill="none" stroke="{STROKE}" stroke-width="1.5"/>'
        )
    if kind in _OUTLINES:
        return f'<path d="{_OUTLINES[kind]}" {a}/>'
    if kind == "conditional":
        lines = "".join(
            f'<line x1="13" y1="{y}" x2="23" y2="{y}" stroke="{STROKE}" stroke-width="1.2"/>'
            for y in (13.5, 17, 20.5, 24)
        )
        return f'<rect x="11" y="10.5" width="14" height="16" fill="#fff" stroke="{STROKE}" stroke-width="1.5"/>{lines}'
    if kind == "terminate":
        return f'<circle cx="18" cy="18" r="11" fill="{STROKE}" stroke="{STROKE}"/>'
    if kind == "multiple":
        return f'<polygon points="{star_points(18, 18.5, 10)}" {a}/>'
    if kind == "parallelMultiple":
        return (
            f'<path d="M15.5 8 L20.5 8 L20.5 15.5 L28 15.5 L28 20.5 L20.5 20.5 L20.5 28 L15.5 28 '
            f'L15.5 20.5 L8 20.5 L8 15.5 L15.5 15.5 Z" fill="#fff" stroke="{STROKE}" stroke-width="1.5"/>'
        )
    return ""


_THIN = f'stroke="{STROKE}" stroke-width="1.2"'
_TASK_ICONS = {
    "userTask": (
        f'<path d="M1.5 16 C1.5 10 4 8.5 8 8.5 C12 8.5 14.5 10 14.5 16 Z" fill="#fff" {_THIN}/>'
        f'<circle cx="8" cy="4.5" r="3.5" fill="#fff" {_THIN}/>'
        f'<path d="M5 11.5 L5 16 M11 11.5 L11 16" fill="none" {_THIN}/>'
    ),
    "serviceTask": (
        spokes(8, 8, 4, 7.5, 8, f'stroke="{STROKE}" stroke-width="2.6"')
        + f'<circle cx="8" cy="8" r="5" fill="#fff" {_THIN}/><circle cx="8" cy="8" r="2" fill="#fff" {_THIN}/>'
    ),
    "sendTask": (
        f'<rect x="0.5" y="2.5" width="16" height="11" fill="{STROKE}" {_THIN}/>'
        '<polyline points="0.5,2.5 8.5,9 16.5,2.5" fill="none" stroke="#fff" stroke-width="1.2"/>'
    ),
    "receiveTask": (
        f'<rect x="0.5" y="2.5" width="16" height="11" fill="#fff" {_THIN}/>'
        f'<polyline points="0.5,2.5 8.5,9 16.5,2.5" fill="none" {_THIN}/>'
    ),
    "manualTask": (
        f'<path d="M1 8 L5 3.5 L6.5 4.5 L5 7 L15 7 L15 9 L10 9 M14.5 9 L14.5 11 L10 11 M14 11 '
        f'L14 13 L10 13 M13 13 L13 15 L3 15 L1 13 Z" fill="#fff" {_THIN}/>'
    ),
    "businessRuleTask": (
        f'<rect x="0.5" y="1.5" width="16" height="13" fill="#fff" {_THIN}/>'
        f'<rect x="0.5" y="1.5" width="16" height="3.5" fill="#9aa0a6" {_THIN}/>'
        f'<path d="M0.5 9.5 L16.5 9.5 M5 5 L5 14.5" fill="none" {_THIN}/>'
    ),
    "scriptTask": (
        f'<path d="M4 0.5 L15 0.5 C12 3.5 12 6 15 8.5 C18 11 17 14 14 16 L3 16 C6 13.5 6 11 3 8.5 '
        f'C0 6 1 2.5 4 0.5 Z" fill="#fff" {_THIN}/>'
        f'<path d="M5.5 4 L11.5 4 M6.5 7 L12.5 7 M7.5 10 L13.5 10 M6.5 13 L12.5 13" fill="none" {_THIN}/>'
    ),
}

_LINE = f'fill="none" stroke="{STROKE}" stroke-width="1.5"'
_BOTTOM_MARKERS = {
    "loop": (
        f'<path d="M3.5 11.5 A5.5 5.5 0 1 1 10.5 11.5" {_LINE}/><path d="M3.5 11.5 L0.5 9.5 M3.5 11.5 L4.5 8" {_LINE}/>'
    ),
    "parallel": f'<path d="M3 1 L3 13 M7 1 L7 13 M11 1 L11 13" fill="none" stroke="{STROKE}" stroke-width="2"/>',
    "sequential": f'<path d="M1 3 L13 3 M1 7 L13 7 M1 11 L13 11" fill="none" stroke="{STROKE}" stroke-width="2"/>',
    "compensation": (
        f'<path d="M0.5 7 L7 2 L7 12 Z M7 7 L13.5 2 L13.5 12 Z" fill="#fff" stroke="{STROKE}" stroke-width="1.2"/>'
    ),
    "collapsed": (
        f'<rect x="0.5" y="0.5" width="13" height="13" fill="#fff" stroke="{STROKE}" stroke-width="1.2"/>'
        f'<path d="M7 3 L7 11 M3 7 L11 7" {_LINE}/>'
    ),
    "adhoc": f'<path d="M1 8.5 C3 4 5.5 4 7 7 C8.5 10 11 10 13 5.5" {_LINE}/>',
}


def task_icon(kind):
    """SVG of a task-type icon in a 16x16 frame, drawn at the task's top-left corner ("" if none)."""
    return _TASK_ICONS.get(kind, "")


def bottom_marker(name):
    """SVG of an activity marker in a 14x14 frame (placed side by side at the bottom centre)."""
    return _BOTTOM_MARKERS.get(name, "")


def marker_names(element, kind, collapsed=False):
    """The bottom markers an activity shows, left to right."""
    names = []
    el = element.el
    loop = el.find(_BPMN + "standardLoopCharacteristics")
    mi = el.find(_BPMN + "multiInstanceLoopCharacteristics")
    if loop is not None:
        names.append("loop")
    elif mi is not None:
        names.append("sequential" if is_true(mi, "isSequential") else "parallel")
    if is_true(el, "isForCompensation"):
        names.append("compensation")
    if collapsed:
        names.append("collapsed")
    if kind == "adHocSubProcess":
        names.append("adhoc")
    return names


def activity_markers(element, kind, b, collapsed=False):
    """The bottom markers of an activity side by side, centred at the bottom of its bounds ``b``."""
    names = marker_names(element, kind, collapsed)
    if not names:
        return ""
    total = len(names) * 14 + (len(names) - 1) * 4
    x = b.x + (b.width - total) / 2
    y = b.y + b.height - 18
    out = []
    for name in names:
        out.append(
            f'<g class="marker marker-{name}" transform="translate({num(x)},{num(y)})">{bottom_marker(name)}</g>'
        )
        x += 18
    return "".join(out)
