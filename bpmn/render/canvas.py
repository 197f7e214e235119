"""The drawing of one diagram in progress: what it draws (model, diagram, highlights, language),
the extent drawn so far, the DOM ids handed out, and placing text and element groups.

Shapes (shapes.py) and flows (edges.py) draw onto a Canvas; svg.py assembles the document.
"""

from procex.bpmn.render.geometry import Extent, num
from procex.bpmn.render.labels import esc, fit_lines, label_of, line_height, text_width, wrap_text
from procex.bpmn.render.style import (
    EXTERNAL_LABEL_WIDTH,
    FONT_FAMILY,
    FONT_SIZE,
    LINE_HEIGHT,
    STROKE,
    css_class,
    dom_id,
)
from procex.bpmn.render.vocabulary import type_label

_FONT_FAMILY = esc(FONT_FAMILY)


class Canvas:
    """State shared by everything drawn in one diagram."""

    def __init__(self, model, diagram, highlight, lang, id_prefix=""):
        self.model = model
        self.id_prefix = id_prefix
        self.diagram = diagram
        self.highlight = highlight or {}
        self.lang = "en" if lang == "en" else "de"
        self.extent = Extent()
        self.dom_ids = set()
        self.shown = {s.bpmn_element for s in diagram.shapes if s.bpmn_element}

    def element_of(self, di):
        """The BPMN element a BPMNShape/BPMNEdge draws and its kind (None, None when unknown)."""
        element = self.model.get(di.bpmn_element) if di.bpmn_element else None
        return element, (element.type if element is not None else None)

    def is_expanded(self, di, element):
        """Whether a sub-process shape is drawn expanded (with its content)."""
        if di.is_expanded is not None:
            return di.is_expanded
        # Not stated: expanded when the diagram draws any of its children.
        return any(child.get("id") in self.shown for child in element.el)

    # text ------------------------------------------------------------------------------------
    def text_block(self, lines, cx, top, anchor="middle", x=None, size=FONT_SIZE, full_text=None):
        """``<text>`` with one ``<tspan>`` per line; ``top`` is the top of the first line.

        ``full_text`` (the whole label when ``lines`` were cut short) becomes the text's tooltip.
        """
        if not lines:
            return ""
        step = line_height(size)
        width = max(text_width(line, size) for line in lines)
        left = x if anchor == "start" else cx - width / 2
        self.extent.add(left, top, left + width, top + step * len(lines))
        tx = x if anchor == "start" else cx
        spans = []
        for i, line in enumerate(lines):
            y = top + size * 0.9 + i * step
            spans.append(f'<tspan x="{num(tx)}" y="{num(y)}">{esc(line)}</tspan>')
        tooltip = f"<title>{esc(full_text)}</title>" if full_text else ""
        return (
            f'<text class="label" text-anchor="{anchor}" font-family="{_FONT_FAMILY}" '
            f'font-size="{num(size)}" fill="{STROKE}">{tooltip}{"".join(spans)}</text>'
        )

    def centred_label(self, text, b, padding=5, valign="middle"):
        """Text fitted into the bounds ``b`` (wrapped, shrunk, at worst cut with the whole text as
        its tooltip), centred (or at the top) inside them."""
        lines, size, cut = fit_lines(text, b.width - 2 * padding, b.height - 2 * padding)
        height = len(lines) * line_height(size)
        top = b.y + padding if valign == "top" else b.y + (b.height - height) / 2
        return self.text_block(lines, b.x + b.width / 2, top, size=size, full_text=text if cut else None)

    def external_label(self, text, shape_bounds, label_bounds):
        """Label outside the shape: in its BPMNLabel bounds, else centred below the shape."""
        if not text:
            return ""
        if label_bounds is not None and label_bounds.width > 0:
            # The tool measured its own font; allow ours a little more room before re-wrapping.
            lines = wrap_text(text, max(label_bounds.width * 1.15 + 4, 24))
            height = len(lines) * LINE_HEIGHT
            top = label_bounds.y + max(0.0, (label_bounds.height - height) / 2)
            return self.text_block(lines, label_bounds.x + label_bounds.width / 2, top)
        lines = wrap_text(text, EXTERNAL_LABEL_WIDTH)
        return self.text_block(lines, shape_bounds.x + shape_bounds.width / 2, shape_bounds.y + shape_bounds.height + 5)

    # the element's group --------------------------------------------------------------------
    def group(self, di, kind, element, body, title_extra=""):
        """The ``<g>`` of one drawn element: unique DOM id, classes (kind, highlight), tooltip."""
        ref = di.bpmn_element
        dom = self.id_prefix + dom_id(ref or di.id)
        if dom in self.dom_ids:
            n = 2
            while f"{dom}-{n}" in self.dom_ids:
                n += 1
            dom = f"{dom}-{n}"
        self.dom_ids.add(dom)
        classes = [css_class(kind)]
        extra = self.highlight.get(ref)
        if extra:
            classes.append(extra)
        name = label_of(self.model, element, kind) if element is not None else ""
        title = type_label(kind, self.lang) + title_extra + (f": {name}" if name else "")
        if element is None:
            title += f" ({ref or di.id})"
        return (
            f'<g class="{" ".join(esc(c) for c in classes)}" id="{esc(dom)}" '
            f'data-element-id="{esc(ref or "")}" data-kind="{esc(kind or "unknown")}">'
            f"<title>{esc(title)}</title>{body}{diff_badge(extra, di) if extra else ''}</g>"
        )


# --- primitives every shape uses ------------------------------------------------------------------
def halo(b, shape="rect"):
    """The invisible outline around a shape that a highlight (diff, search) colours."""
    pad = 5
    if shape == "circle":
        return (
            f'<circle class="halo" cx="{num(b.x + b.width / 2)}" cy="{num(b.y + b.height / 2)}" '
            f'r="{num(min(b.width, b.height) / 2 + pad)}" fill="none" stroke="none"/>'
        )
    return (
        f'<rect class="halo" x="{num(b.x - pad)}" y="{num(b.y - pad)}" width="{num(b.width + 2 * pad)}" '
        f'height="{num(b.height + 2 * pad)}" rx="6" fill="none" stroke="none"/>'
    )


def rect(b, rx=0, stroke_width=1.5, fill="#fff", dash=None, cls="outline"):
    """The rectangle of the bounds ``b`` (tasks, sub-processes, pools, lanes, groups)."""
    dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
    return (
        f'<rect class="{cls}" x="{num(b.x)}" y="{num(b.y)}" width="{num(b.width)}" height="{num(b.height)}" '
        f'rx="{num(rx)}" fill="{fill}" stroke="{STROKE}" stroke-width="{num(stroke_width)}"{dash_attr}/>'
    )


# The sign beside a highlighted element, so that the kind of change does not rest on colour alone:
# plus (added), minus (removed), "not equal" (changed), a diagonal double arrow (layout only).
BADGE_SIGNS = {
    "diff-added": "M-4.5 0H4.5M0-4.5V4.5",
    "diff-removed": "M-4.5 0H4.5",
    "diff-changed": "M-4.5-2H4.5M-4.5 2H4.5M2-5L-2 5",
    "diff-layout": "M-4 4L4-4M0.5-4H4V-0.5M-4 0.5V4H-0.5",
}


def diff_badge(css, di):
    """The sign of a diff mark at the top-left corner of a shape (the start of a flow)."""
    sign = BADGE_SIGNS.get(css)
    if sign is None:
        return ""
    b = getattr(di, "bounds", None)
    if b is not None:
        x, y = b.x, b.y
    elif getattr(di, "waypoints", None):
        x, y = di.waypoints[0]
    else:
        return ""
    return (
        f'<g class="diff-badge" transform="translate({num(x)},{num(y)})" aria-hidden="true">'
        f'<circle r="8.5" stroke="#fff" stroke-width="1.5"/>'
        f'<path d="{sign}" fill="none" stroke="#fff" stroke-width="2" stroke-linecap="round"/></g>'
    )
