"""GET /api/v1/me: who the caller is and what the library's policy lets it do."""

from fastapi import APIRouter

from procex.exchange.server import auth
from procex.exchange.server.api.answers import errors
from procex.exchange.server.api.context import LibraryContext
from procex.exchange.server.api.params import API, BEARER, SECURITY

router = APIRouter(prefix=API, tags=["members"])


@router.get("/me", openapi_extra=SECURITY, responses=errors(401))
def me(ctx: LibraryContext, _token=BEARER):
    """The caller's member record and whether it may read other members' processes."""
    member = ctx.member()
    if ctx.policy != "public":
        auth.require_member(member, "ask who you are")
    return {
        "member": member,
        "policy": ctx.policy,
        "may_read": auth.may_read_others(ctx.policy, member),
        "may_publish": member is not None,
        "publishes_as": member["slug"] if member else None,
    }
