"""Artifacts and messages: text annotations, groups and message envelopes."""

from procex.bpmn.render.canvas import halo, rect
from procex.bpmn.render.geometry import num, replace_bounds
from procex.bpmn.render.labels import label_of, wrap_text
from procex.bpmn.render.style import LINE_HEIGHT, STROKE


def annotation(canvas, element, b):
    """A text annotation: an open bracket and its text, left-aligned."""
    x, y, w, h = b.x, b.y, b.width, b.height
    body = halo(b)
    body += (
        f'<path class="outline" d="M{num(x + 10)} {num(y)} L{num(x)} {num(y)} L{num(x)} {num(y + h)} '
        f'L{num(x + 10)} {num(y + h)}" fill="none" stroke="{STROKE}" stroke-width="1.5"/>'
    )
    lines = wrap_text(label_of(canvas.model, element, "textAnnotation"), w - 10)
    top = y + max(5.0, (h - len(lines) * LINE_HEIGHT) / 2)
    return body + canvas.text_block(lines, 0, top, anchor="start", x=x + 5)


def bpmn_group(canvas, di, element, b):
    """A group: a dash-dotted rounded rectangle named by its category value."""
    body = halo(b) + rect(b, rx=10, fill="none", dash="8 3 1 3")
    label = label_of(canvas.model, element, "group")
    if di.label_bounds is not None:
        return body + canvas.external_label(label, b, di.label_bounds)
    return body + canvas.centred_label(label, replace_bounds(b, height=min(b.height, 40)), valign="top")


def message(canvas, di, element, b):
    """A message drawn on a message flow: an envelope."""
    body = halo(b) + rect(b, stroke_width=1.2)
    body += (
        f'<polyline points="{num(b.x)},{num(b.y)} {num(b.x + b.width / 2)},{num(b.y + b.height * 0.55)} '
        f'{num(b.x + b.width)},{num(b.y)}" fill="none" stroke="{STROKE}" stroke-width="1.2"/>'
    )
    return body + canvas.external_label(element.name or "", b, di.label_bounds)
