"""The request's view of the library: the app's store and settings, and the calling member.

Routes take ``ctx: LibraryContext`` (a FastAPI dependency reading app.state, so several apps can
live in one process). The member is looked up when a route asks for it, not before: a route
checks its path and query first (422) and reads a body only after the caller is known.
"""

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from procex.exchange.library import error_codes
from procex.exchange.server import auth
from procex.exchange.server.errors import ApiError
from procex.exchange.server.settings import Settings
from procex.exchange.server.storage.store import Store


@dataclass(frozen=True)
class Context:
    store: Store
    settings: Settings
    authorization: str | None

    @property
    def policy(self) -> str:
        return self.settings.policy

    def member(self) -> dict | None:
        """The member behind the request's token, None without one; 401 for a bad or revoked token."""
        return auth.caller(self.store, self.authorization)

    def version_row(self, publisher: str, slug: str, version: str):
        """The stored version (``latest``: the highest unyanked), else a 404 that says what is missing."""
        row = self.store.find_version(publisher, slug, version)
        if row is None:
            what = "has no published, unyanked version" if version == "latest" else f"has no version {version}"
            raise ApiError(404, error_codes.NOT_FOUND, f"{publisher}/{slug} {what}")
        return row


async def _context(request: Request) -> Context:
    state = request.app.state
    return Context(state.store, state.settings, request.headers.get("authorization"))


LibraryContext = Annotated[Context, Depends(_context)]
