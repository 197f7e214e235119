"""A seeded library for the search tests: 51 municipal processes (tests/fixtures/search), written
for these tests, with LeiKa keys, legal bases, task labels, adoptions, a derived copy and a yank.

``seed_store(store)`` publishes them through the store as the server would (one version each,
with a small BPMN model holding the task labels); ``known_answers()`` is the list of queries as
municipal staff type them, each with the processes that must be in its top 3.
"""

import json
from pathlib import Path
from xml.sax.saxutils import quoteattr

from procex.exchange.library import package

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "search"


def members():
    return json.loads((FIXTURES / "members.json").read_text(encoding="utf-8"))


def processes():
    return json.loads((FIXTURES / "library.json").read_text(encoding="utf-8"))


def known_answers():
    return json.loads((FIXTURES / "queries.json").read_text(encoding="utf-8"))


def model_for(name, tasks):
    nodes = "".join(f"<bpmn:task id='t{i}' name={quoteattr(task)}/>" for i, task in enumerate(tasks))
    flows = "".join(
        f"<bpmn:sequenceFlow id='f{i}' sourceRef='t{i}' targetRef='t{i + 1}'/>" for i in range(len(tasks) - 1)
    )
    return (
        "<?xml version='1.0' encoding='UTF-8'?>\n<bpmn:definitions "
        "xmlns:bpmn='http://www.omg.org/spec/BPMN/20100524/MODEL' id='d' targetNamespace='http://procex.test/'>"
        f"<bpmn:process id='p' name={quoteattr(name)}>{nodes}{flows}</bpmn:process></bpmn:definitions>\n"
    ).encode()


def manifest_of(item, member, model, derived_from=None):
    return package.build_manifest(
        publisher=item["publisher"],
        slug=item["slug"],
        version="1.0.0",
        name=item["name"],
        model_bytes=model,
        model_file=f"{item['slug']}.bpmn",
        region={"ags": member["ags"], "name": member["name"]},
        contact={"office": "Bürgeramt", "mailbox": f"buergeramt@{item['publisher']}.example"},
        license="dl-de/by-2-0",
        leistungsschluessel=item["keys"],
        description=item["description"],
        keywords=item["keywords"],
        detaillierungsstufe=item["stufe"],
        status=item["status"],
        legal_basis=item["legal"],
        derived_from=derived_from,
    )


def seed_store(store):
    """Publish the fixture library into ``store``; returns the number of listed processes."""
    by_slug = {}
    for member in members():
        store.add_member(member["slug"], member["name"], member["ags"])
        store.agree(member["slug"], "dl-de/by-2-0")
        by_slug[member["slug"]] = member
    sha = {}
    listed = 0
    for item in processes():
        model = model_for(item["name"], item["tasks"])
        derived = None
        if item.get("derived_from"):
            derived = {"ref": f"{item['derived_from']}@1.0.0", "sha256": sha[item["derived_from"]]}
        manifest = manifest_of(item, by_slug[item["publisher"]], model, derived)
        outcome, _, _ = store.publish(manifest, model, item["tasks"], {"errors": 0, "warnings": 1})
        assert outcome == "created"
        sha[f"{item['publisher']}/{item['slug']}"] = manifest["model"]["sha256"]
        for adopter in item["adopted_by"]:
            store.adopt(item["publisher"], item["slug"], "1.0.0", adopter)
        if item.get("yanked"):
            store.yank(item["publisher"], item["slug"], "1.0.0", "ersetzt", item["publisher"])
        else:
            listed += 1
    return listed
