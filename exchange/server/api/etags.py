"""If-None-Match for the API's cacheable answers (the index and model downloads)."""


def etag_matches(header: str | None, etag: str) -> bool:
    """Whether an If-None-Match header matches ``etag`` (weak comparison, "*" matches anything)."""
    if not header:
        return False
    if header.strip() == "*":
        return True
    candidates = [part.strip() for part in header.split(",")]
    return any(candidate.removeprefix("W/") == etag for candidate in candidates)


def cached_sha256(header: str | None, limit: int = 16) -> tuple[str, ...]:
    """The sha256 values (or "*") an If-None-Match header names, for the model query."""
    if not header:
        return ()
    if header.strip() == "*":
        return ("*",)
    found = []
    for part in header.split(",")[:limit]:
        tag = part.strip().removeprefix("W/")  # exactly what etag_matches compares
        if len(tag) == 66 and tag[0] == tag[-1] == '"' and all(c in "0123456789abcdef" for c in tag[1:-1]):
            found.append(tag[1:-1])
    return tuple(found)
