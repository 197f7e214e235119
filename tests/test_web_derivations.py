"""The process page's "Abgeleitete Prozesse": exactly the processes whose latest version was derived
from a version of this one, on SQLite and PostgreSQL (a real `procex serve` per backend; the
lookup reads the derivations table, storage/derivations.py)."""

import re

import requests
from lxml import etree

from procex.exchange.library import package
from tests.libserver import tiny_model


def _publish(lib, member, slug, version, task, derived_from=None):
    """Publish ``slug`` ``version`` (its model named by ``task``); returns the model's sha256."""
    model = tiny_model(task=task)
    fields = {"derived_from": derived_from} if derived_from else {}
    response, _, _ = lib.publish(member, slug=slug, version=version, model=model, **fields)
    assert response.status_code == 201, response.text
    return package.sha256_bytes(model)


def _derived_listed(lib, member, publisher, slug):
    """The entries under "Abgeleitete Prozesse" on the process page, as the page shows them."""
    response = requests.get(
        f"{lib.url}/p/{publisher}/{slug}", headers={"Authorization": f"Bearer {member.token}"}, timeout=60
    )
    assert response.status_code == 200, response.text
    page = etree.HTML(response.text)
    heading = page.xpath("//h3[normalize-space()='Abgeleitete Prozesse']")
    if not heading:
        return []
    items = heading[0].getnext().findall("li")
    return [re.sub(r"\s+", " ", "".join(item.itertext())).strip() for item in items]


def test_process_page_lists_the_processes_derived_from_it(servers):
    lib = servers()
    origin, copier, changer, other = (lib.member(prefix=p) for p in ("orig", "kopie", "wechsel", "andere"))
    sha = {
        "1.0.0": _publish(lib, origin, "gewerbe", "1.0.0", "Antrag prüfen"),
        "1.1.0": _publish(lib, origin, "gewerbe", "1.1.0", "Antrag vollständig prüfen"),
    }
    # A process whose slug starts like the first one: derivations from it are not the first's.
    near = _publish(lib, origin, "gewerbe-online", "1.0.0", "Online-Antrag prüfen")
    # The copier derives from 1.0.0, then publishes 1.1.0 derived from 1.1.0: the page names the latest.
    for version, source in (("1.0.0", "1.0.0"), ("1.1.0", "1.1.0")):
        _publish(
            lib,
            copier,
            "gewerbe",
            version,
            f"Antrag prüfen {version}",
            {"ref": f"{origin.slug}/gewerbe@{source}", "sha256": sha[source]},
        )
    # The changer derived 1.0.0, but its latest version 2.0.0 is its own: not listed any more.
    _publish(
        lib, changer, "anmeldung", "1.0.0", "Prüfen", {"ref": f"{origin.slug}/gewerbe@1.0.0", "sha256": sha["1.0.0"]}
    )
    _publish(lib, changer, "anmeldung", "2.0.0", "Selbst prüfen")
    _publish(
        lib, other, "online", "1.0.0", "Online prüfen", {"ref": f"{origin.slug}/gewerbe-online@1.0.0", "sha256": near}
    )

    assert _derived_listed(lib, other, origin.slug, "gewerbe") == [f"{copier.slug}/gewerbe@1.1.0 (von Version 1.1.0)"]
    assert _derived_listed(lib, other, origin.slug, "gewerbe-online") == [
        f"{other.slug}/online@1.0.0 (von Version 1.0.0)"
    ]
    assert _derived_listed(lib, other, copier.slug, "gewerbe") == []
    assert _derived_listed(lib, other, changer.slug, "anmeldung") == []
