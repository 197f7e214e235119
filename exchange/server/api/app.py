"""The library's HTTP API v1 (FastAPI): search, read, publish, yank and adopt processes.

``create_app(settings)`` builds the app around one Store; ``create_app_from_env()`` is what
uvicorn workers import (`procex serve`). The routes live in one module per resource (service,
members, index, changes, suggest, adoptions, processes, publishing), each an APIRouter whose handlers take the
app's store and settings through a dependency (context.py), so several apps can run in one
process. Every error answer has one shape (error_handlers.py). The OpenAPI document is at
/openapi.json; there is no Swagger UI or ReDoc page, which would load JavaScript from a CDN into
the library's origin, where members paste their tokens. HTML pages are added by web.register(app).
"""

from fastapi import Depends, FastAPI

from procex.exchange.server.api import (
    adoptions,
    changes,
    error_handlers,
    index,
    members,
    processes,
    publishing,
    service,
    suggest,
)
from procex.exchange.server.api.head import HeadAsGet
from procex.exchange.server.api.limits import BodyLimit
from procex.exchange.server.api.text_check import declared_parameters_follow_the_text_rule
from procex.exchange.server.settings import Settings
from procex.exchange.server.storage.store import Store
from procex.exchange.server.web import routes as web

# In this order: adoptions' /processes/{publisher}/{slug}/adoptions before processes'
# /processes/{publisher}/{slug}/{version}, which would otherwise take it.
ROUTERS = (service, members, index, changes, suggest, adoptions, processes, publishing)


def create_app(settings=None, store=None):
    """The FastAPI app for ``settings``; ``store`` defaults to Store(settings.db) (upgraded)."""
    settings = settings or Settings()
    store = store or Store(settings.db)
    app = FastAPI(
        title="procex process library",
        version="1",
        description="Members publish BPMN 2.0 processes and, by the give-to-get rule, read others'. "
        "Every GET operation also answers HEAD: the same status and headers, no body.",
        # No /docs or /redoc: those pages load Swagger UI/ReDoc from cdn.jsdelivr.net into this
        # origin. Any OpenAPI viewer reads /openapi.json.
        openapi_url="/openapi.json",
        docs_url=None,
        redoc_url=None,
        # The text rule for every declared query and path parameter of every route (text_check.py).
        dependencies=[Depends(declared_parameters_follow_the_text_rule)],
    )
    app.state.settings = settings
    app.state.store = store
    app.add_middleware(BodyLimit, limit=settings.max_upload_bytes)
    app.add_middleware(HeadAsGet)
    error_handlers.install(app)
    for module in ROUTERS:
        app.include_router(module.router)
    web.register(app)
    return app


def create_app_from_env():
    """App factory for uvicorn workers: settings come from PROCEX_* variables."""
    return create_app(Settings.from_env())
