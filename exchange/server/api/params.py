"""What the API's routes share in their signatures: the URL prefix, path parameters, the token scheme."""

from typing import Any

from fastapi import Depends, Path
from fastapi.security import HTTPBearer

from procex.exchange.library import package

API = "/api/v1"
SLUG = package.SLUG_PATTERN
VERSION = rf"^{package.VERSION_PATTERN}$"
VERSION_OR_LATEST = rf"^(?:{package.VERSION_PATTERN}|latest)$"

_bearer = HTTPBearer(auto_error=False, description="A member token: procex admin token create SLUG")
BEARER = Depends(_bearer)  # documents the scheme in OpenAPI; Context.member() reads the header itself
SECURITY: dict[str, Any] = {"security": [{"HTTPBearer": []}]}  # openapi_extra of every operation that reads a token

PublisherPath = Path(pattern=rf"^{SLUG}$", description="The publishing member's slug, e.g. trier")
SlugPath = Path(pattern=rf"^{SLUG}$", description="The process slug, e.g. gewerbeanmeldung")
VersionPath = Path(pattern=VERSION)
VersionOrLatestPath = Path(pattern=VERSION_OR_LATEST)
