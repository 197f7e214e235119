"""Pools and lanes: the rectangle, the name band and its (rotated) name; black-box pools show
their name in the middle."""

from procex.bpmn.render.canvas import halo, rect
from procex.bpmn.render.geometry import num, replace_bounds
from procex.bpmn.render.labels import esc, label_of, wrap_text
from procex.bpmn.render.style import FONT_FAMILY, FONT_SIZE, LINE_HEIGHT, POOL_HEADER, STROKE


def pool(canvas, di, element, b):
    """A pool (participant), horizontal unless the diagram says otherwise."""
    horizontal = di.is_horizontal is not False
    body = halo(b) + rect(b, fill="none", stroke_width=1.5)
    label = label_of(canvas.model, element, "participant")
    if element.el.get("processRef") is None:
        return body + canvas.centred_label(label, b)  # a black-box pool: name in the middle
    if horizontal:
        body += (
            f'<line x1="{num(b.x + POOL_HEADER)}" y1="{num(b.y)}" x2="{num(b.x + POOL_HEADER)}" '
            f'y2="{num(b.y + b.height)}" stroke="{STROKE}" stroke-width="1.5"/>'
        )
    else:
        body += (
            f'<line x1="{num(b.x)}" y1="{num(b.y + POOL_HEADER)}" x2="{num(b.x + b.width)}" '
            f'y2="{num(b.y + POOL_HEADER)}" stroke="{STROKE}" stroke-width="1.5"/>'
        )
    return body + _band_label(canvas, label, b, horizontal)


def lane(canvas, di, element, b):
    """A lane: a rectangle with its name band."""
    horizontal = di.is_horizontal is not False
    body = halo(b) + rect(b, fill="none", stroke_width=1)
    return body + _band_label(canvas, label_of(canvas.model, element, "lane"), b, horizontal)


def _band_label(canvas, text, b, horizontal):
    """Name of a pool or lane in its header band: rotated for horizontal ones."""
    if not text:
        return ""
    if horizontal:
        length = b.height - 10
        lines = wrap_text(text, length)
        height = len(lines) * LINE_HEIGHT
        cx = b.x + POOL_HEADER / 2
        cy = b.y + b.height / 2
        spans = "".join(
            f'<tspan x="{num(cx)}" y="{num(cy - height / 2 + FONT_SIZE * 0.9 + i * LINE_HEIGHT)}">{esc(line)}</tspan>'
            for i, line in enumerate(lines)
        )
        return (
            f'<text class="label" text-anchor="middle" transform="rotate(-90 {num(cx)} {num(cy)})" '
            f'font-family="{esc(FONT_FAMILY)}" font-size="{num(FONT_SIZE)}" fill="{STROKE}">{spans}</text>'
        )
    band = replace_bounds(b, height=POOL_HEADER)
    return canvas.centred_label(text, band, padding=3)
