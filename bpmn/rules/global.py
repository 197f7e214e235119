"""Global elements (messages, errors, signals, escalations) are used and named uniquely.

Why: a message, error, signal or escalation that no event, task or message flow refers to is a
leftover that confuses readers and importers; two of the same kind with the same name make
references ambiguous for people (who see names, not ids).
How to fix: delete the unused definition, or refer to it; rename or merge duplicates.
"""
from .. import kinds
from ._util import describe, finding, label

ID = "global"
PRESET = "recommended"
SEVERITY = "warn"
_GLOBALS = {"message": ("messageRef", "inMessageRef", "outMessageRef"), "error": ("errorRef",),
            "signal": ("signalRef",), "escalation": ("escalationRef",)}
_REF_NAMES = {name for names in _GLOBALS.values() for name in names}


def _referenced(model):
    used = set()
    for el in model.root.iter():
        if not isinstance(el.tag, str):
            continue
        for name in _REF_NAMES:
            value = el.get(name)
            if value:
                used.add(kinds.local_ref(value))
        if el.tag.rsplit("}", 1)[-1] in _REF_NAMES and el.text:
            used.add(kinds.local_ref(el.text))
    return used


def check(model):
    used = None
    for kind in _GLOBALS:
        names = {}
        for el in model.of_kind(kind):
            if el.el.getparent() is not model.root:
                continue
            if used is None:
                used = _referenced(model)
            if el.id not in used:
                yield finding(ID, el, f"{describe(el)} is not used by any event, task or message flow; "
                                      "delete it or refer to it")
            name = label(el.el)
            if name:
                first = names.setdefault(name.casefold(), el)
                if first is not el:
                    yield finding(ID, el, f"{describe(el)} has the same name as {describe(first, kind=False)}; "
                                          f"rename one of them or use one {kind} for both")
