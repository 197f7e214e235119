"""GET /api/v1/health: liveness, for load balancers and `procex serve` readiness."""

from fastapi import APIRouter

from procex.exchange.server.api.answers import errors
from procex.exchange.server.api.context import LibraryContext
from procex.exchange.server.api.params import API

router = APIRouter(prefix=API, tags=["service"])


@router.get("/health", responses=errors())
def health(ctx: LibraryContext):
    """Liveness and schema version (for load balancers and `procex serve` readiness)."""
    return {"status": "ok", "schema_version": ctx.store.schema_version(), "policy": ctx.policy}
