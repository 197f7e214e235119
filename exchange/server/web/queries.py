"""What the pages read from the store beyond the API's functions: a process's versions, member
names, LeiKa service names and the processes derived from one."""

import sqlalchemy as sa

from procex.exchange.server.storage import store as store_module


def version_rows(store, publisher, slug):
    """Every version row of one process, newest first (yanked ones too)."""
    versions = store_module.versions
    with store.read() as conn:
        return conn.execute(
            versions.select()
            .where(versions.c.publisher == publisher, versions.c.slug == slug)
            .order_by(versions.c.version_sort.desc())
        ).fetchall()


def member_name(store, slug):
    """The display name of a member (its slug when unknown)."""
    try:
        return store.get_member(slug)["name"]
    except store_module.StoreError:
        return slug


def member_names(store, slugs):
    """{slug: display name} of the members among ``slugs`` (one indexed lookup; the search page needs
    the names of its hits' and facets' publishers only, never the whole membership)."""
    wanted = sorted({slug for slug in slugs if slug})
    if not wanted:
        return {}
    table = store_module.members
    with store.read() as conn:
        rows = conn.execute(sa.select(table.c.slug, table.c.name).where(table.c.slug.in_(wanted))).fetchall()
    return {row.slug: row.name for row in rows}


def leika_names(keys):
    """The LeiKa service names of Leistungsschlüssel ("" where unknown or the list is missing)."""
    try:
        from procex.exchange.catalogue.leika import load_leika

        services = load_leika()
    except Exception:  # the reference list is optional for the page: show bare keys
        return {key: "" for key in keys}
    return {key: services[key].name if key in services else "" for key in keys}


def derived_processes(store, publisher, slug):
    """Processes of this library whose latest version names a version of this one in derived_from,
    by publisher and slug: an indexed lookup in ``derivations`` (storage/derivations.py)."""
    processes, versions, derivations = store_module.processes, store_module.versions, store_module.derivations
    with store.read() as conn:
        rows = conn.execute(
            sa.select(versions.c.publisher, versions.c.slug, versions.c.version, derivations.c.from_version)
            .select_from(derivations)
            .join(processes, processes.c.latest_version_id == derivations.c.version_id)
            .join(versions, versions.c.id == derivations.c.version_id)
            .where(derivations.c.from_publisher == publisher, derivations.c.from_slug == slug)
            .order_by(versions.c.publisher, versions.c.slug)
        ).fetchall()
    return [
        {"publisher": row.publisher, "slug": row.slug, "version": row.version, "from_version": row.from_version}
        for row in rows
    ]


def adoptions_of_publisher(store, publisher):
    """How often other members adopted the processes of ``publisher``: one per process and adopter."""
    adoptions, versions = store_module.adoptions, store_module.versions
    pairs = (
        sa.select(versions.c.process_id, adoptions.c.member_id)
        .join(adoptions, adoptions.c.version_id == versions.c.id)
        .where(versions.c.publisher == publisher)
        .distinct()
        .subquery()
    )
    with store.read() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(pairs)).scalar() or 0)
