"""Labels: which text an element shows, how wide it is, where it wraps, and escaping it for SVG.

Text is measured with the standard metrics of Helvetica/Arial, so labels wrap where modelling
tools wrap them without a font on the server.
"""

import re
from functools import lru_cache
from html import escape
from itertools import repeat
from typing import Any

from procex.bpmn import kinds
from procex.bpmn.render.style import FONT_SIZE, LINE_HEIGHT, MIN_FONT_SIZE
from procex.bpmn.xml import BPMN_NS

_BPMN = f"{{{BPMN_NS}}}"

# Advance widths of Helvetica/Arial in 1/1000 em (the standard AFM metrics of the font).
_AFM = {
    " ": 278,
    "!": 278,
    '"': 355,
    "#": 556,
    "$": 556,
    "%": 889,
    "&": 667,
    "'": 191,
    "(": 333,
    ")": 333,
    "*": 389,
    "+": 584,
    ",": 278,
    "-": 333,
    ".": 278,
    "/": 278,
    ":": 278,
    ";": 278,
    "<": 584,
    "=": 584,
    ">": 584,
    "?": 556,
    "@": 1015,
    "A": 667,
    "B": 667,
    "C": 722,
    "D": 722,
    "E": 667,
    "F": 611,
    "G": 778,
    "H": 722,
    "I": 278,
    "J": 500,
    "K": 667,
    "L": 556,
    "M": 833,
    "N": 722,
    "O": 778,
    "P": 667,
    "Q": 778,
    "R": 722,
    "S": 667,
    "T": 611,
    "U": 722,
    "V": 667,
    "W": 944,
    "X": 667,
    "Y": 667,
    "Z": 611,
    "[": 278,
    "\\": 278,
    "]": 278,
    "^": 469,
    "_": 556,
    "`": 333,
    "a": 556,
    "b": 556,
    "c": 500,
    "d": 556,
    "e": 556,
    "f": 278,
    "g": 556,
    "h": 556,
    "i": 222,
    "j": 222,
    "k": 500,
    "l": 222,
    "m": 833,
    "n": 556,
    "o": 556,
    "p": 556,
    "q": 556,
    "r": 333,
    "s": 500,
    "t": 278,
    "u": 556,
    "v": 500,
    "w": 722,
    "x": 500,
    "y": 500,
    "z": 500,
    "{": 334,
    "|": 260,
    "}": 334,
    "~": 584,
    "ä": 556,
    "ö": 556,
    "ü": 556,
    "Ä": 667,
    "Ö": 778,
    "Ü": 722,
    "ß": 611,
    "é": 556,
    "è": 556,
    "€": 556,
    "§": 556,
    "–": 556,
    "—": 1000,
    "„": 333,
    "“": 333,
    "”": 333,
    "…": 1000,
    "°": 400,
}
_AFM.update({str(d): 556 for d in range(10)})
_DEFAULT_WIDTH = 556


def text_width(text, size=FONT_SIZE):
    """Approximate rendered width in px of ``text`` in a sans font of ``size`` px."""
    # map in C, not a generator: a large diagram measures hundreds of thousands of line candidates
    return sum(map(_AFM.get, text, repeat(_DEFAULT_WIDTH, len(text)))) * size / 1000.0


@lru_cache(maxsize=1 << 15)
def _word_units(word):
    """The advance width of ``word`` in 1/1000 em: an integer, so the widths of a line's words add up
    to exactly the line's (text_width of the line gives the same float)."""
    return sum(map(_AFM.get, word, repeat(_DEFAULT_WIDTH, len(word))))


_PIECES = re.compile(r"\S+?-(?=\S)|\S+")
_SPACE_UNITS = _AFM[" "]


def wrap_text(text, width, size=FONT_SIZE):
    """Break ``text`` into lines no wider than ``width``.

    Explicit line breaks are kept; lines break at spaces (and after hyphens); a word longer than
    the line is hyphenated at a syllable (German patterns of the pyphen dictionary), and only cut
    where no syllable break fits.
    """
    return list(_wrapped(text, width, size))


# Label layout is kept per (text, width, size): the two versions on a compare page share most
# labels, and real models repeat them ("Antrag prüfen") in boxes of the same size.
@lru_cache(maxsize=1 << 14)
def _wrapped(text, width, size):
    width = max(width, size)
    lines = []
    for paragraph in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        pieces = list(_PIECES.finditer(paragraph))
        if not pieces:
            lines.append("")
            continue
        # the line's width is kept as it grows (in integer font units) instead of measured again
        line, end, line_units = "", -1, 0
        for match in pieces:
            word = match.group()
            word_units = _word_units(word)
            # The piece after a hyphen of the same word ("Gewerbe-|Anmeldung") joins it without a
            # space; after a hyphen that stands before a space ("Industrie- und") the space stays.
            glue = "" if not line or match.start() == end else " "
            end = match.end()
            units = line_units + (_SPACE_UNITS if glue else 0) + word_units
            if units * size / 1000.0 <= width:  # text_width(line + glue + word, size) <= width
                line = line + glue + word if line else word
                line_units = units
                continue
            if line and word_units * size / 1000.0 > width:
                # Too long for any line: its first syllables may still fill this one.
                head, rest = _syllables_fitting(word, width - text_width(line + glue, size), size)
                if head:
                    lines.append(line + glue + head)
                    line, word = "", rest
            if line:
                lines.append(line)
            line = ""
            while text_width(word, size) > width:
                head, rest = _syllables_fitting(word, width, size)
                if head is None:  # no syllable break fits: cut where the line ends
                    cut = 1
                    while cut < len(word) and text_width(word[: cut + 1], size) <= width:
                        cut += 1
                    head, rest = word[:cut], word[cut:]
                lines.append(head)
                word = rest
            line, line_units = word, _word_units(word)
        lines.append(line)
    while lines and not lines[-1]:
        lines.pop()
    return tuple(lines)


_HYPHENATOR: list[Any] = []  # the pyphen dictionary, loaded on first use (or by hyphenator())


def hyphenator() -> Any:
    """The German hyphenation dictionary (pyphen), loaded once: 0.1-0.7 s of CPU, which a server
    spends when a worker starts rather than on its first diagram."""
    if not _HYPHENATOR:
        import pyphen  # German hyphenation patterns (LibreOffice's dictionaries)

        _HYPHENATOR.append(pyphen.Pyphen(lang="de_DE", left=3, right=3))
    return _HYPHENATOR[0]


def _syllables_fitting(word, room, size):
    """(first syllables + "-", rest) of ``word``: the longest start that fits ``room``; (None, word)
    when none does."""
    if room <= 0:
        return None, word
    for head, rest in hyphenator().iterate(word):  # longest start first
        if text_width(head + "-", size) <= room:
            return head + "-", rest
    return None, word


def fit_lines(text, width, height, size=FONT_SIZE, floor=MIN_FONT_SIZE):
    """(lines, font size, elided) of ``text`` inside a box of ``width`` × ``height``.

    The font shrinks in half-pixel steps down to ``floor`` until the wrapped lines fit; what still
    does not fit is cut after the last line that does, with an ellipsis (the caller shows the
    full text in a tooltip).
    """
    lines, size, cut = _fitted(text, width, height, size, floor)
    return list(lines), size, cut


@lru_cache(maxsize=1 << 14)  # per label and box, as _wrapped
def _fitted(text, width, height, size, floor):
    lines = wrap_text(text, width, size)
    while len(lines) * line_height(size) > height and size > floor:
        size = max(floor, size - 0.5)
        lines = wrap_text(text, width, size)
    room = max(1, int(height // line_height(size)))
    if len(lines) <= room:
        return tuple(lines), size, False
    lines = lines[:room]
    last = lines[-1].rstrip()
    while last and text_width(last + "…", size) > width:
        last = last[:-1]
    lines[-1] = last.rstrip(" -") + "…"
    return tuple(lines), size, True


def line_height(size):
    """The distance of two lines of text of ``size`` px."""
    return size * LINE_HEIGHT / FONT_SIZE


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_SPECIAL = re.compile(r"[&<>\"'\x00-\x08\x0b\x0c\x0e-\x1f]")  # what esc changes


def esc(text):
    """``text`` escaped for SVG text and attributes, without the control characters XML forbids."""
    if not text:
        return ""
    if _SPECIAL.search(text) is None:  # most ids and labels: nothing to replace
        return text
    return escape(_CONTROL.sub("", text), quote=True)


def label_of(model, element, kind):
    """The text ``element`` (of ``kind``) shows: its name, an annotation's text, a group's category
    value, a pool's process name, a data object's name and ``[state]``."""
    el = element.el
    if kind == "textAnnotation":
        text = el.find(_BPMN + "text")
        return "".join(text.itertext()).strip() if text is not None else ""
    if kind == "group":
        ref = el.get("categoryValueRef")
        value = model.get(kinds.local_ref(ref)) if ref else None
        return (value.el.get("value") or "") if value is not None else (el.get("name") or "")
    name = el.get("name") or ""
    if kind == "participant" and not name and element.process_ref is not None:
        name = element.process_ref.name or ""
    if kind == "dataObjectReference" and not name:
        ref = el.get("dataObjectRef")
        target = model.get(kinds.local_ref(ref)) if ref else None
        name = (target.name or "") if target is not None else ""
    if kind in ("dataObjectReference", "dataStoreReference", "dataInput", "dataOutput", "dataObject"):
        state = el.find(_BPMN + "dataState")
        if state is not None and state.get("name"):
            name = f"{name}\n[{state.get('name')}]" if name else f"[{state.get('name')}]"
    return name
