"""The one rule for text the library stores or searches: Unicode characters, no control characters.

Allowed is any Unicode character except the C0 and C1 control characters (U+0000-U+001F,
U+007F-U+009F; tab, line feed and carriage return are fine) and lone surrogates (U+D800-U+DFFF
without a partner: not characters at all, and unencodable as UTF-8). PostgreSQL cannot store
U+0000 in text, no database stores a lone surrogate, and a control character in a name or a yank
reason is a terminal escape waiting for a reader's screen; BPMN and XProzess documents (XML) cannot
contain any of them, so no real process text is refused.

The server applies the rule to every query and path parameter a route declares, every string of
a JSON body and, through the manifest schema's ``$defs/text`` (the same pattern), every free-text
field of a manifest; each refusal is a 422 that names the field. The client checks manifests
against the same schema, so it refuses what the server would.
"""

import re
from collections.abc import Iterator
from typing import Any

# The rule as a regular expression, for the manifest schema ($defs/text) and the OpenAPI document
# (Python's re and ECMA's with the u flag read it alike).
_CLASS = "\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f\\ud800-\\udfff"
PATTERN = f"^[^{_CLASS}]*$"
# The OpenAPI document's form: the same without the surrogate range, which generators and validators
# of other languages (schemathesis, hypothesis-jsonschema) cannot use; a query string cannot carry
# a lone surrogate anyway, and JSON bodies are checked with FORBIDDEN.
PORTABLE_PATTERN = "^[^\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f]*$"
FORBIDDEN = re.compile(f"[{_CLASS}]")
RULE = "text may hold any Unicode character but control characters (tab and line breaks are fine) and lone surrogates"

_NAMES = {0x00: "NUL", 0x1B: "ESC", 0x7F: "DEL", 0x9B: "CSI"}


def text_problem(text: str) -> str | None:
    """Why ``text`` breaks the rule (one sentence naming the first bad character), or None."""
    found = FORBIDDEN.search(text)
    if found is None:
        return None
    code = ord(found.group())
    if 0xD800 <= code <= 0xDFFF:
        what = f"U+{code:04X} (a lone surrogate, which is not a character)"
    else:
        name = _NAMES.get(code)
        what = f"U+{code:04X} ({name}, a control character)" if name else f"U+{code:04X} (a control character)"
    return f"contains {what} at position {found.start() + 1}; {RULE}"


def json_text_problems(value: Any, path: tuple[str | int, ...] = ()) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """(path, problem) for every string in parsed JSON ``value`` (object keys included) that
    breaks the rule; a path is the tuple of keys and list indexes leading to the string."""
    stack = [(value, path)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, str):
            problem = text_problem(item)
            if problem:
                yield where, problem
        elif isinstance(item, dict):
            children = []
            for key, child in item.items():
                problem = text_problem(key)
                if problem:
                    yield (*where, printable(key)), f"the key {problem}"
                children.append((child, (*where, printable(key))))
            stack.extend(reversed(children))  # popped in document order
        elif isinstance(item, list):
            stack.extend(reversed([(child, (*where, index)) for index, child in enumerate(item)]))


def printable(text: str, limit: int = 200) -> str:
    """``text`` safe to quote in an answer or a terminal: bad characters shown as \\uXXXX escapes."""
    shown = FORBIDDEN.sub(lambda found: f"\\u{ord(found.group()):04x}", text)
    return shown if len(shown) <= limit else shown[:limit] + "…"
