"""A process (or its pool) carries documentation.

Why: a municipality that finds the process in the library needs a few sentences on its purpose,
scope and legal basis before it adopts it; the diagram alone rarely says that.
How to fix: add a documentation text to the process or its pool (in most editors: the
"Documentation" field of the process or pool).
"""
from ._util import describe_container, finding

ID = "missing-documentation"
PRESET = "all"
SEVERITY = "warn"


def _documented(element):
    return element is not None and any(text.strip() for text in element.documentation)


def check(model):
    for process in model.processes:
        if not process.children:
            continue  # an empty process (a black-box pool's placeholder)
        if _documented(process) or _documented(process.participant):
            continue
        yield finding(ID, process, f"{describe_container(process)} has no documentation; describe its purpose, "
                                   "scope and legal basis in the process or pool documentation")
