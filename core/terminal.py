"""Text from outside, made safe to print on a terminal.

A library server (or anyone who can put text into one: a yank reason, a process name, an error
message) must not be able to drive the user's terminal: ``ESC ] 0;title BEL`` sets the window
title, ``ESC [ 2J`` clears the screen, other sequences rewrite what the user sees or, on some
terminals, answer back into the input. ``printable`` removes every escape sequence and control
character, so every print of text that came from a server goes through it.
"""

import re

# ESC-introduced sequences (ECMA-48): CSI "ESC [" params final; OSC/DCS/SOS/PM/APC strings up to
# BEL or ST; two-character escapes. Their 8-bit C1 forms (U+009B CSI, U+009D OSC, ...) likewise.
_ESCAPES = re.compile(
    r"""
      (?:\x1b\[|\x9b)[\x20-\x3f]*[\x40-\x7e]?                 # CSI ... final byte
    | (?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?  # OSC, DCS, ... to BEL/ST
    | \x1b[\x20-\x2f]*[\x30-\x7e]?                              # other ESC sequences
    """,
    re.VERBOSE,
)
# What is left after the sequences: C0 and C1 controls, DEL, and the bidirectional overrides and
# isolates that make a terminal show text in another order than it is (U+202A-202E, U+2066-2069).
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_LINE_BREAKS = re.compile(r"[\t\n\r\v\f\u2028\u2029\x85]+")


def printable(text: object, keep_newlines: bool = False) -> str:
    """``text`` (any value; None gives "") without escape sequences and control characters.

    Tabs and line breaks become one space, so that server text cannot add lines that look like
    procex's own; with ``keep_newlines`` a line break stays (for messages procex itself wrote on
    several lines)."""
    if text is None:
        return ""
    text = _ESCAPES.sub("", str(text))
    if keep_newlines:
        lines = text.split("\n")
        return "\n".join(_LINE_BREAKS.sub(" ", _CONTROLS.sub("", line)) for line in lines)
    return _CONTROLS.sub("", _LINE_BREAKS.sub(" ", text))
