"""Pools and lanes: the rectangle, the name band and its (rotated) name; black-box pools show
their name in the middle."""

from procex.bpmn.render.canvas import halo, rect
from procex.bpmn.render.geometry import num, replace_bounds
from procex.bpmn.render.labels import esc, fit_lines, label_of, line_height
from procex.bpmn.render.style import FONT_FAMILY, POOL_HEADER, STROKE


def pool(canvas, di, element, b):
    """A pool (participant), horizontal unless the diagram says otherwise."""
    horizontal = di.is_horizontal is not False
    body = halo(b) + rect(b, fill="none", stroke_width=1.5)
    label = label_of(canvas.model, element, "participant")
    if element.el.get("processRef") is None:
        return body + canvas.centred_label(label, b)  # a black-box pool: name in the middle
    body += _band(b, horizontal)
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
    body = halo(b) + _band(b, horizontal) + rect(b, fill="none", stroke_width=1)
    return body + _band_label(canvas, label_of(canvas.model, element, "lane"), b, horizontal)


def _band(b, horizontal):
    """The name band of a pool or lane, unfilled: a diff mark colours the band (and the outline),
    never the whole area, so that the marks of the elements inside stay visible."""
    band = replace_bounds(b, width=POOL_HEADER) if horizontal else replace_bounds(b, height=POOL_HEADER)
    return rect(band, fill="none", stroke_width=0, cls="band").replace(f' stroke="{STROKE}"', ' stroke="none"')


def _band_label(canvas, text, b, horizontal):
    """Name of a pool or lane in its header band: rotated for horizontal ones, fitted inside the
    band (shrunk, at worst cut with the whole name as its tooltip)."""
    if not text:
        return ""
    if horizontal:
        lines, size, cut = fit_lines(text, b.height - 10, POOL_HEADER - 4)
        step = line_height(size)
        height = len(lines) * step
        cx = b.x + POOL_HEADER / 2
        cy = b.y + b.height / 2
        spans = "".join(
            f'<tspan x="{num(cx)}" y="{num(cy - height / 2 + size * 0.9 + i * step)}">{esc(line)}</tspan>'
            for i, line in enumerate(lines)
        )
        tooltip = f"<title>{esc(text)}</title>" if cut else ""
        return (
            f'<text class="label" text-anchor="middle" transform="rotate(-90 {num(cx)} {num(cy)})" '
            f'font-family="{esc(FONT_FAMILY)}" font-size="{num(size)}" fill="{STROKE}">{tooltip}{spans}</text>'
        )
    band = replace_bounds(b, height=POOL_HEADER)
    return canvas.centred_label(text, band, padding=3)
