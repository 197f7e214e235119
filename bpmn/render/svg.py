"""The SVG document of one diagram, and its text alternative (the list of drawn elements).

Shapes are drawn in layers, bottom to top: pools, lanes, expanded sub-processes (larger first),
other nodes, flows, then boundary events, groups and annotations; the viewBox is what was drawn
plus a margin.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING

from procex.bpmn import kinds
from procex.bpmn.render.canvas import Canvas
from procex.bpmn.render.edges import edge
from procex.bpmn.render.errors import NoDiagramError, RenderError
from procex.bpmn.render.geometry import num
from procex.bpmn.render.labels import esc, label_of
from procex.bpmn.render.semantics import event_definitions
from procex.bpmn.render.shapes import shape

if TYPE_CHECKING:
    from procex.bpmn.model import Model
from procex.bpmn.render.style import MARGIN, STYLE
from procex.bpmn.render.vocabulary import definitions_suffix, type_label

_LAYERS = ("pool", "lane", "group-sub", "node", "edge", "boundary", "top")


def _diagram(model, diagram):
    """Diagram number ``diagram`` of ``model``; an error when there is none or no such one."""
    where = model.source or "the model"
    if not model.diagrams:
        raise NoDiagramError(
            f"{where} has no diagram interchange (BPMNDI); procex does not invent a layout: "
            "open it in a modelling tool, lay it out and save it with its diagram"
        )
    if not 0 <= diagram < len(model.diagrams):
        raise RenderError(
            f"{where} has {len(model.diagrams)} diagram(s); choose --diagram 0 to {len(model.diagrams) - 1}"
        )
    return model.diagrams[diagram]


def _layer(canvas, di):
    """The layer a BPMNShape is drawn in."""
    element, kind = canvas.element_of(di)
    if kind == "participant":
        return "pool"
    if kind == "lane":
        return "lane"
    if di.bounds is not None and (
        kind in kinds.SUB_PROCESSES and canvas.is_expanded(di, element) or kind == "callActivity" and di.is_expanded
    ):
        return "group-sub"
    if kind == "boundaryEvent":
        return "boundary"
    if kind in ("group", "textAnnotation"):
        return "top"
    return "node"


def _document(canvas, title):
    layers = {k: [] for k in _LAYERS}
    for di in canvas.diagram.shapes:
        layers[_layer(canvas, di)].append(di)
    # Larger expanded sub-processes first, so nested ones are drawn over their parents.
    layers["group-sub"].sort(key=lambda s: -(s.bounds.width * s.bounds.height))
    parts = []
    for layer in ("pool", "lane", "group-sub", "node"):
        parts.extend(shape(canvas, di) for di in layers[layer])
    parts.extend(edge(canvas, di) for di in canvas.diagram.edges)
    parts.extend(shape(canvas, di) for di in layers["boundary"] + layers["top"])
    e = canvas.extent
    if e.x0 == math.inf:
        e.add(0, 0, 100, 100)
    x0, y0 = e.x0 - MARGIN, e.y0 - MARGIN
    width, height = e.x1 - e.x0 + 2 * MARGIN, e.y1 - e.y0 + 2 * MARGIN
    model, diagram = canvas.model, canvas.diagram
    doc_title = title or diagram.name or model.definitions.name or (model.source or "BPMN")
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="bpmn-diagram" role="img" '
        f'aria-labelledby="{esc(canvas.id_prefix)}diagram-title" '
        f'viewBox="{num(x0)} {num(y0)} {num(width)} {num(height)}" '
        f'width="{num(width)}" height="{num(height)}" data-diagram-id="{esc(diagram.id or "")}">'
        f'<title id="{esc(canvas.id_prefix)}diagram-title">{esc(doc_title)}</title>'
        f"<style>{STYLE}</style>"
        f'<rect x="{num(x0)}" y="{num(y0)}" width="{num(width)}" height="{num(height)}" fill="#fff"/>'
        + "".join(parts)
        + "</svg>"
    )


def render_svg(
    model: Model,
    diagram: int = 0,
    highlight: Mapping[str, str] | None = None,
    lang: str = "de",
    title: str | None = None,
    id_prefix: str = "",
) -> str:
    """The diagram number ``diagram`` of ``model`` as an SVG document (str).

    ``highlight`` maps element ids to an extra CSS class for their group (``diff-added``,
    ``diff-removed``, ``diff-changed``, ``diff-layout``); ``lang`` ("de"/"en") sets the language
    of the tooltips; ``title`` the SVG's title (default: the diagram's or the model's name);
    ``id_prefix`` starts every DOM id, so that several diagrams in one page keep their ids unique.
    """
    return _document(Canvas(model, _diagram(model, diagram), highlight, lang, id_prefix), title)


def element_list(model, lang="de", diagram=0):
    """Text alternative of a diagram: ``[(type label, name, lane)]`` of its nodes, left to right.

    Lists the flow nodes, data and annotations drawn in the diagram (not pools, lanes, flows);
    ``lane`` is the innermost lane's name, else the pool's, else "".
    """
    chosen = _diagram(model, diagram)
    lang = "en" if lang == "en" else "de"
    rows = []
    for di in chosen.shapes:
        element = model.get(di.bpmn_element) if di.bpmn_element else None
        if element is None or element.type in ("participant", "lane", "group", "message"):
            continue
        kind = element.type
        label = type_label(kind, lang)
        if kind in kinds.EVENTS:
            label += definitions_suffix(event_definitions(element.el), lang)
        lane = element.lane
        where = lane.name if lane is not None and lane.name else ""
        if not where:
            process = element.process
            pool = process.participant if process is not None else None
            where = (pool.name or "") if pool is not None else ""
        b = di.bounds
        key = (b.x, b.y) if b is not None else (math.inf, math.inf)
        rows.append((key, (label, label_of(model, element, kind).replace("\n", " "), where)))
    rows.sort(key=lambda r: r[0])
    return [row for _, row in rows]
