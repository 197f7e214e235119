"""One BPMNShape as an element group: picks the drawing by the element's kind.

Unknown kinds (and shapes whose element is missing) get a dashed box, so nothing the diagram
holds disappears silently.
"""

from procex.bpmn import kinds
from procex.bpmn.render.activities import activity, sub_process
from procex.bpmn.render.artifacts import annotation, bpmn_group, message
from procex.bpmn.render.canvas import halo
from procex.bpmn.render.data import data_object, data_store
from procex.bpmn.render.events import event
from procex.bpmn.render.gateways import gateway
from procex.bpmn.render.geometry import num
from procex.bpmn.render.labels import label_of
from procex.bpmn.render.pools import lane, pool
from procex.bpmn.render.semantics import event_definitions
from procex.bpmn.render.style import STROKE
from procex.bpmn.render.vocabulary import definitions_suffix


def shape(canvas, di):
    """The group of one BPMNShape (empty when it has no bounds)."""
    element, kind = canvas.element_of(di)
    b = di.bounds
    if b is None:
        return canvas.group(di, kind, element, "")
    canvas.extent.add(b.x, b.y, b.x + b.width, b.y + b.height)
    if kind in kinds.TASKS or kind == "callActivity":
        body = activity(canvas, di, element, kind, b)
    elif kind in kinds.SUB_PROCESSES:
        body = sub_process(canvas, di, element, kind, b)
    elif kind in kinds.EVENTS:
        body = event(canvas, di, element, kind, b)
    elif kind in kinds.GATEWAYS:
        body = gateway(canvas, di, element, kind, b)
    elif kind in ("dataObjectReference", "dataObject", "dataInput", "dataOutput"):
        body = data_object(canvas, di, element, kind, b)
    elif kind in ("dataStoreReference", "dataStore"):
        body = data_store(canvas, di, element, b)
    elif kind == "participant":
        body = pool(canvas, di, element, b)
    elif kind == "lane":
        body = lane(canvas, di, element, b)
    elif kind == "textAnnotation":
        body = annotation(canvas, element, b)
    elif kind == "group":
        body = bpmn_group(canvas, di, element, b)
    elif kind == "message":
        body = message(canvas, di, element, b)
    else:
        body = (
            halo(b) + f'<rect class="outline" x="{num(b.x)}" y="{num(b.y)}" width="{num(b.width)}" '
            f'height="{num(b.height)}" fill="none" stroke="{STROKE}" stroke-dasharray="4 3"/>'
        )
        if element is not None:
            body += canvas.centred_label(label_of(canvas.model, element, kind), b)
    extra = definitions_suffix(event_definitions(element.el), canvas.lang) if kind in kinds.EVENTS else ""
    return canvas.group(di, kind, element, body, extra)
