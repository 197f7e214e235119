"""What the process and compare pages show of a stored model, computed once: the drawn diagram
with its element list, and the validation report, kept in small LRUs by model sha256."""

import re

from markupsafe import Markup

from procex.core.lru import Lru
from procex.exchange.server.web.texts import T

_diagrams = Lru(64)
_reports = Lru(256)


def load_model(data, source):
    """The typed model of stored model bytes (already checked on publishing: no size limit)."""
    from procex.bpmn.model import Model

    return Model.from_bytes(data, source, max_bytes=None)


def diagram_view(store, row, diagram, lang, model=None, highlight=None, cache=True, title=None, id_prefix=""):
    """{"svg", "elements", "diagrams", "error"} for one stored version (rendered once, then cached).

    ``title`` is the diagram's accessible name (default: process and version); ``id_prefix`` starts
    its DOM ids, for pages that show two diagrams. Only the default drawing is cached."""
    from procex.bpmn.render import NoDiagramError, RenderError, element_list, render_svg

    key = (row.model_sha256, diagram, lang)
    cache = cache and highlight is None and title is None and not id_prefix
    if cache:
        found = _diagrams.get(key)
        if found is not None:
            return found
    if model is None:
        model = load_model(store.model(row.id), f"{row.publisher}/{row.slug}@{row.version}")
    view = {
        "svg": None,
        "elements": [],
        "diagrams": [d.name or d.id or str(i) for i, d in enumerate(model.diagrams)],
        "error": None,
        "number": diagram,
        "width": 0,
    }
    try:
        title = title or f"{row.publisher}/{row.slug} {row.version}"
        svg = render_svg(model, diagram=diagram, highlight=highlight, lang=lang, title=title, id_prefix=id_prefix)
        view["svg"] = Markup(svg)
        size = re.search(r'<svg [^>]*?width="([0-9.]+)"', svg[:600])
        view["width"] = float(size.group(1)) if size else 0
        view["elements"] = element_list(model, lang=lang, diagram=diagram)
    except RenderError as error:
        view["error"] = T[lang]["no_di"] if isinstance(error, NoDiagramError) else str(error)
        view["elements"] = _elements_without_diagram(model, lang)
    if cache:
        _diagrams.put(key, view)
    return view


def _elements_without_diagram(model, lang):
    """The element list of a model without diagram interchange: its flow nodes, in file order."""
    from procex.bpmn.render import type_label

    rows = []
    for node in model.flow_nodes:
        lane = node.lane
        rows.append((type_label(node.type, lang), node.name or "", lane.name if lane is not None and lane.name else ""))
    return rows


def validation_report(store, row):
    """The validation report of a stored model: schema and references, plus the recommended rules."""
    found = _reports.get(row.model_sha256)
    if found is not None:
        return found
    from procex.bpmn.errors import BpmnReadError

    try:
        from procex.bpmn.validate import validate_bytes

        report = validate_bytes(store.model(row.id), f"{row.slug}.bpmn", rules="recommended", max_bytes=None)
        result = {
            "ok": report.ok,
            "errors": report.errors,
            "warnings": report.warnings,
            "findings": [
                {"severity": f.severity, "code": f.code, "message": f.message, "line": f.line, "element": f.element}
                for f in report.findings[:200]
            ],
        }
    except (ImportError, BpmnReadError) as error:
        result = {"ok": None, "errors": 0, "warnings": 0, "findings": [], "unavailable": str(error)}
    return _reports.put(row.model_sha256, result)
