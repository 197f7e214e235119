"""Workspaces that several test modules build.

``workspace_with_adaptation``: Stadt Koblenz's workspace holding Stadt Trier's Gewerbe process
(tests/models.py's UPSTREAM) as import writes it, mapped by three rules, then edited once by hand:
the adaptation diff's known answers (test_adaptation_causes) and the reports readers get
(test_reports_for_readers) start from it.

``koblenz_init``: `procex init` of Stadt Koblenz's workspace against a library, through run_cli, as
the end-to-end workspace tests begin.
"""

from procex.exchange.library import package
from procex.exchange.workspace.folder import Workspace
from procex.exchange.workspace.lock import LockEntry
from tests.models import UPSTREAM

MAPPING = """
[[rule]]
name = "stadt"
kind = "participant"
from = "Stadt Trier"
to = "Stadt Koblenz"

[[rule]]
name = "register"
kind = "system"
from = "GewAn"
to = "VOIS"

[[rule]]
name = "stadt-text"
kind = "text"
from = "Stadt Trier"
to = "Stadt Koblenz"
"""


def workspace_with_adaptation(tmp_path):
    ws = Workspace.init(tmp_path / "ws", "Stadt Koblenz", "07111000")
    (ws.root / "mapping.toml").write_text(MAPPING, "utf-8")
    manifest = {"publisher": "trier", "slug": "gewerbe", "version": "1.0.0", "name": "Gewerbe"}
    sha = ws.cache_put(UPSTREAM, manifest)
    # What import writes (the mapped model), then one local edit: the send task gets a new name.
    from procex.bpmn.model import Model
    from procex.exchange.workspace.mapping import apply_rules

    model = Model.from_bytes(UPSTREAM, "upstream")
    apply_rules(model, ws.mapping_rules())
    local = model.to_bytes().replace(b'name="Bescheinigung senden"', b'name="Bescheinigung per De-Mail senden"')
    ws.process_path("gewerbe").write_bytes(local)
    lock = ws.lock()
    lock.processes["gewerbe"] = LockEntry(
        upstream="trier/gewerbe@1.0.0",
        sha256=sha,
        mapping=["register", "stadt", "stadt-text"],
        imported_at=package.utc_now(),
        entry="",
        local_sha256=package.sha256_bytes(model.to_bytes()),
    )
    ws.save_lock(lock)
    return ws


def koblenz_init(run_cli, library_url, folder, *options):
    """`procex init` for Stadt Koblenz in ``folder`` (run from its parent) with ``options``: the result."""
    return run_cli(
        "init",
        "--municipality",
        "Stadt Koblenz",
        "--ags",
        "07111000",
        "--library",
        library_url,
        *options,
        "--dir",
        folder,
        cwd=folder.parent,
        check=True,
    )
