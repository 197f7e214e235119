"""Activities: tasks (with their type icon), call activities and sub-processes (plain, event,
ad hoc, transaction; collapsed or expanded), each with its bottom markers."""

from procex.bpmn import kinds
from procex.bpmn.render.canvas import halo, rect
from procex.bpmn.render.geometry import num, replace_bounds
from procex.bpmn.render.labels import fit_lines, label_of, line_height
from procex.bpmn.render.markers import activity_markers, marker_names, task_icon
from procex.bpmn.render.semantics import is_true


def activity(canvas, di, element, kind, b):
    """A task or call activity (thick border); an expanded call activity shows its content."""
    stroke = 4 if kind == "callActivity" else 1.5
    if kind == "callActivity" and di.is_expanded:
        # an expanded call activity shows the called process inside it, like a sub-process
        body = halo(b) + rect(b, rx=10, stroke_width=stroke, fill="none")
        body += activity_markers(element, kind, b)
        return body + canvas.centred_label(
            label_of(canvas.model, element, kind), replace_bounds(b, height=min(b.height, 60)), valign="top"
        )
    body = halo(b) + rect(b, rx=10, stroke_width=stroke)
    icon = task_icon(kind)
    if icon:
        body += f'<g class="task-icon" transform="translate({num(b.x + 6)},{num(b.y + 6)})">{icon}</g>'
    collapsed = kind == "callActivity" and di.is_expanded is not True and _calls_process(canvas.model, element)
    body += activity_markers(element, kind, b, collapsed=collapsed)
    bottom = 14 if marker_names(element, kind, collapsed) else 0
    label = label_of(canvas.model, element, kind)
    box = replace_bounds(b, height=b.height - bottom)
    if icon and _reaches_icon(label, box):
        # Below the type icon, never over it: the font shrinks there if the lines must.
        top = ICON_CLEAR - LABEL_PADDING
        box = replace_bounds(b, y=b.y + top, height=b.height - top - bottom)
    return body + canvas.centred_label(label, box)


# Where a label's first line box may start: the icon's top margin and size (6 + 16) less the room
# above a capital letter in the line box (about 0.18 of the font size)
ICON_CLEAR = 21
LABEL_PADDING = 5  # canvas.centred_label's padding


def _reaches_icon(label, box):
    """Whether the label, centred in the whole task as modelling tools draw it, would start higher
    than the bottom of the type icon (three lines and more do)."""
    lines, size, _ = fit_lines(label, box.width - 2 * LABEL_PADDING, box.height - 2 * LABEL_PADDING)
    return (box.height - len(lines) * line_height(size)) / 2 < ICON_CLEAR


def _calls_process(model, element):
    """Whether a call activity calls a process of this model (drawn collapsed with a plus)."""
    ref = element.el.get("calledElement")
    target = model.get(kinds.local_ref(ref)) if ref else None
    return target is not None and target.type == "process"


def sub_process(canvas, di, element, kind, b):
    """A sub-process, event sub-process (dotted), ad-hoc sub-process or transaction (double)."""
    expanded = canvas.is_expanded(di, element)
    event_sub = is_true(element.el, "triggeredByEvent")
    body = halo(b) + rect(
        b, rx=10, stroke_width=1.5, fill="#fff" if not expanded else "none", dash="2 3" if event_sub else None
    )
    if kind == "transaction":
        inner = replace_bounds(b, x=b.x + 3, y=b.y + 3, width=b.width - 6, height=b.height - 6)
        body += rect(inner, rx=8, stroke_width=1.2, fill="none", cls="outline-inner")
    body += activity_markers(element, kind, b, collapsed=not expanded)
    label = label_of(canvas.model, element, kind)
    if expanded:
        body += canvas.centred_label(label, replace_bounds(b, height=min(b.height, 60)), valign="top")
    else:
        body += canvas.centred_label(label, replace_bounds(b, height=b.height - 14))
    return body
