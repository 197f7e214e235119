"""Draw a BPMN model as SVG from its diagram interchange (BPMNDI).

One renderer for `procex render`, the diff report and the library's web pages. It draws what the
model's BPMNDI says and invents nothing: a model without diagram interchange is refused.

Every BPMNShape and BPMNEdge becomes one ``<g>`` carrying ``data-element-id`` (the BPMN element
it draws), a sanitised ``id="el-…"``, a class by kind (``bpmn-task``, ``bpmn-event``, …) and a
``<title>``; ``highlight`` adds a CSS class per element id (``diff-added`` …). Arrowheads and
markers are drawn inside their group (no ``<marker>``), so a highlight colours them too. The
style sheet is embedded; shapes also carry presentation attributes so that converters without
CSS support (cairosvg) draw them right.

Modules: svg (the document, element list), shapes (which drawing per kind) with activities,
events, gateways, data, pools, artifacts; edges (flows); markers (icons); canvas (drawing state,
text placement, element groups); labels (text, metrics, wrapping); style; geometry; vocabulary
(German/English names); png and output (files).
"""

from procex.bpmn.render.errors import NoDiagramError, RenderError
from procex.bpmn.render.labels import text_width, wrap_text
from procex.bpmn.render.output import render_file
from procex.bpmn.render.png import svg_to_png
from procex.bpmn.render.style import dom_id
from procex.bpmn.render.svg import element_list, render_svg
from procex.bpmn.render.vocabulary import DEFINITION_LABELS, TYPE_LABELS, type_label

_dom_id = dom_id  # the diff report's name for it

__all__ = [
    "DEFINITION_LABELS",
    "NoDiagramError",
    "RenderError",
    "TYPE_LABELS",
    "dom_id",
    "element_list",
    "render_file",
    "render_svg",
    "svg_to_png",
    "text_width",
    "type_label",
    "wrap_text",
]
