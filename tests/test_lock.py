"""procex.lock as typed entries: the JSON format read and written unchanged, bad entries named."""

import json

import pytest

from procex.exchange.workspace.folder import Workspace, json_bytes
from procex.exchange.workspace.lock import Lock, LockEntry, LockFormatError

# What procex wrote before the lock had a type: an import, an XProzess import with a later
# publication, an own process only published, and a field from a newer procex.
WRITTEN = {
    "processes": {
        "gewerbeanmeldung": {
            "entry": "99050012104000",
            "imported_at": "2025-03-03T10:00:00Z",
            "local_sha256": "b" * 64,
            "mapping": ["stadt"],
            "sha256": "a" * 64,
            "upstream": "trier/gewerbeanmeldung@1.1.0",
            "upstream_yanked": {"at": "2025-03-04T08:00:00Z", "reason": "falsche Gebühr"},
        },
        "hundesteuer": {
            "entry": None,
            "mapping": [],
            "published": {"ref": "koblenz/hundesteuer@1.0.1", "sha256": "c" * 64},
            "sha256": None,
            "upstream": None,
            "signed_by": "a newer procex",
        },
        "mutterschutz": {
            "entry": "99006028261000",
            "imported_at": "2025-03-03T10:00:00Z",
            "local_sha256": "d" * 64,
            "mapping": [],
            "sha256": "d" * 64,
            "upstream": "xprozess:99006028261000@01.00.00",
        },
    }
}


def test_the_json_format_round_trips_byte_for_byte():
    lock = Lock.from_json(WRITTEN)
    assert json_bytes(lock.to_json()) == json_bytes(WRITTEN)


def test_entries_are_typed():
    lock = Lock.from_json(WRITTEN)
    imported, own, fim = lock.processes["gewerbeanmeldung"], lock.processes["hundesteuer"], lock.get("mutterschutz")
    assert imported.mapping == ["stadt"] and imported.from_library and imported.published_version is None
    assert imported.upstream_yanked == {"at": "2025-03-04T08:00:00Z", "reason": "falsche Gebühr"}
    assert own.upstream is None and not own.from_library and own.published_version == "1.0.1"
    assert own.extra == {"signed_by": "a newer procex"}
    assert fim is not None and not fim.from_library
    assert lock.get("nothing") is None


def test_a_new_entry_writes_the_four_fields_procex_always_wrote():
    assert LockEntry().to_json() == {"upstream": None, "sha256": None, "mapping": [], "entry": None}


@pytest.mark.parametrize(
    "entry, complaint",
    [
        ([], "an entry must be a JSON object, not list"),
        ({"mapping": "stadt"}, "'mapping' must be a list of rule names"),
        ({"published": {"ref": "no-version"}}, "'published' must be"),
        ({"upstream": 3}, "'upstream' must be a string or null"),
    ],
)
def test_a_broken_entry_is_named(tmp_path, entry, complaint):
    ws = Workspace.init(tmp_path / "ws", "Stadt Koblenz", "07111000")
    (ws.root / "procex.lock").write_text(json.dumps({"processes": {"gewerbe": entry}}), "utf-8")
    with pytest.raises(LockFormatError) as caught:
        ws.lock()
    message = str(caught.value)
    assert message.startswith(f"{ws.root / 'procex.lock'}: process 'gewerbe': {complaint}")
    assert message.endswith("restore it from git")


def test_the_workspace_saves_what_it_read(tmp_path):
    ws = Workspace.init(tmp_path / "ws", "Stadt Koblenz", "07111000")
    assert (ws.root / "procex.lock").read_bytes() == json_bytes({"processes": {}})
    ws.save_lock(Lock.from_json(WRITTEN))
    lock = ws.lock()
    lock.processes["hundesteuer"].published = {"ref": "koblenz/hundesteuer@1.0.2", "sha256": "e" * 64}
    ws.save_lock(lock)
    written = json.loads((ws.root / "procex.lock").read_text("utf-8"))
    assert written["processes"]["hundesteuer"]["published"]["ref"] == "koblenz/hundesteuer@1.0.2"
    assert written["processes"]["hundesteuer"]["signed_by"] == "a newer procex"
    assert written["processes"]["gewerbeanmeldung"] == WRITTEN["processes"]["gewerbeanmeldung"]
