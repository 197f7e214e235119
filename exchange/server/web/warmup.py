"""What a server worker loads when it starts, so that the first compare page does not pay for it.

The compare path imports its heavy modules late (the CLI must start fast): scipy's assignment and
sparse-graph solvers, numpy, rapidfuzz, the diff, report and renderer modules, and the German
hyphenation dictionary (pyphen) the renderer wraps long words with. In a worker that serves pages,
loading them on the first request put about 0.5-1 s of CPU on that request; here it runs once in the
app's lifespan, before the worker accepts requests.
"""

import importlib
from contextlib import asynccontextmanager

# Every module the first compare imports late (procex diff, match, report, renderer; see there).
COMPARE_MODULES = (
    "numpy",
    "scipy.optimize",
    "scipy.sparse",
    "scipy.sparse.csgraph",
    "scipy.spatial",
    "rapidfuzz.distance",
    "rapidfuzz.process",
    "procex.bpmn.diff",
    "procex.bpmn.diff_text",
    "procex.bpmn.diff_view",
    "procex.bpmn.report_html",
    "procex.bpmn.render",
)


def load_compare_modules() -> None:
    """Import the compare path's late imports and load the hyphenation dictionary."""
    for name in COMPARE_MODULES:
        importlib.import_module(name)
    from procex.bpmn import text
    from procex.bpmn.render.labels import hyphenator

    text._indel()
    hyphenator()


def warm_up_on_start(app) -> None:
    """Run load_compare_modules when ``app`` starts (around its existing lifespan, if any)."""
    previous = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(started):
        load_compare_modules()  # before the worker serves: nothing waits on the event loop yet
        async with previous(started) as state:
            yield state

    app.router.lifespan_context = lifespan
