"""Events: the circle (thin, thick or double by kind, dashed when non-interrupting), the icon of
its event definition (filled when throwing) and the label outside."""

from procex.bpmn.render.canvas import halo
from procex.bpmn.render.geometry import num
from procex.bpmn.render.labels import label_of
from procex.bpmn.render.markers import event_icon
from procex.bpmn.render.semantics import event_definitions, is_true
from procex.bpmn.render.style import STROKE


def event(canvas, di, element, kind, b):
    """Any start, intermediate, boundary or end event."""
    cx, cy = b.x + b.width / 2, b.y + b.height / 2
    r = min(b.width, b.height) / 2
    el = element.el
    dash = ""
    if kind == "boundaryEvent" and (el.get("cancelActivity") or "").strip() == "false":
        dash = ' stroke-dasharray="5.5 3"'
    if kind == "startEvent" and (el.get("isInterrupting") or "").strip() == "false":
        dash = ' stroke-dasharray="5.5 3"'
    width = {"startEvent": 2, "endEvent": 4}.get(kind, 1.5)
    body = halo(b, "circle")
    body += (
        f'<circle class="outline" cx="{num(cx)}" cy="{num(cy)}" r="{num(r)}" fill="#fff" '
        f'stroke="{STROKE}" stroke-width="{width}"{dash}/>'
    )
    if kind in ("intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent", "implicitThrowEvent"):
        body += (
            f'<circle class="outline" cx="{num(cx)}" cy="{num(cy)}" r="{num(max(r - 3, 1))}" fill="none" '
            f'stroke="{STROKE}" stroke-width="1.5"{dash}/>'
        )
    defs = event_definitions(el)
    if len(defs) > 1:
        parallel = is_true(el, "parallelMultiple")
        defs = ["parallelMultiple" if parallel else "multiple"]
    if defs:
        filled = kind in ("endEvent", "intermediateThrowEvent", "implicitThrowEvent")
        icon = event_icon(defs[0], filled)
        if icon:
            scale = r / 18
            body += (
                f'<g class="event-icon icon-{defs[0]}" transform="translate({num(cx - 18 * scale)},'
                f'{num(cy - 18 * scale)}) scale({num(scale)})">{icon}</g>'
            )
    return body + canvas.external_label(label_of(canvas.model, element, kind), b, di.label_bounds)
