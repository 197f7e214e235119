"""What each version was derived from, as an indexed table (``derivations``, schema step 7).

A version whose manifest names ``derived_from`` gets one row (its version id, the named
publisher, slug and version), written in the publishing transaction. The process page's "derived
from this one" is then a lookup by (from_publisher, from_slug) joined to the processes' latest
versions, instead of a LIKE over every manifest of the library.
"""

import json

import sqlalchemy as sa

from procex.exchange.library import package

BACKFILL_CHUNK = 1000  # manifests read at once by the backfill


def source_of(manifest):
    """(publisher, slug, version) that ``manifest`` says it was derived from, or None."""
    derived = manifest.get("derived_from")
    ref = derived.get("ref") if isinstance(derived, dict) else None
    try:
        parsed = package.parse_ref(ref, require_version=True) if isinstance(ref, str) else None
    except package.PackageError:
        return None  # not a reference: nothing to link (publish refuses such manifests)
    return (parsed.publisher, parsed.slug, parsed.version) if parsed else None


def row_of(version_id, manifest):
    """The derivations row of a version, or None when it names no source."""
    source = source_of(manifest)
    if source is None:
        return None
    return {"version_id": version_id, "from_publisher": source[0], "from_slug": source[1], "from_version": source[2]}


def write(conn, version_id, manifest):
    """Record the version's source, if any (in the caller's transaction)."""
    from procex.exchange.server.storage.store import derivations

    row = row_of(version_id, manifest)
    if row is not None:
        conn.execute(derivations.insert().values(**row))


def backfill(conn, chunk=BACKFILL_CHUNK):
    """Fill the table from every stored version: ``chunk`` manifests at a time, in id order, only
    those that mention derived_from (a prefilter; the JSON decides), so memory stays bounded."""
    last = 0
    while True:
        rows = conn.execute(
            sa.text(
                "SELECT id, manifest FROM versions WHERE id > :last AND manifest LIKE :mention ORDER BY id LIMIT :n"
            ),
            {"last": last, "mention": '%"derived_from"%', "n": chunk},
        ).fetchall()
        if not rows:
            return
        found = [row_of(version_id, json.loads(manifest)) for version_id, manifest in rows]
        found = [row for row in found if row is not None]
        if found:
            conn.execute(
                sa.text(
                    "INSERT INTO derivations (version_id, from_publisher, from_slug, from_version) "
                    "VALUES (:version_id, :from_publisher, :from_slug, :from_version)"
                ),
                found,
            )
        last = rows[-1][0]
