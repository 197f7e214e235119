"""Data: data objects (with input/output arrow and collection marker) and data stores."""

from procex.bpmn import kinds
from procex.bpmn.render.canvas import halo
from procex.bpmn.render.geometry import num
from procex.bpmn.render.labels import label_of
from procex.bpmn.render.semantics import is_true
from procex.bpmn.render.style import STROKE


def data_object(canvas, di, element, kind, b):
    """A data object (reference), data input or data output: a page with a folded corner."""
    fold = min(b.width, b.height) * 0.28
    x, y, w, h = b.x, b.y, b.width, b.height
    d = (
        f"M{num(x)} {num(y)} L{num(x + w - fold)} {num(y)} L{num(x + w)} {num(y + fold)} "
        f"L{num(x + w)} {num(y + h)} L{num(x)} {num(y + h)} Z"
    )
    body = halo(b)
    body += f'<path class="outline" d="{d}" fill="#fff" stroke="{STROKE}" stroke-width="1.5" stroke-linejoin="round"/>'
    body += (
        f'<path d="M{num(x + w - fold)} {num(y)} L{num(x + w - fold)} {num(y + fold)} L{num(x + w)} '
        f'{num(y + fold)}" fill="none" stroke="{STROKE}" stroke-width="1.5"/>'
    )
    if kind in ("dataInput", "dataOutput"):
        fill = "#fff" if kind == "dataInput" else STROKE
        body += (
            f'<path class="data-{kind[4:].lower()}" transform="translate({num(x + 3)},{num(y + 3)})" '
            'd="M0 3.5 L7 3.5 L7 0.5 L12 5.5 L7 10.5 L7 7.5 L0 7.5 Z" '
            f'fill="{fill}" stroke="{STROKE}" stroke-width="1"/>'
        )
    if _is_collection(canvas.model, element, kind):
        bx = x + w / 2 - 6
        by = y + h - 12
        body += (
            f'<path class="marker marker-collection" d="M{num(bx + 1)} {num(by)} L{num(bx + 1)} {num(by + 10)} '
            f"M{num(bx + 6)} {num(by)} L{num(bx + 6)} {num(by + 10)} M{num(bx + 11)} {num(by)} "
            f'L{num(bx + 11)} {num(by + 10)}" fill="none" stroke="{STROKE}" stroke-width="2"/>'
        )
    return body + canvas.external_label(label_of(canvas.model, element, kind), b, di.label_bounds)


def _is_collection(model, element, kind):
    """Whether the data is a collection (itself, or the data object a reference points to)."""
    el = element.el
    if is_true(el, "isCollection"):
        return True
    if kind == "dataObjectReference":
        ref = el.get("dataObjectRef")
        target = model.get(kinds.local_ref(ref)) if ref else None
        return target is not None and is_true(target.el, "isCollection")
    return False


def data_store(canvas, di, element, b):
    """A data store (reference): a cylinder."""
    x, y, w, h = b.x, b.y, b.width, b.height
    ry = min(h * 0.12, 8)
    body = halo(b)
    body += (
        f'<path class="outline" d="M{num(x)} {num(y + ry)} L{num(x)} {num(y + h - ry)} '
        f"A{num(w / 2)} {num(ry)} 0 0 0 {num(x + w)} {num(y + h - ry)} L{num(x + w)} {num(y + ry)} "
        f'A{num(w / 2)} {num(ry)} 0 0 0 {num(x)} {num(y + ry)} Z" fill="#fff" stroke="{STROKE}" stroke-width="1.5"/>'
    )
    for k in (0, 1, 2):
        yy = y + ry + k * ry * 0.7
        body += (
            f'<path d="M{num(x)} {num(yy)} A{num(w / 2)} {num(ry)} 0 0 0 {num(x + w)} {num(yy)}" '
            f'fill="none" stroke="{STROKE}" stroke-width="1.5"/>'
        )
    return body + canvas.external_label(label_of(canvas.model, element, "dataStoreReference"), b, di.label_bounds)
