"""Who is calling, and what the library's policy lets them read or write.

Requests carry ``Authorization: Bearer <token>``; the store keeps only the token's sha256.
Policies: ``reciprocal`` (default; the give-to-get rule: a member reads other members' processes
only after accepting the sharing agreement, its own always), ``members`` (any member reads),
``public`` (reads need no token). Writing always needs a token, and only in one's own namespace.
"""

from typing import Any

from procex.exchange.library import error_codes
from procex.exchange.server.errors import ApiError

Member = dict[str, Any]  # a row of the members table, as the store gives it

_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="procex library"'}


def caller(store, authorization):
    """The member behind an Authorization header, None without one; 401 for a bad or revoked token."""
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise ApiError(
            401, error_codes.UNAUTHORIZED, "the Authorization header must be 'Bearer <token>'", headers=_CHALLENGE
        )
    member = store.member_for_token(token)
    if member is None:
        raise ApiError(
            401,
            error_codes.UNAUTHORIZED,
            "the token is unknown or was revoked; ask the library's administrator for a "
            "new one (procex admin token create SLUG)",
            headers=_CHALLENGE,
        )
    return member


def require_member(member: Member | None, action: str = "use this library") -> Member:
    """The caller's member row; 401 when the request carried no valid token."""
    if member is None:
        raise ApiError(
            401,
            error_codes.UNAUTHORIZED,
            f"a token is needed to {action}: send 'Authorization: Bearer <token>' "
            "(the library's administrator creates one with procex admin token create)",
            headers=_CHALLENGE,
        )
    return member


def may_read_others(policy, member):
    """Whether the caller may read other members' processes under ``policy``."""
    if policy == "public":
        return True
    if member is None:
        return False
    if policy == "members":
        return True
    return member["agreement"] is not None


def check_read(policy, member, publisher):
    """Raise 401/403 unless the caller may read processes published by ``publisher``."""
    if policy == "public":
        return
    require_member(member, "read processes")
    if member["slug"] == publisher or may_read_others(policy, member):
        return
    raise ApiError(
        403,
        error_codes.AGREEMENT_REQUIRED,
        f"member {member['slug']!r} has not accepted the library's sharing agreement: under the "
        "give-to-get rule a member reads other members' processes only after it agreed to share "
        "its own; its own processes it can always read. The library's administrator records the "
        f"agreement with: procex admin member agree {member['slug']} --license dl-de/by-2-0",
    )


def check_write(member: Member | None, publisher: str, action: str = "publish") -> Member:
    """The caller's member row; 401/403 unless the caller is the member ``publisher`` (its own namespace)."""
    member = require_member(member, action)
    if member["slug"] != publisher:
        raise ApiError(
            403,
            error_codes.WRONG_NAMESPACE,
            f"member {member['slug']!r} may {action} only under its own name "
            f"({member['slug']}/...), not under {publisher!r}",
        )
    return member
