"""Sequence, message and data flows: the line, its arrowhead or start decoration (conditional
diamond, default slash, message circle) and its label."""

from procex.bpmn import kinds
from procex.bpmn.render.geometry import dedupe, midpoint_segment, num, unit
from procex.bpmn.render.labels import wrap_text
from procex.bpmn.render.style import EXTERNAL_LABEL_WIDTH, LINE_HEIGHT, STROKE
from procex.bpmn.xml import BPMN_NS

_BPMN = f"{{{BPMN_NS}}}"


def edge(canvas, di):
    """The group of one BPMNEdge: its line by flow kind, decorations and name."""
    element, kind = canvas.element_of(di)
    points = dedupe(di.waypoints)
    if len(points) < 2:
        return canvas.group(di, kind, element, "")
    for x, y in points:
        canvas.extent.add(x, y, x, y)
    d = "M" + " L".join(f"{num(x)} {num(y)}" for x, y in points)
    body = ""
    style = f'fill="none" stroke="{STROKE}" stroke-width="1.5" stroke-linejoin="round"'
    # a wide invisible stroke makes thin lines easy to hit, and carries the highlight halo
    halo = f'<path class="halo" d="{d}" fill="none" stroke="none" stroke-linejoin="round"/>'
    if kind == "sequenceFlow":
        body += halo + f'<path class="line" d="{d}" {style}/>'
        body += _arrowhead(points[-2], points[-1], filled=True)
        source = element.source
        if (
            source is not None
            and element.el.find(_BPMN + "conditionExpression") is not None
            and source.type in kinds.ACTIVITIES
        ):
            body += _start_diamond(points[0], points[1])
        if source is not None and kinds.local_ref(source.el.get("default") or "") == element.id:
            body += _default_slash(points[0], points[1])
    elif kind == "messageFlow":
        body += halo + f'<path class="line" d="{d}" {style} stroke-dasharray="10 5"/>'
        body += _start_circle(points[0], points[1])
        body += _arrowhead(points[-2], points[-1], filled=False)
    elif kind in ("association", "dataInputAssociation", "dataOutputAssociation"):
        body += halo + f'<path class="line" d="{d}" {style} stroke-dasharray="2 4" stroke-linecap="round"/>'
        direction = (element.el.get("associationDirection") or "None") if kind == "association" else "One"
        if direction in ("One", "Both"):
            body += _open_arrow(points[-2], points[-1])
        if direction == "Both":
            body += _open_arrow(points[1], points[0])
    else:
        body += halo + f'<path class="line" d="{d}" {style}/>'
    name = element.name if element is not None else ""
    if name:
        body += edge_label(canvas, name, points, di.label_bounds)
    return canvas.group(di, kind, element, body)


def edge_label(canvas, text, points, label_bounds):
    """A flow's name: in its BPMNLabel bounds, else beside the middle of the line."""
    if label_bounds is not None and label_bounds.width > 0:
        return canvas.external_label(text, None, label_bounds)
    # no label bounds: beside the middle of the line
    (x0, y0), (x1, y1) = midpoint_segment(points)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    lines = wrap_text(text, EXTERNAL_LABEL_WIDTH)
    return canvas.text_block(lines, cx + 4, cy - 4 - len(lines) * LINE_HEIGHT)


def _arrowhead(before, tip, filled):
    """A closed arrowhead at ``tip`` (filled for sequence flows, open for message flows)."""
    ux, uy = unit(before, tip)
    length, half = 11.0, 3.8
    bx, by = tip[0] - ux * length, tip[1] - uy * length
    p1 = (bx - uy * half, by + ux * half)
    p2 = (bx + uy * half, by - ux * half)
    fill = STROKE if filled else "#fff"
    cls = "head" if filled else "head-open"
    return (
        f'<polygon class="{cls}" points="{num(tip[0])},{num(tip[1])} {num(p1[0])},{num(p1[1])} '
        f'{num(p2[0])},{num(p2[1])}" fill="{fill}" stroke="{STROKE}" stroke-width="1" stroke-linejoin="round"/>'
    )


def _open_arrow(before, tip):
    """The open V arrowhead of a directed association."""
    ux, uy = unit(before, tip)
    length, half = 10.0, 5.0
    bx, by = tip[0] - ux * length, tip[1] - uy * length
    return (
        f'<polyline class="line" points="{num(bx - uy * half)},{num(by + ux * half)} {num(tip[0])},{num(tip[1])} '
        f'{num(bx + uy * half)},{num(by - ux * half)}" fill="none" stroke="{STROKE}" stroke-width="1.5"/>'
    )


def _start_diamond(start, nxt):
    """The diamond at the source of a conditional flow leaving an activity."""
    ux, uy = unit(start, nxt)
    half_len, half_w = 7.0, 4.5
    mx, my = start[0] + ux * half_len, start[1] + uy * half_len
    pts = [
        start,
        (mx - uy * half_w, my + ux * half_w),
        (start[0] + ux * 2 * half_len, start[1] + uy * 2 * half_len),
        (mx + uy * half_w, my - ux * half_w),
    ]
    return (
        '<polygon class="head-open conditional-marker" points="'
        + " ".join(f"{num(x)},{num(y)}" for x, y in pts)
        + f'" fill="#fff" stroke="{STROKE}" stroke-width="1.2"/>'
    )


def _default_slash(start, nxt):
    """The slash near the source of a default flow."""
    ux, uy = unit(start, nxt)
    # a short stroke across the line near its source, tilted 45 degrees
    cx, cy = start[0] + ux * 11, start[1] + uy * 11
    ax, ay = (ux - uy) * 5, (uy + ux) * 5
    return (
        f'<line class="line default-marker" x1="{num(cx - ax)}" y1="{num(cy - ay)}" x2="{num(cx + ax)}" '
        f'y2="{num(cy + ay)}" stroke="{STROKE}" stroke-width="1.5"/>'
    )


def _start_circle(start, nxt):
    """The small circle at the source of a message flow."""
    ux, uy = unit(start, nxt)
    r = 3.5
    return (
        f'<circle class="head-open" cx="{num(start[0] + ux * r)}" cy="{num(start[1] + uy * r)}" r="{num(r)}" '
        f'fill="#fff" stroke="{STROKE}" stroke-width="1.2"/>'
    )
