"""An XProzess process with more than the manifest takes (issue 15, finding 9): on import it is
fitted to the manifest's limits, so that it can be published later, and import says what it left out.

XProzess has no limit on keywords or legal bases; the library's manifest takes 50 of each (and
100/500 characters per entry, 300 for the name, 20,000 for the description). Import keeps the first
50 (a FIM process lists them in order of weight), shortens overlong texts at a word boundary, and
prints one note per process and field; the message itself stays the complete record.
"""

import json
from datetime import datetime, timezone

from procex.exchange import xprozess
from procex.exchange.library import package

KEYWORDS = [f"Stichwort{n}" for n in range(63)]
LEGAL = [f"§ {n} Hundesteuersatzung" for n in range(1, 72)]
MANIFEST = {
    "publisher": "trier",
    "slug": "hundesteuer-anmeldung",
    "version": "1.2.0",
    "name": "Hundesteuer Anmeldung",
    "leistungsschluessel": ["99102013104000"],
    "description": "Anmeldung eines Hundes. " * 1000,
    "keywords": KEYWORDS,
    "region": {"ags": "07211000", "name": "Stadt Trier"},
    "contact": {"office": "Amt für Steuern", "mailbox": "steueramt@trier.example"},
    "license": "dl-de/by-2-0",
    "legal_basis": LEGAL,
}
MODEL = b"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="http://x">
  <bpmn:process id="p" name="Hundesteuer Anmeldung" isExecutable="false"><bpmn:startEvent id="s"/></bpmn:process>
</bpmn:definitions>
"""


def message_file(tmp_path):
    result = xprozess.build_export([(MANIFEST, MODEL)], "Stadt Trier", now=datetime(2024, 5, 6, tzinfo=timezone.utc))
    path = tmp_path / "many.xprozess.xml"
    path.write_bytes(result.data)
    return path


def test_more_than_fifty_keywords_and_legal_bases_keep_the_first_fifty(tmp_path):
    done = xprozess.import_message(xprozess.read_file(message_file(tmp_path)), tmp_path / "ws")
    manifest = json.loads(done[0].manifest_path.read_text("utf-8"))
    assert manifest["keywords"] == KEYWORDS[:50]
    assert manifest["legal_basis"] == LEGAL[:50]
    description = manifest["description"]
    assert len(description) <= 20_000 and description.endswith("eines Hundes.…")
    original = MANIFEST["description"].strip()
    assert original.startswith(description[:-1])
    assert done[0].notes == [
        f"description shortened from {len(original):,} to {len(description):,} characters (the library takes 20,000)",
        "63 keywords entries, the library takes 50: kept the first 50 (the XProzess message keeps them all)",
        "71 legal basis entries, the library takes 50: kept the first 50 (the XProzess message keeps them all)",
    ]
    # what a publisher adds to it (publisher, contact, licence) makes a manifest the library accepts
    complete = {**MANIFEST, **{k: v for k, v in manifest.items() if k != "provenance"}}
    complete["model"] = {"file": "m.bpmn", "size": len(MODEL), "sha256": package.sha256_bytes(MODEL)}
    complete["version"] = "1.2.0"
    assert package.manifest_problems(complete) == []


def test_the_command_says_what_it_left_out(tmp_path, run_cli):
    source = message_file(tmp_path)
    code, _, err = run_cli("xprozess", "import", source, "--dir", tmp_path / "ws", cwd=tmp_path)
    assert code == 0, err
    assert "note: hundesteuer-anmeldung: 63 keywords entries, the library takes 50: kept the first 50" in err
    assert "note: hundesteuer-anmeldung: 71 legal basis entries" in err
