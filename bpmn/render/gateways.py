"""Gateways: the diamond and the marker of its kind (exclusive, parallel, inclusive, complex,
event-based), drawn in a 50x50 frame scaled to the shape."""

from procex.bpmn.render.canvas import halo
from procex.bpmn.render.geometry import num, star_points
from procex.bpmn.render.labels import label_of
from procex.bpmn.render.semantics import is_true
from procex.bpmn.render.style import STROKE


def gateway(canvas, di, element, kind, b):
    """Any gateway; an exclusive one without its X when the diagram hides the marker."""
    cx, cy = b.x + b.width / 2, b.y + b.height / 2
    points = f"{num(cx)},{num(b.y)} {num(b.x + b.width)},{num(cy)} {num(cx)},{num(b.y + b.height)} {num(b.x)},{num(cy)}"
    body = halo(b)
    body += f'<polygon class="outline" points="{points}" fill="#fff" stroke="{STROKE}" stroke-width="1.5"/>'
    s = min(b.width, b.height) / 50
    inner = ""
    line = f'fill="none" stroke="{STROKE}" stroke-width="3.5" stroke-linecap="butt"'
    if kind == "exclusiveGateway" and di.is_marker_visible is not False:
        inner = f'<path d="M17 17 L33 33 M33 17 L17 33" {line}/>'
    elif kind == "parallelGateway":
        inner = f'<path d="M25 12 L25 38 M12 25 L38 25" {line}/>'
    elif kind == "inclusiveGateway":
        inner = f'<circle cx="25" cy="25" r="11" fill="none" stroke="{STROKE}" stroke-width="2.5"/>'
    elif kind == "complexGateway":
        inner = (
            '<path d="M25 12 L25 38 M12 25 L38 25 M16 16 L34 34 M34 16 L16 34" '
            f'fill="none" stroke="{STROKE}" stroke-width="3"/>'
        )
    elif kind == "eventBasedGateway":
        el = element.el
        parallel = (el.get("eventGatewayType") or "").strip() == "Parallel"
        instantiate = is_true(el, "instantiate")
        inner = f'<circle cx="25" cy="25" r="12.5" fill="none" stroke="{STROKE}" stroke-width="1.2"/>'
        if not instantiate:
            inner += f'<circle cx="25" cy="25" r="10" fill="none" stroke="{STROKE}" stroke-width="1.2"/>'
        if parallel:
            inner += (
                f'<path d="M23 17 L27 17 L27 23 L33 23 L33 27 L27 27 L27 33 L23 33 L23 27 L17 27 '
                f'L17 23 L23 23 Z" fill="none" stroke="{STROKE}" stroke-width="1.2"/>'
            )
        else:
            inner += (
                f'<polygon points="{star_points(25, 25.5, 6.5)}" fill="none" stroke="{STROKE}" stroke-width="1.3"/>'
            )
    if inner:
        body += f'<g class="gateway-marker" transform="translate({num(b.x)},{num(b.y)}) scale({num(s)})">{inner}</g>'
    return body + canvas.external_label(label_of(canvas.model, element, kind), b, di.label_bounds)
