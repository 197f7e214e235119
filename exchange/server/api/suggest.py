"""POST /api/v1/suggest: candidates for a catalogue's waiting entries, ranked by the server.

The client sends the entries' Leistungsschlüssel and titles (at most 200 per request, the body at
most 64 KiB like every small request) and gets, per entry and in the same order, the best
``limit`` candidates with their tier, score, adoptions and check result, the number of candidates
and their count per tier (server/suggest.py). The caller's own processes are never proposed. Who
may not read other members' processes (the sharing agreement) gets the index's 403.
"""

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from procex.exchange.server import auth
from procex.exchange.server import suggest as ranking
from procex.exchange.server.api.answers import errors
from procex.exchange.server.api.bodies import json_body
from procex.exchange.server.api.context import LibraryContext
from procex.exchange.server.api.limits import SMALL_BODY_LIMIT
from procex.exchange.server.api.params import API, BEARER, SECURITY


class SuggestEntry(BaseModel):
    leistungsschluessel: str = Field("", pattern=r"^([0-9]{14})?$", description="14 digits, or empty")
    title: str = Field("", max_length=300, description="The entry's title in the catalogue")


class SuggestRequest(BaseModel):
    entries: list[SuggestEntry] = Field(min_length=1, max_length=ranking.MAX_ENTRIES)
    limit: int = Field(5, ge=1, le=ranking.MAX_LIMIT, description="Candidates per entry")


CANDIDATE_SCHEMA = {
    "type": "object",
    "properties": {
        "ref": {"type": "string"},
        "publisher": {"type": "string"},
        "slug": {"type": "string"},
        "version": {"type": "string"},
        "name": {"type": "string"},
        "leistungsschluessel": {"type": "array", "items": {"type": "string"}},
        "match": {"type": "string", "enum": list(ranking.TIERS)},
        "score": {"type": "number"},
        "adoptions": {"type": "integer"},
        "validation": {"description": '{"errors": n, "warnings": n}, or "accepted" when not known'},
    },
}
ANSWER_SCHEMA = {
    "type": "object",
    "properties": {
        "library_processes": {"type": "integer", "description": "Listed processes of other members"},
        "entries": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "leistungsschluessel": {"type": "string"},
                    "title": {"type": "string"},
                    "total": {"type": "integer"},
                    "by_match": {"type": "object", "additionalProperties": {"type": "integer"}},
                    "candidates": {"type": "array", "items": CANDIDATE_SCHEMA},
                },
            },
        },
    },
}
BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": SuggestRequest.model_json_schema()}},
        "description": f"At most {ranking.MAX_ENTRIES} entries and {SMALL_BODY_LIMIT // 1024} KiB (413 beyond)",
    }
}


router = APIRouter(prefix=API, tags=["processes"])


@router.post(
    "/suggest",
    openapi_extra=dict(BODY, **SECURITY),
    responses={
        200: {"content": {"application/json": {"schema": ANSWER_SCHEMA}}, "description": "Candidates per entry"},
        **errors(401, 403, 415, 422),
    },
)
async def suggest(ctx: LibraryContext, request: Request, _token=BEARER):
    """Rank the library's processes for catalogue entries (procex suggest), the caller's own left out."""
    member = await run_in_threadpool(ctx.member)
    if not auth.may_read_others(ctx.policy, member):
        auth.require_member(member, "ask for suggestions")
        auth.check_read(ctx.policy, member, "")  # the 403 that names the sharing agreement
    body = await json_body(request, SuggestRequest, '{"entries": [{"leistungsschluessel": "…", "title": "…"}]}')
    entries = [entry.model_dump() for entry in body.entries]
    own = member["slug"] if member else ""
    return await run_in_threadpool(ranking.suggest, ctx.store, entries, own, body.limit)
