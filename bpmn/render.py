"""Draw a BPMN model as SVG from its diagram interchange (BPMNDI).

One renderer for `procex render`, the diff report and the library's web pages. It draws what the
model's BPMNDI says and invents nothing: a model without diagram interchange is refused.

Every BPMNShape and BPMNEdge becomes one ``<g>`` carrying ``data-element-id`` (the BPMN element
it draws), a sanitised ``id="el-…"``, a class by kind (``bpmn-task``, ``bpmn-event``, …) and a
``<title>``; ``highlight`` adds a CSS class per element id (``diff-added`` …). Arrowheads and
markers are drawn inside their group (no ``<marker>``), so a highlight colours them too. The
style sheet is embedded; shapes also carry presentation attributes so that converters without
CSS support (cairosvg) draw them right.
"""
import math
import re
from html import escape

from . import kinds
from .errors import ProcexError
from .xml import BPMN_NS, local_name

_BPMN = "{%s}" % BPMN_NS

FONT_SIZE = 12.0
LINE_HEIGHT = 14.0
FONT_FAMILY = "Arial, Helvetica, 'Liberation Sans', sans-serif"
MARGIN = 20.0
EXTERNAL_LABEL_WIDTH = 90.0   # bpmn.io wraps labels of events, gateways and data at 90 px
POOL_HEADER = 30.0            # width of the name band of pools and lanes

STROKE = "#22242a"


class RenderError(ProcexError):
    """A model cannot be drawn: no diagram interchange, or no diagram with the asked number."""


class NoDiagramError(RenderError):
    """The model has no BPMNDI; procex draws only the layout the modelling tool stored."""


# --- text metrics -------------------------------------------------------------------------------
# Advance widths of Helvetica/Arial in 1/1000 em (the standard AFM metrics of the font).
_AFM = {
    " ": 278, "!": 278, '"': 355, "#": 556, "$": 556, "%": 889, "&": 667, "'": 191, "(": 333,
    ")": 333, "*": 389, "+": 584, ",": 278, "-": 333, ".": 278, "/": 278, ":": 278, ";": 278,
    "<": 584, "=": 584, ">": 584, "?": 556, "@": 1015, "A": 667, "B": 667, "C": 722, "D": 722,
    "E": 667, "F": 611, "G": 778, "H": 722, "I": 278, "J": 500, "K": 667, "L": 556, "M": 833,
    "N": 722, "O": 778, "P": 667, "Q": 778, "R": 722, "S": 667, "T": 611, "U": 722, "V": 667,
    "W": 944, "X": 667, "Y": 667, "Z": 611, "[": 278, "\\": 278, "]": 278, "^": 469, "_": 556,
    "`": 333, "a": 556, "b": 556, "c": 500, "d": 556, "e": 556, "f": 278, "g": 556, "h": 556,
    "i": 222, "j": 222, "k": 500, "l": 222, "m": 833, "n": 556, "o": 556, "p": 556, "q": 556,
    "r": 333, "s": 500, "t": 278, "u": 556, "v": 500, "w": 722, "x": 500, "y": 500, "z": 500,
    "{": 334, "|": 260, "}": 334, "~": 584, "ä": 556, "ö": 556, "ü": 556, "Ä": 667, "Ö": 778,
    "Ü": 722, "ß": 611, "é": 556, "è": 556, "€": 556, "§": 556, "–": 556, "—": 1000, "„": 333,
    "“": 333, "”": 333, "…": 1000, "°": 400,
}
_AFM.update({str(d): 556 for d in range(10)})
_DEFAULT_WIDTH = 556


def text_width(text, size=FONT_SIZE):
    """Approximate rendered width in px of ``text`` in a sans font of ``size`` px."""
    return sum(_AFM.get(ch, _DEFAULT_WIDTH) for ch in text) * size / 1000.0


def wrap_text(text, width, size=FONT_SIZE):
    """Break ``text`` into lines no wider than ``width`` as modelling tools do.

    Explicit line breaks are kept; lines break at spaces (and after hyphens); a word much longer
    than the line is cut where it no longer fits.
    """
    width = max(width, size)
    lines = []
    for paragraph in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        words = re.findall(r"\S+?-(?=\S)|\S+", paragraph)
        if not words:
            lines.append("")
            continue
        line = ""
        for word in words:
            # A hyphen-ended piece joins the next word without a space.
            glue = "" if not line or line.endswith("-") and not line.endswith(" -") else " "
            candidate = line + glue + word if line else word
            if text_width(candidate, size) <= width:
                line = candidate
                continue
            if line:
                lines.append(line)
            line = ""
            # A word only a little too long stays whole (tools let it touch the padding); a
            # really long one is cut where it no longer fits.
            while text_width(word, size) > width * 1.12:
                cut = 1
                while cut < len(word) and text_width(word[:cut + 1], size) <= width:
                    cut += 1
                lines.append(word[:cut])
                word = word[cut:]
            line = word
        lines.append(line)
    while lines and not lines[-1]:
        lines.pop()
    return lines


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _esc(text):
    return escape(_CONTROL.sub("", text or ""), quote=True)


def _num(value):
    """Short decimal for SVG coordinates."""
    value = round(float(value), 2)
    return str(int(value)) if value == int(value) else repr(value)


# --- vocabulary ---------------------------------------------------------------------------------
TYPE_LABELS = {
    "task": ("Aufgabe", "Task"),
    "userTask": ("Benutzeraufgabe", "User task"),
    "serviceTask": ("Serviceaufgabe", "Service task"),
    "sendTask": ("Sendeaufgabe", "Send task"),
    "receiveTask": ("Empfangsaufgabe", "Receive task"),
    "manualTask": ("Manuelle Aufgabe", "Manual task"),
    "businessRuleTask": ("Geschäftsregelaufgabe", "Business rule task"),
    "scriptTask": ("Skriptaufgabe", "Script task"),
    "callActivity": ("Aufrufaktivität", "Call activity"),
    "subProcess": ("Teilprozess", "Sub-process"),
    "adHocSubProcess": ("Ad-hoc-Teilprozess", "Ad-hoc sub-process"),
    "transaction": ("Transaktion", "Transaction"),
    "startEvent": ("Startereignis", "Start event"),
    "endEvent": ("Endereignis", "End event"),
    "intermediateCatchEvent": ("Zwischenereignis (eintretend)", "Intermediate catch event"),
    "intermediateThrowEvent": ("Zwischenereignis (auslösend)", "Intermediate throw event"),
    "boundaryEvent": ("Angeheftetes Ereignis", "Boundary event"),
    "implicitThrowEvent": ("Zwischenereignis (auslösend)", "Implicit throw event"),
    "exclusiveGateway": ("Exklusives Gateway", "Exclusive gateway"),
    "inclusiveGateway": ("Inklusives Gateway", "Inclusive gateway"),
    "parallelGateway": ("Paralleles Gateway", "Parallel gateway"),
    "eventBasedGateway": ("Ereignisbasiertes Gateway", "Event-based gateway"),
    "complexGateway": ("Komplexes Gateway", "Complex gateway"),
    "dataObject": ("Datenobjekt", "Data object"),
    "dataObjectReference": ("Datenobjekt", "Data object"),
    "dataStoreReference": ("Datenspeicher", "Data store"),
    "dataStore": ("Datenspeicher", "Data store"),
    "dataInput": ("Dateneingabe", "Data input"),
    "dataOutput": ("Datenausgabe", "Data output"),
    "textAnnotation": ("Anmerkung", "Text annotation"),
    "group": ("Gruppe", "Group"),
    "participant": ("Pool", "Pool"),
    "lane": ("Lane", "Lane"),
    "sequenceFlow": ("Sequenzfluss", "Sequence flow"),
    "messageFlow": ("Nachrichtenfluss", "Message flow"),
    "association": ("Assoziation", "Association"),
    "dataInputAssociation": ("Datenassoziation (Eingabe)", "Data input association"),
    "dataOutputAssociation": ("Datenassoziation (Ausgabe)", "Data output association"),
    "message": ("Nachricht", "Message"),
    None: ("Unbekanntes Element", "Unknown element"),
}
DEFINITION_LABELS = {
    "message": ("Nachricht", "message"),
    "timer": ("Zeit", "timer"),
    "error": ("Fehler", "error"),
    "escalation": ("Eskalation", "escalation"),
    "signal": ("Signal", "signal"),
    "conditional": ("Bedingung", "conditional"),
    "link": ("Link", "link"),
    "compensate": ("Kompensation", "compensation"),
    "cancel": ("Abbruch", "cancel"),
    "terminate": ("Terminierung", "terminate"),
    "multiple": ("Mehrfach", "multiple"),
    "parallelMultiple": ("Parallel mehrfach", "parallel multiple"),
}


def type_label(kind, lang="de"):
    """The readable name of a BPMN kind in German ("de") or English ("en")."""
    labels = TYPE_LABELS.get(kind)
    if labels is None:
        return kind or TYPE_LABELS[None][lang == "en"]
    return labels[lang == "en"]


def _css_class(kind):
    if kind in kinds.TASKS:
        return "bpmn-task"
    if kind == "callActivity":
        return "bpmn-call-activity"
    if kind in kinds.SUB_PROCESSES:
        return "bpmn-subprocess"
    if kind in kinds.EVENTS:
        return "bpmn-event"
    if kind in kinds.GATEWAYS:
        return "bpmn-gateway"
    return {
        "dataObjectReference": "bpmn-data-object", "dataObject": "bpmn-data-object",
        "dataInput": "bpmn-data-object", "dataOutput": "bpmn-data-object",
        "dataStoreReference": "bpmn-data-store", "dataStore": "bpmn-data-store",
        "textAnnotation": "bpmn-annotation", "group": "bpmn-group", "participant": "bpmn-pool",
        "lane": "bpmn-lane", "sequenceFlow": "bpmn-sequence-flow", "messageFlow": "bpmn-message-flow",
        "association": "bpmn-association", "dataInputAssociation": "bpmn-data-association",
        "dataOutputAssociation": "bpmn-data-association", "message": "bpmn-message",
    }.get(kind, "bpmn-other")


def _dom_id(ident):
    return "el-" + re.sub(r"[^A-Za-z0-9_.-]", "_", ident or "unnamed")


STYLE = f"""
.bpmn-diagram {{ background: #fff; }}
.bpmn-diagram text {{ font-family: {FONT_FAMILY}; font-size: {_num(FONT_SIZE)}px; fill: {STROKE}; }}
.bpmn-diagram .halo {{ fill: none; stroke: none; }}
.bpmn-diagram .diff-added .halo {{ stroke: #1a7f37; stroke-width: 4px; fill: #1a7f37; fill-opacity: .10; }}
.bpmn-diagram .diff-removed .halo {{ stroke: #cf222e; stroke-width: 4px; stroke-dasharray: 8 4; fill: #cf222e; fill-opacity: .10; }}
.bpmn-diagram .diff-changed .halo {{ stroke: #9a6700; stroke-width: 4px; fill: #d4a72c; fill-opacity: .15; }}
.bpmn-diagram .diff-layout .halo {{ stroke: #0969da; stroke-width: 1.5px; stroke-dasharray: 3 3; stroke-opacity: .7; }}
.bpmn-diagram .diff-added .outline, .bpmn-diagram .diff-added .line {{ stroke: #1a7f37; }}
.bpmn-diagram .diff-removed .outline, .bpmn-diagram .diff-removed .line {{ stroke: #cf222e; }}
.bpmn-diagram .diff-changed .outline, .bpmn-diagram .diff-changed .line {{ stroke: #9a6700; }}
.bpmn-diagram .diff-added .head {{ fill: #1a7f37; stroke: #1a7f37; }}
.bpmn-diagram .diff-removed .head {{ fill: #cf222e; stroke: #cf222e; }}
.bpmn-diagram .diff-changed .head {{ fill: #9a6700; stroke: #9a6700; }}
.bpmn-diagram .diff-removed text {{ text-decoration: line-through; }}
.bpmn-diagram .highlight .halo {{ stroke: #0969da; stroke-width: 4px; fill: #0969da; fill-opacity: .08; }}
.bpmn-diagram path.halo {{ fill: none !important; stroke-width: 10px; stroke-opacity: .3; stroke-dasharray: none; }}
""".strip()


# --- icons (drawn in a local frame, then placed with a transform) --------------------------------
def _event_icon(kind, filled):
    """SVG of an event-definition icon in a 36x36 frame (event circle centred at 18,18)."""
    fill = STROKE if filled else "#fff"
    a = f'fill="{fill}" stroke="{STROKE}" stroke-width="1.5" stroke-linejoin="round"'
    if kind == "message":
        flap = "#fff" if filled else STROKE
        return (f'<rect x="9.5" y="12" width="17" height="12" {a}/>'
                f'<polyline points="9.5,12 18,18.5 26.5,12" fill="none" stroke="{flap}" stroke-width="1.5"/>')
    if kind == "timer":
        ticks = "".join(
            f'<line x1="{_num(18 + 8.5 * math.cos(i * math.pi / 6))}" y1="{_num(18 + 8.5 * math.sin(i * math.pi / 6))}" '
            f'x2="{_num(18 + 10.5 * math.cos(i * math.pi / 6))}" y2="{_num(18 + 10.5 * math.sin(i * math.pi / 6))}" '
            f'stroke="{STROKE}" stroke-width="1"/>' for i in range(12))
        return (f'<circle cx="18" cy="18" r="11" fill="#fff" stroke="{STROKE}" stroke-width="1.5"/>{ticks}'
                f'<polyline points="18,10.5 18,18 23,18" fill="none" stroke="{STROKE}" stroke-width="1.5"/>')
    if kind == "error":
        return f'<path d="M10 26 L14.5 11 L20 19 L25 10 L21.5 25 L16 17.5 Z" {a}/>'
    if kind == "escalation":
        return f'<path d="M18 9 L25 26 L18 20 L11 26 Z" {a}/>'
    if kind == "signal":
        return f'<path d="M18 8.5 L27 24.5 L9 24.5 Z" {a}/>'
    if kind == "conditional":
        lines = "".join(f'<line x1="13" y1="{y}" x2="23" y2="{y}" stroke="{STROKE}" stroke-width="1.2"/>'
                        for y in (13.5, 17, 20.5, 24))
        return f'<rect x="11" y="10.5" width="14" height="16" fill="#fff" stroke="{STROKE}" stroke-width="1.5"/>{lines}'
    if kind == "link":
        return f'<path d="M9.5 15 L19 15 L19 10.5 L27 18 L19 25.5 L19 21 L9.5 21 Z" {a}/>'
    if kind == "compensate":
        return f'<path d="M9 18 L17.5 12 L17.5 24 Z M17.5 18 L26 12 L26 24 Z" {a}/>'
    if kind == "cancel":
        return (f'<path d="M12 10 L18 16 L24 10 L26 12 L20 18 L26 24 L24 26 L18 20 L12 26 L10 24 '
                f'L16 18 L10 12 Z" {a}/>')
    if kind == "terminate":
        return f'<circle cx="18" cy="18" r="11" fill="{STROKE}" stroke="{STROKE}"/>'
    if kind == "multiple":
        points = " ".join(f"{_num(18 + 10 * math.cos(-math.pi / 2 + i * 2 * math.pi / 5))},"
                          f"{_num(18.5 + 10 * math.sin(-math.pi / 2 + i * 2 * math.pi / 5))}" for i in range(5))
        return f'<polygon points="{points}" {a}/>'
    if kind == "parallelMultiple":
        return (f'<path d="M15.5 8 L20.5 8 L20.5 15.5 L28 15.5 L28 20.5 L20.5 20.5 L20.5 28 L15.5 28 '
                f'L15.5 20.5 L8 20.5 L8 15.5 L15.5 15.5 Z" fill="#fff" stroke="{STROKE}" stroke-width="1.5"/>')
    return ""


def _task_icon(kind):
    """SVG of a task-type icon in a 16x16 frame, drawn at the task's top-left corner."""
    s = f'stroke="{STROKE}" stroke-width="1.2"'
    if kind == "userTask":
        return (f'<path d="M1.5 16 C1.5 10 4 8.5 8 8.5 C12 8.5 14.5 10 14.5 16 Z" fill="#fff" {s}/>'
                f'<circle cx="8" cy="4.5" r="3.5" fill="#fff" {s}/>'
                f'<path d="M5 11.5 L5 16 M11 11.5 L11 16" fill="none" {s}/>')
    if kind == "serviceTask":
        teeth = "".join(
            f'<line x1="{_num(8 + 4 * math.cos(i * math.pi / 4))}" y1="{_num(8 + 4 * math.sin(i * math.pi / 4))}" '
            f'x2="{_num(8 + 7.5 * math.cos(i * math.pi / 4))}" y2="{_num(8 + 7.5 * math.sin(i * math.pi / 4))}" '
            f'stroke="{STROKE}" stroke-width="2.6"/>' for i in range(8))
        return f'{teeth}<circle cx="8" cy="8" r="5" fill="#fff" {s}/><circle cx="8" cy="8" r="2" fill="#fff" {s}/>'
    if kind == "sendTask":
        return (f'<rect x="0.5" y="2.5" width="16" height="11" fill="{STROKE}" {s}/>'
                '<polyline points="0.5,2.5 8.5,9 16.5,2.5" fill="none" stroke="#fff" stroke-width="1.2"/>')
    if kind == "receiveTask":
        return (f'<rect x="0.5" y="2.5" width="16" height="11" fill="#fff" {s}/>'
                f'<polyline points="0.5,2.5 8.5,9 16.5,2.5" fill="none" {s}/>')
    if kind == "manualTask":
        return (f'<path d="M1 8 L5 3.5 L6.5 4.5 L5 7 L15 7 L15 9 L10 9 M14.5 9 L14.5 11 L10 11 M14 11 '
                f'L14 13 L10 13 M13 13 L13 15 L3 15 L1 13 Z" fill="#fff" {s}/>')
    if kind == "businessRuleTask":
        return (f'<rect x="0.5" y="1.5" width="16" height="13" fill="#fff" {s}/>'
                f'<rect x="0.5" y="1.5" width="16" height="3.5" fill="#9aa0a6" {s}/>'
                f'<path d="M0.5 9.5 L16.5 9.5 M5 5 L5 14.5" fill="none" {s}/>')
    if kind == "scriptTask":
        return (f'<path d="M4 0.5 L15 0.5 C12 3.5 12 6 15 8.5 C18 11 17 14 14 16 L3 16 C6 13.5 6 11 3 8.5 '
                f'C0 6 1 2.5 4 0.5 Z" fill="#fff" {s}/>'
                f'<path d="M5.5 4 L11.5 4 M6.5 7 L12.5 7 M7.5 10 L13.5 10 M6.5 13 L12.5 13" fill="none" {s}/>')
    return ""


def _bottom_marker(name):
    """SVG of an activity marker in a 14x14 frame (placed side by side at the bottom centre)."""
    s = f'fill="none" stroke="{STROKE}" stroke-width="1.5"'
    if name == "loop":
        return (f'<path d="M3.5 11.5 A5.5 5.5 0 1 1 10.5 11.5" {s}/>'
                f'<path d="M3.5 11.5 L0.5 9.5 M3.5 11.5 L4.5 8" {s}/>')
    if name == "parallel":
        return f'<path d="M3 1 L3 13 M7 1 L7 13 M11 1 L11 13" fill="none" stroke="{STROKE}" stroke-width="2"/>'
    if name == "sequential":
        return f'<path d="M1 3 L13 3 M1 7 L13 7 M1 11 L13 11" fill="none" stroke="{STROKE}" stroke-width="2"/>'
    if name == "compensation":
        return f'<path d="M0.5 7 L7 2 L7 12 Z M7 7 L13.5 2 L13.5 12 Z" fill="#fff" stroke="{STROKE}" stroke-width="1.2"/>'
    if name == "collapsed":
        return f'<rect x="0.5" y="0.5" width="13" height="13" fill="#fff" stroke="{STROKE}" stroke-width="1.2"/>' \
               f'<path d="M7 3 L7 11 M3 7 L11 7" {s}/>'
    if name == "adhoc":
        return f'<path d="M1 8.5 C3 4 5.5 4 7 7 C8.5 10 11 10 13 5.5" {s}/>'
    return ""


# --- the renderer -------------------------------------------------------------------------------
class _Extent:
    def __init__(self):
        self.x0 = self.y0 = math.inf
        self.x1 = self.y1 = -math.inf

    def add(self, x0, y0, x1, y1):
        self.x0, self.y0 = min(self.x0, x0), min(self.y0, y0)
        self.x1, self.y1 = max(self.x1, x1), max(self.y1, y1)


def _event_definitions(el):
    names = []
    for child in el:
        name = local_name(child.tag)
        if name.endswith("EventDefinition"):
            names.append(name[: -len("EventDefinition")])
        elif name == "eventDefinitionRef":
            names.append("message")  # a reference to a shared definition; kind unknown here
    return names


class _Renderer:
    def __init__(self, model, diagram, highlight, lang):
        self.model = model
        self.diagram = diagram
        self.highlight = highlight or {}
        self.lang = "en" if lang == "en" else "de"
        self.extent = _Extent()
        self.dom_ids = set()
        self.shown = {s.bpmn_element for s in diagram.shapes if s.bpmn_element}

    # text ------------------------------------------------------------------------------------
    def text_block(self, lines, cx, top, anchor="middle", x=None, cls="label"):
        """``<text>`` with one ``<tspan>`` per line; ``top`` is the top of the first line."""
        if not lines:
            return ""
        width = max(text_width(line) for line in lines)
        left = x if anchor == "start" else cx - width / 2
        self.extent.add(left, top, left + width, top + LINE_HEIGHT * len(lines))
        tx = x if anchor == "start" else cx
        spans = []
        for i, line in enumerate(lines):
            y = top + FONT_SIZE * 0.9 + i * LINE_HEIGHT
            spans.append(f'<tspan x="{_num(tx)}" y="{_num(y)}">{_esc(line)}</tspan>')
        return f'<text class="{cls}" text-anchor="{anchor}" font-family="{_esc(FONT_FAMILY)}" ' \
               f'font-size="{_num(FONT_SIZE)}" fill="{STROKE}">{"".join(spans)}</text>'

    def centred_label(self, text, b, padding=5, valign="middle"):
        lines = wrap_text(text, b.width - 2 * padding)
        height = len(lines) * LINE_HEIGHT
        top = b.y + padding if valign == "top" else b.y + (b.height - height) / 2
        return self.text_block(lines, b.x + b.width / 2, top)

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
        return self.text_block(lines, shape_bounds.x + shape_bounds.width / 2,
                               shape_bounds.y + shape_bounds.height + 5)

    # groups ----------------------------------------------------------------------------------
    def group(self, di, kind, element, body, title_extra=""):
        ref = di.bpmn_element
        dom = _dom_id(ref or di.id)
        if dom in self.dom_ids:
            n = 2
            while f"{dom}-{n}" in self.dom_ids:
                n += 1
            dom = f"{dom}-{n}"
        self.dom_ids.add(dom)
        classes = [_css_class(kind)]
        extra = self.highlight.get(ref)
        if extra:
            classes.append(extra)
        name = self.label_of(element, kind) if element is not None else ""
        title = type_label(kind, self.lang) + title_extra + (f": {name}" if name else "")
        if element is None:
            title += f" ({ref or di.id})"
        return (f'<g class="{" ".join(_esc(c) for c in classes)}" id="{_esc(dom)}" '
                f'data-element-id="{_esc(ref or "")}" data-kind="{_esc(kind or "unknown")}">'
                f'<title>{_esc(title)}</title>{body}</g>')

    def label_of(self, element, kind):
        el = element.el
        if kind == "textAnnotation":
            text = el.find(_BPMN + "text")
            return "".join(text.itertext()).strip() if text is not None else ""
        if kind == "group":
            ref = el.get("categoryValueRef")
            value = self.model.get(kinds.local_ref(ref)) if ref else None
            return (value.el.get("value") or "") if value is not None else (el.get("name") or "")
        name = el.get("name") or ""
        if kind == "participant" and not name and element.process_ref is not None:
            name = element.process_ref.name or ""
        if kind == "dataObjectReference" and not name:
            ref = el.get("dataObjectRef")
            target = self.model.get(kinds.local_ref(ref)) if ref else None
            name = (target.name or "") if target is not None else ""
        if kind in ("dataObjectReference", "dataStoreReference", "dataInput", "dataOutput", "dataObject"):
            state = el.find(_BPMN + "dataState")
            if state is not None and state.get("name"):
                name = f"{name}\n[{state.get('name')}]" if name else f"[{state.get('name')}]"
        return name

    # shapes ----------------------------------------------------------------------------------
    def halo(self, b, shape="rect"):
        pad = 5
        if shape == "circle":
            return (f'<circle class="halo" cx="{_num(b.x + b.width / 2)}" cy="{_num(b.y + b.height / 2)}" '
                    f'r="{_num(min(b.width, b.height) / 2 + pad)}" fill="none" stroke="none"/>')
        return (f'<rect class="halo" x="{_num(b.x - pad)}" y="{_num(b.y - pad)}" width="{_num(b.width + 2 * pad)}" '
                f'height="{_num(b.height + 2 * pad)}" rx="6" fill="none" stroke="none"/>')

    def shape(self, di):
        element = self.model.get(di.bpmn_element) if di.bpmn_element else None
        kind = element.type if element is not None else None
        b = di.bounds
        if b is None:
            return self.group(di, kind, element, "")
        self.extent.add(b.x, b.y, b.x + b.width, b.y + b.height)
        if kind in kinds.TASKS or kind == "callActivity":
            body = self.activity(di, element, kind, b)
        elif kind in kinds.SUB_PROCESSES:
            body = self.sub_process(di, element, kind, b)
        elif kind in kinds.EVENTS:
            body = self.event(di, element, kind, b)
        elif kind in kinds.GATEWAYS:
            body = self.gateway(di, element, kind, b)
        elif kind in ("dataObjectReference", "dataObject", "dataInput", "dataOutput"):
            body = self.data_object(di, element, kind, b)
        elif kind in ("dataStoreReference", "dataStore"):
            body = self.data_store(di, element, b)
        elif kind == "participant":
            body = self.pool(di, element, b)
        elif kind == "lane":
            body = self.lane(di, element, b)
        elif kind == "textAnnotation":
            body = self.annotation(element, b)
        elif kind == "group":
            body = self.bpmn_group(di, element, b)
        elif kind == "message":
            body = self.message(di, element, b)
        else:
            body = (self.halo(b) + f'<rect class="outline" x="{_num(b.x)}" y="{_num(b.y)}" width="{_num(b.width)}" '
                    f'height="{_num(b.height)}" fill="none" stroke="{STROKE}" stroke-dasharray="4 3"/>')
            if element is not None:
                body += self.centred_label(self.label_of(element, kind), b)
        extra = ""
        if kind in kinds.EVENTS:
            defs = _event_definitions(element.el)
            if defs:
                extra = " (" + ", ".join(DEFINITION_LABELS.get(d, (d, d))[self.lang == "en"] for d in defs) + ")"
        return self.group(di, kind, element, body, extra)

    def rect(self, b, rx=0, stroke_width=1.5, fill="#fff", dash=None, cls="outline"):
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        return (f'<rect class="{cls}" x="{_num(b.x)}" y="{_num(b.y)}" width="{_num(b.width)}" height="{_num(b.height)}" '
                f'rx="{_num(rx)}" fill="{fill}" stroke="{STROKE}" stroke-width="{_num(stroke_width)}"{dash_attr}/>')

    def markers(self, element, kind, b, collapsed=False):
        names = []
        el = element.el
        loop = el.find(_BPMN + "standardLoopCharacteristics")
        mi = el.find(_BPMN + "multiInstanceLoopCharacteristics")
        if loop is not None:
            names.append("loop")
        elif mi is not None:
            names.append("sequential" if (mi.get("isSequential") or "").strip() in ("true", "1") else "parallel")
        if (el.get("isForCompensation") or "").strip() in ("true", "1"):
            names.append("compensation")
        if collapsed:
            names.append("collapsed")
        if kind == "adHocSubProcess":
            names.append("adhoc")
        if not names:
            return ""
        total = len(names) * 14 + (len(names) - 1) * 4
        x = b.x + (b.width - total) / 2
        y = b.y + b.height - 18
        out = []
        for name in names:
            out.append(f'<g class="marker marker-{name}" transform="translate({_num(x)},{_num(y)})">{_bottom_marker(name)}</g>')
            x += 18
        return "".join(out)

    def activity(self, di, element, kind, b):
        stroke = 4 if kind == "callActivity" else 1.5
        if kind == "callActivity" and di.is_expanded:
            # an expanded call activity shows the called process inside it, like a sub-process
            body = self.halo(b) + self.rect(b, rx=10, stroke_width=stroke, fill="none")
            body += self.markers(element, kind, b)
            return body + self.centred_label(self.label_of(element, kind),
                                             replace_bounds(b, height=min(b.height, 60)), valign="top")
        body = self.halo(b) + self.rect(b, rx=10, stroke_width=stroke)
        icon = _task_icon(kind)
        if icon:
            body += f'<g class="task-icon" transform="translate({_num(b.x + 6)},{_num(b.y + 6)})">{icon}</g>'
        collapsed = kind == "callActivity" and di.is_expanded is not True and self._calls_process(element)
        body += self.markers(element, kind, b, collapsed=collapsed)
        bottom = 14 if self._has_markers(element, kind, collapsed) else 0
        label = self.label_of(element, kind)
        box = replace_bounds(b, height=b.height - bottom)
        if icon:
            # Keep the label clear of the type icon when the lines fit below it.
            below = replace_bounds(b, y=b.y + 16, height=b.height - 16 - bottom)
            if len(wrap_text(label, b.width - 10)) * LINE_HEIGHT <= below.height - 6:
                box = below
        return body + self.centred_label(label, box)

    def _calls_process(self, element):
        ref = element.el.get("calledElement")
        target = self.model.get(kinds.local_ref(ref)) if ref else None
        return target is not None and target.type == "process"

    @staticmethod
    def _has_markers(element, kind, collapsed):
        el = element.el
        return (collapsed or kind == "adHocSubProcess"
                or el.find(_BPMN + "standardLoopCharacteristics") is not None
                or el.find(_BPMN + "multiInstanceLoopCharacteristics") is not None
                or (el.get("isForCompensation") or "").strip() in ("true", "1"))

    def is_expanded(self, di, element):
        if di.is_expanded is not None:
            return di.is_expanded
        # Not stated: expanded when the diagram draws any of its children.
        return any(child.get("id") in self.shown for child in element.el)

    def sub_process(self, di, element, kind, b):
        expanded = self.is_expanded(di, element)
        event_sub = (element.el.get("triggeredByEvent") or "").strip() in ("true", "1")
        body = self.halo(b) + self.rect(b, rx=10, stroke_width=1.5, fill="#fff" if not expanded else "none",
                                        dash="2 3" if event_sub else None)
        if kind == "transaction":
            inner = replace_bounds(b, x=b.x + 3, y=b.y + 3, width=b.width - 6, height=b.height - 6)
            body += self.rect(inner, rx=8, stroke_width=1.2, fill="none", cls="outline-inner")
        body += self.markers(element, kind, b, collapsed=not expanded)
        label = self.label_of(element, kind)
        if expanded:
            body += self.centred_label(label, replace_bounds(b, height=min(b.height, 60)), valign="top")
        else:
            body += self.centred_label(label, replace_bounds(b, height=b.height - 14))
        return body

    def event(self, di, element, kind, b):
        cx, cy = b.x + b.width / 2, b.y + b.height / 2
        r = min(b.width, b.height) / 2
        el = element.el
        dash = ""
        if kind == "boundaryEvent" and (el.get("cancelActivity") or "").strip() == "false":
            dash = ' stroke-dasharray="5.5 3"'
        if kind == "startEvent" and (el.get("isInterrupting") or "").strip() == "false":
            dash = ' stroke-dasharray="5.5 3"'
        width = {"startEvent": 2, "endEvent": 4}.get(kind, 1.5)
        body = self.halo(b, "circle")
        body += (f'<circle class="outline" cx="{_num(cx)}" cy="{_num(cy)}" r="{_num(r)}" fill="#fff" '
                 f'stroke="{STROKE}" stroke-width="{width}"{dash}/>')
        if kind in ("intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent", "implicitThrowEvent"):
            body += (f'<circle class="outline" cx="{_num(cx)}" cy="{_num(cy)}" r="{_num(max(r - 3, 1))}" fill="none" '
                     f'stroke="{STROKE}" stroke-width="1.5"{dash}/>')
        defs = _event_definitions(el)
        if len(defs) > 1:
            parallel = (el.get("parallelMultiple") or "").strip() in ("true", "1")
            defs = ["parallelMultiple" if parallel else "multiple"]
        if defs:
            filled = kind in ("endEvent", "intermediateThrowEvent", "implicitThrowEvent")
            icon = _event_icon(defs[0], filled)
            if icon:
                scale = r / 18
                body += (f'<g class="event-icon icon-{defs[0]}" transform="translate({_num(cx - 18 * scale)},'
                         f'{_num(cy - 18 * scale)}) scale({_num(scale)})">{icon}</g>')
        return body + self.external_label(self.label_of(element, kind), b, di.label_bounds)

    def gateway(self, di, element, kind, b):
        cx, cy = b.x + b.width / 2, b.y + b.height / 2
        points = f"{_num(cx)},{_num(b.y)} {_num(b.x + b.width)},{_num(cy)} {_num(cx)},{_num(b.y + b.height)} {_num(b.x)},{_num(cy)}"
        body = self.halo(b)
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
            inner = f'<path d="M25 12 L25 38 M12 25 L38 25 M16 16 L34 34 M34 16 L16 34" fill="none" stroke="{STROKE}" stroke-width="3"/>'
        elif kind == "eventBasedGateway":
            el = element.el
            parallel = (el.get("eventGatewayType") or "").strip() == "Parallel"
            instantiate = (el.get("instantiate") or "").strip() in ("true", "1")
            inner = f'<circle cx="25" cy="25" r="12.5" fill="none" stroke="{STROKE}" stroke-width="1.2"/>'
            if not instantiate:
                inner += f'<circle cx="25" cy="25" r="10" fill="none" stroke="{STROKE}" stroke-width="1.2"/>'
            if parallel:
                inner += (f'<path d="M23 17 L27 17 L27 23 L33 23 L33 27 L27 27 L27 33 L23 33 L23 27 L17 27 '
                          f'L17 23 L23 23 Z" fill="none" stroke="{STROKE}" stroke-width="1.2"/>')
            else:
                pts = " ".join(f"{_num(25 + 6.5 * math.cos(-math.pi / 2 + i * 2 * math.pi / 5))},"
                               f"{_num(25.5 + 6.5 * math.sin(-math.pi / 2 + i * 2 * math.pi / 5))}" for i in range(5))
                inner += f'<polygon points="{pts}" fill="none" stroke="{STROKE}" stroke-width="1.3"/>'
        if inner:
            body += (f'<g class="gateway-marker" transform="translate({_num(b.x)},{_num(b.y)}) scale({_num(s)})">'
                     f'{inner}</g>')
        return body + self.external_label(self.label_of(element, kind), b, di.label_bounds)

    def data_object(self, di, element, kind, b):
        fold = min(b.width, b.height) * 0.28
        x, y, w, h = b.x, b.y, b.width, b.height
        d = (f"M{_num(x)} {_num(y)} L{_num(x + w - fold)} {_num(y)} L{_num(x + w)} {_num(y + fold)} "
             f"L{_num(x + w)} {_num(y + h)} L{_num(x)} {_num(y + h)} Z")
        body = self.halo(b)
        body += f'<path class="outline" d="{d}" fill="#fff" stroke="{STROKE}" stroke-width="1.5" stroke-linejoin="round"/>'
        body += (f'<path d="M{_num(x + w - fold)} {_num(y)} L{_num(x + w - fold)} {_num(y + fold)} L{_num(x + w)} '
                 f'{_num(y + fold)}" fill="none" stroke="{STROKE}" stroke-width="1.5"/>')
        if kind in ("dataInput", "dataOutput"):
            fill = "#fff" if kind == "dataInput" else STROKE
            body += (f'<path class="data-{kind[4:].lower()}" transform="translate({_num(x + 3)},{_num(y + 3)})" '
                     f'd="M0 3.5 L7 3.5 L7 0.5 L12 5.5 L7 10.5 L7 7.5 L0 7.5 Z" fill="{fill}" stroke="{STROKE}" stroke-width="1"/>')
        if self._is_collection(element, kind):
            bx = x + w / 2 - 6
            by = y + h - 12
            body += (f'<path class="marker marker-collection" d="M{_num(bx + 1)} {_num(by)} L{_num(bx + 1)} {_num(by + 10)} '
                     f'M{_num(bx + 6)} {_num(by)} L{_num(bx + 6)} {_num(by + 10)} M{_num(bx + 11)} {_num(by)} '
                     f'L{_num(bx + 11)} {_num(by + 10)}" fill="none" stroke="{STROKE}" stroke-width="2"/>')
        return body + self.external_label(self.label_of(element, kind), b, di.label_bounds)

    def _is_collection(self, element, kind):
        el = element.el
        if (el.get("isCollection") or "").strip() in ("true", "1"):
            return True
        if kind == "dataObjectReference":
            ref = el.get("dataObjectRef")
            target = self.model.get(kinds.local_ref(ref)) if ref else None
            return target is not None and (target.el.get("isCollection") or "").strip() in ("true", "1")
        return False

    def data_store(self, di, element, b):
        x, y, w, h = b.x, b.y, b.width, b.height
        ry = min(h * 0.12, 8)
        body = self.halo(b)
        body += (f'<path class="outline" d="M{_num(x)} {_num(y + ry)} L{_num(x)} {_num(y + h - ry)} '
                 f'A{_num(w / 2)} {_num(ry)} 0 0 0 {_num(x + w)} {_num(y + h - ry)} L{_num(x + w)} {_num(y + ry)} '
                 f'A{_num(w / 2)} {_num(ry)} 0 0 0 {_num(x)} {_num(y + ry)} Z" fill="#fff" stroke="{STROKE}" stroke-width="1.5"/>')
        for k in (0, 1, 2):
            yy = y + ry + k * ry * 0.7
            body += (f'<path d="M{_num(x)} {_num(yy)} A{_num(w / 2)} {_num(ry)} 0 0 0 {_num(x + w)} {_num(yy)}" '
                     f'fill="none" stroke="{STROKE}" stroke-width="1.5"/>')
        return body + self.external_label(self.label_of(element, "dataStoreReference"), b, di.label_bounds)

    def _rotated_band_label(self, text, b, horizontal):
        """Name of a pool or lane in its header band: rotated for horizontal ones."""
        if not text:
            return ""
        if horizontal:
            length = b.height - 10
            lines = wrap_text(text, length)
            height = len(lines) * LINE_HEIGHT
            cx = b.x + POOL_HEADER / 2
            cy = b.y + b.height / 2
            spans = "".join(
                f'<tspan x="{_num(cx)}" y="{_num(cy - height / 2 + FONT_SIZE * 0.9 + i * LINE_HEIGHT)}">{_esc(l)}</tspan>'
                for i, l in enumerate(lines))
            return (f'<text class="label" text-anchor="middle" transform="rotate(-90 {_num(cx)} {_num(cy)})" '
                    f'font-family="{_esc(FONT_FAMILY)}" font-size="{_num(FONT_SIZE)}" fill="{STROKE}">{spans}</text>')
        band = replace_bounds(b, height=POOL_HEADER)
        return self.centred_label(text, band, padding=3)

    def pool(self, di, element, b):
        horizontal = di.is_horizontal is not False
        body = self.halo(b) + self.rect(b, fill="none", stroke_width=1.5)
        label = self.label_of(element, "participant")
        if element.el.get("processRef") is None:
            return body + self.centred_label(label, b)  # a black-box pool: name in the middle
        if horizontal:
            body += (f'<line x1="{_num(b.x + POOL_HEADER)}" y1="{_num(b.y)}" x2="{_num(b.x + POOL_HEADER)}" '
                     f'y2="{_num(b.y + b.height)}" stroke="{STROKE}" stroke-width="1.5"/>')
        else:
            body += (f'<line x1="{_num(b.x)}" y1="{_num(b.y + POOL_HEADER)}" x2="{_num(b.x + b.width)}" '
                     f'y2="{_num(b.y + POOL_HEADER)}" stroke="{STROKE}" stroke-width="1.5"/>')
        return body + self._rotated_band_label(label, b, horizontal)

    def lane(self, di, element, b):
        horizontal = di.is_horizontal is not False
        body = self.halo(b) + self.rect(b, fill="none", stroke_width=1)
        return body + self._rotated_band_label(self.label_of(element, "lane"), b, horizontal)

    def annotation(self, element, b):
        x, y, w, h = b.x, b.y, b.width, b.height
        body = self.halo(b)
        body += (f'<path class="outline" d="M{_num(x + 10)} {_num(y)} L{_num(x)} {_num(y)} L{_num(x)} {_num(y + h)} '
                 f'L{_num(x + 10)} {_num(y + h)}" fill="none" stroke="{STROKE}" stroke-width="1.5"/>')
        lines = wrap_text(self.label_of(element, "textAnnotation"), w - 10)
        top = y + max(5.0, (h - len(lines) * LINE_HEIGHT) / 2)
        return body + self.text_block(lines, 0, top, anchor="start", x=x + 5)

    def bpmn_group(self, di, element, b):
        body = self.halo(b) + self.rect(b, rx=10, fill="none", dash="8 3 1 3")
        label = self.label_of(element, "group")
        if di.label_bounds is not None:
            return body + self.external_label(label, b, di.label_bounds)
        return body + self.centred_label(label, replace_bounds(b, height=min(b.height, 40)), valign="top")

    def message(self, di, element, b):
        body = self.halo(b) + self.rect(b, stroke_width=1.2)
        body += (f'<polyline points="{_num(b.x)},{_num(b.y)} {_num(b.x + b.width / 2)},{_num(b.y + b.height * 0.55)} '
                 f'{_num(b.x + b.width)},{_num(b.y)}" fill="none" stroke="{STROKE}" stroke-width="1.2"/>')
        return body + self.external_label(element.name or "", b, di.label_bounds)

    # edges -----------------------------------------------------------------------------------
    def edge(self, di):
        element = self.model.get(di.bpmn_element) if di.bpmn_element else None
        kind = element.type if element is not None else None
        points = _dedupe(di.waypoints)
        if len(points) < 2:
            return self.group(di, kind, element, "")
        for x, y in points:
            self.extent.add(x, y, x, y)
        d = "M" + " L".join(f"{_num(x)} {_num(y)}" for x, y in points)
        body = ""
        style = f'fill="none" stroke="{STROKE}" stroke-width="1.5" stroke-linejoin="round"'
        # a wide invisible stroke makes thin lines easy to hit, and carries the highlight halo
        halo = f'<path class="halo" d="{d}" fill="none" stroke="none" stroke-linejoin="round"/>'
        if kind == "sequenceFlow":
            body += halo + f'<path class="line" d="{d}" {style}/>'
            body += _arrowhead(points[-2], points[-1], filled=True)
            source = element.source
            if source is not None and element.el.find(_BPMN + "conditionExpression") is not None \
                    and source.type in kinds.ACTIVITIES:
                body += _start_diamond(points[0], points[1])
            if source is not None and kinds.local_ref(source.el.get("default") or "") == element.id:
                body += _default_slash(points[0], points[1])
        elif kind == "messageFlow":
            body += halo + f'<path class="line" d="{d}" {style} stroke-dasharray="10 5"/>'
            body += _start_circle(points[0], points[1])
            body += _arrowhead(points[-2], points[-1], filled=False)
        elif kind in ("association", "dataInputAssociation", "dataOutputAssociation"):
            body += halo + f'<path class="line" d="{d}" {style} stroke-dasharray="2 4" stroke-linecap="round"/>'
            direction = (element.el.get("associationDirection") or "None") if kind == "association" else "One"
            if direction in ("One", "Both"):
                body += _open_arrow(points[-2], points[-1])
            if direction == "Both":
                body += _open_arrow(points[1], points[0])
        else:
            body += halo + f'<path class="line" d="{d}" {style}/>'
        name = element.name if element is not None else ""
        if name:
            body += self.edge_label(name, points, di.label_bounds)
        return self.group(di, kind, element, body)

    def edge_label(self, text, points, label_bounds):
        if label_bounds is not None and label_bounds.width > 0:
            return self.external_label(text, None, label_bounds)
        # no label bounds: beside the middle of the line
        (x0, y0), (x1, y1) = _midpoint_segment(points)
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        lines = wrap_text(text, EXTERNAL_LABEL_WIDTH)
        return self.text_block(lines, cx + 4, cy - 4 - len(lines) * LINE_HEIGHT)

    # the document ----------------------------------------------------------------------------
    def render(self, title):
        layers = {k: [] for k in ("pool", "lane", "group-sub", "node", "edge", "boundary", "top")}
        for di in self.diagram.shapes:
            element = self.model.get(di.bpmn_element) if di.bpmn_element else None
            kind = element.type if element is not None else None
            if kind == "participant":
                layer = "pool"
            elif kind == "lane":
                layer = "lane"
            elif di.bounds is not None and (kind in kinds.SUB_PROCESSES and self.is_expanded(di, element)
                                            or kind == "callActivity" and di.is_expanded):
                layer = "group-sub"
            elif kind == "boundaryEvent":
                layer = "boundary"
            elif kind in ("group", "textAnnotation"):
                layer = "top"
            else:
                layer = "node"
            layers[layer].append(di)
        # Larger expanded sub-processes first, so nested ones are drawn over their parents.
        layers["group-sub"].sort(key=lambda s: -(s.bounds.width * s.bounds.height))
        parts = []
        for layer in ("pool", "lane", "group-sub", "node"):
            parts.extend(self.shape(di) for di in layers[layer])
        parts.extend(self.edge(di) for di in self.diagram.edges)
        parts.extend(self.shape(di) for di in layers["boundary"] + layers["top"])
        e = self.extent
        if e.x0 == math.inf:
            e.add(0, 0, 100, 100)
        x0, y0 = e.x0 - MARGIN, e.y0 - MARGIN
        width, height = e.x1 - e.x0 + 2 * MARGIN, e.y1 - e.y0 + 2 * MARGIN
        doc_title = title or self.diagram.name or self.model.definitions.name or (self.model.source or "BPMN")
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" class="bpmn-diagram" role="img" '
            f'aria-labelledby="diagram-title" viewBox="{_num(x0)} {_num(y0)} {_num(width)} {_num(height)}" '
            f'width="{_num(width)}" height="{_num(height)}" data-diagram-id="{_esc(self.diagram.id or "")}">'
            f'<title id="diagram-title">{_esc(doc_title)}</title>'
            f'<style>{STYLE}</style>'
            f'<rect x="{_num(x0)}" y="{_num(y0)}" width="{_num(width)}" height="{_num(height)}" fill="#fff"/>'
            + "".join(parts) + "</svg>")


def replace_bounds(b, **changes):
    from dataclasses import replace

    return replace(b, **changes)


# --- edge decorations ---------------------------------------------------------------------------
def _dedupe(points):
    out = []
    for p in points:
        if not out or (abs(out[-1][0] - p[0]) > 1e-6 or abs(out[-1][1] - p[1]) > 1e-6):
            out.append(p)
    return out


def _unit(a, b):
    dx, dy = b[0] - a[0], b[1] - a[1]
    length = math.hypot(dx, dy) or 1.0
    return dx / length, dy / length


def _arrowhead(before, tip, filled):
    ux, uy = _unit(before, tip)
    length, half = 11.0, 3.8
    bx, by = tip[0] - ux * length, tip[1] - uy * length
    p1 = (bx - uy * half, by + ux * half)
    p2 = (bx + uy * half, by - ux * half)
    fill = STROKE if filled else "#fff"
    cls = "head" if filled else "head-open"
    return (f'<polygon class="{cls}" points="{_num(tip[0])},{_num(tip[1])} {_num(p1[0])},{_num(p1[1])} '
            f'{_num(p2[0])},{_num(p2[1])}" fill="{fill}" stroke="{STROKE}" stroke-width="1" stroke-linejoin="round"/>')


def _open_arrow(before, tip):
    ux, uy = _unit(before, tip)
    length, half = 10.0, 5.0
    bx, by = tip[0] - ux * length, tip[1] - uy * length
    return (f'<polyline class="line" points="{_num(bx - uy * half)},{_num(by + ux * half)} {_num(tip[0])},{_num(tip[1])} '
            f'{_num(bx + uy * half)},{_num(by - ux * half)}" fill="none" stroke="{STROKE}" stroke-width="1.5"/>')


def _start_diamond(start, nxt):
    ux, uy = _unit(start, nxt)
    half_len, half_w = 7.0, 4.5
    mx, my = start[0] + ux * half_len, start[1] + uy * half_len
    pts = [start, (mx - uy * half_w, my + ux * half_w), (start[0] + ux * 2 * half_len, start[1] + uy * 2 * half_len),
           (mx + uy * half_w, my - ux * half_w)]
    return ('<polygon class="head-open conditional-marker" points="' + " ".join(f"{_num(x)},{_num(y)}" for x, y in pts)
            + f'" fill="#fff" stroke="{STROKE}" stroke-width="1.2"/>')


def _default_slash(start, nxt):
    ux, uy = _unit(start, nxt)
    # a short stroke across the line near its source, tilted 45 degrees
    cx, cy = start[0] + ux * 11, start[1] + uy * 11
    ax, ay = (ux - uy) * 5, (uy + ux) * 5
    return (f'<line class="line default-marker" x1="{_num(cx - ax)}" y1="{_num(cy - ay)}" x2="{_num(cx + ax)}" '
            f'y2="{_num(cy + ay)}" stroke="{STROKE}" stroke-width="1.5"/>')


def _start_circle(start, nxt):
    ux, uy = _unit(start, nxt)
    r = 3.5
    return (f'<circle class="head-open" cx="{_num(start[0] + ux * r)}" cy="{_num(start[1] + uy * r)}" r="{_num(r)}" '
            f'fill="#fff" stroke="{STROKE}" stroke-width="1.2"/>')


def _midpoint_segment(points):
    lengths = [math.hypot(b[0] - a[0], b[1] - a[1]) for a, b in zip(points, points[1:])]
    half = sum(lengths) / 2
    run = 0.0
    for (a, b), length in zip(zip(points, points[1:]), lengths):
        if run + length >= half:
            return a, b
        run += length
    return points[-2], points[-1]


# --- public API ---------------------------------------------------------------------------------
def _diagram(model, diagram):
    where = model.source or "the model"
    if not model.diagrams:
        raise NoDiagramError(
            f"{where} has no diagram interchange (BPMNDI); procex does not invent a layout: "
            "open it in a modelling tool, lay it out and save it with its diagram")
    if not 0 <= diagram < len(model.diagrams):
        raise RenderError(
            f"{where} has {len(model.diagrams)} diagram(s); choose --diagram 0 to {len(model.diagrams) - 1}")
    return model.diagrams[diagram]


def render_svg(model, diagram=0, highlight=None, lang="de", title=None):
    """The diagram number ``diagram`` of ``model`` as an SVG document (str).

    ``highlight`` maps element ids to an extra CSS class for their group (``diff-added``,
    ``diff-removed``, ``diff-changed``, ``diff-layout``); ``lang`` ("de"/"en") sets the language
    of the tooltips; ``title`` the SVG's title (default: the diagram's or the model's name).
    """
    return _Renderer(model, _diagram(model, diagram), highlight, lang).render(title)


def element_list(model, lang="de", diagram=0):
    """Text alternative of a diagram: ``[(type label, name, lane)]`` of its nodes, left to right.

    Lists the flow nodes, data and annotations drawn in the diagram (not pools, lanes, flows);
    ``lane`` is the innermost lane's name, else the pool's, else "".
    """
    chosen = _diagram(model, diagram)
    lang = "en" if lang == "en" else "de"
    renderer = _Renderer(model, chosen, None, lang)
    rows = []
    for di in chosen.shapes:
        element = model.get(di.bpmn_element) if di.bpmn_element else None
        if element is None or element.type in ("participant", "lane", "group", "message"):
            continue
        kind = element.type
        label = type_label(kind, lang)
        defs = _event_definitions(element.el) if kind in kinds.EVENTS else []
        if defs:
            label += " (" + ", ".join(DEFINITION_LABELS.get(d, (d, d))[lang == "en"] for d in defs) + ")"
        lane = element.lane
        where = lane.name if lane is not None and lane.name else ""
        if not where:
            process = element.process
            pool = process.participant if process is not None else None
            where = (pool.name or "") if pool is not None else ""
        b = di.bounds
        key = (b.x, b.y) if b is not None else (math.inf, math.inf)
        rows.append((key, (label, renderer.label_of(element, kind).replace("\n", " "), where)))
    rows.sort(key=lambda r: r[0])
    return [row for _, row in rows]


def svg_to_png(svg):
    """PNG bytes of an SVG document, through cairosvg (needs the cairo library)."""
    try:
        import cairosvg
    except (ImportError, OSError) as error:
        raise RenderError(
            f"PNG output needs cairosvg and the cairo library ({error}); install the 'libcairo2' "
            "package (Debian/Ubuntu) or write SVG instead (-o out.svg)") from None
    return cairosvg.svg2png(bytestring=svg.encode("utf-8"))


def render_file(path, output=None, diagram=0, lang="de", max_bytes=None):
    """Render the model at ``path``; write it atomically to ``output`` (.svg or .png) when given.

    Returns the SVG text when ``output`` is None, else the bytes written.
    """
    from pathlib import Path

    from .fileio import atomic_write
    from .model import read_model
    from .xml import DEFAULT_MAX_BYTES

    suffix = Path(output).suffix.lower() if output else ".svg"
    if suffix not in (".svg", ".png"):
        raise RenderError(f"{output}: cannot write {suffix or 'files without a suffix'}; name the output *.svg or *.png")
    model = read_model(path, max_bytes or DEFAULT_MAX_BYTES)
    svg = render_svg(model, diagram=diagram, lang=lang)
    if output is None:
        return svg
    data = svg_to_png(svg) if suffix == ".png" else svg.encode("utf-8")
    atomic_write(output, data)
    return data
