"""The main job, end to end on the embedded default: `procex demo`.

Starts a local library server on SQLite, seeds it with Stadt Trier's example processes, and
walks Stadt Koblenz through the everyday job: search, the give-to-get refusal, agreement,
import with mapping rules, a local edit, the adaptation diff (text and HTML report), Trier's
new version, outdated/update with the three-way merge, and publishing the adaptation back.
Everything lands in one folder, which it names at the end.
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import requests

from procex.core.errors import ProcexError
from procex.exchange.library import package

EXAMPLES = Path(__file__).resolve().parent / "examples"
MARKER = ".procex-demo"


class DemoError(ProcexError):
    """The demo could not run (server did not start, output folder not ours)."""


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def library_server(db, log_path, policy="reciprocal"):
    """`procex serve` on a free local port, for as long as the block runs."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "procex.cli", "serve", "--db", str(db), "--port", str(port), "--policy", policy],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise DemoError(f"the library server stopped at start; see {log_path}")
            try:
                if requests.get(f"{url}/api/v1/health", timeout=1).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                raise DemoError(f"the library server did not answer within 60 s; see {log_path}")
            time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def example_packages(folder):
    """(manifest fields, model bytes) of every example model in ``folder``."""
    for model_path in sorted(Path(folder).glob("*.bpmn")):
        fields = json.loads(model_path.with_suffix(".json").read_text("utf-8"))
        yield fields, model_path.read_bytes()


def manifest_from_example(fields, data):
    keep = {k: v for k, v in fields.items() if k not in ("model", "published_at", "yanked")}
    return package.build_manifest(model_bytes=data, model_file=f"{fields['slug']}.bpmn", **keep)


@contextmanager
def _token(token):
    old = os.environ.get("PROCEX_TOKEN")
    os.environ["PROCEX_TOKEN"] = token
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("PROCEX_TOKEN", None)
        else:
            os.environ["PROCEX_TOKEN"] = old


def _prepare(out):
    out = Path(out)
    if out.exists():
        if not (out / MARKER).exists():
            raise DemoError(f"{out} exists and was not made by procex demo; choose another --dir")
        shutil.rmtree(out)
    out.mkdir(parents=True)
    (out / MARKER).write_text("made by procex demo; deleted and remade on every run\n")
    return out.resolve()


def run_demo(out="demo-output", echo=print, step=None):
    """Run the whole story; ``step(title)`` announces each step (progress on a terminal)."""
    from procex.bpmn import edit
    from procex.bpmn.model import read_model
    from procex.exchange.library.client import LibraryClient, LibraryError
    from procex.exchange.server import admin
    from procex.exchange.workspace.adaptation_diff import diff_process, write_diff_report
    from procex.exchange.workspace.folder import Workspace
    from procex.exchange.workspace.importing import format_import, import_process
    from procex.exchange.workspace.outdated import format_outdated, outdated
    from procex.exchange.workspace.publishing import publish_process
    from procex.exchange.workspace.update import update_process

    step = step or (lambda title: echo(f"\n== {title}"))
    out = _prepare(out)
    db = out / "library.sqlite"
    step("Bibliothek starten (SQLite, 127.0.0.1)")
    admin.upgrade(str(db))
    tokens = admin.seed(
        str(db),
        [
            {
                "slug": "trier",
                "name": "Stadt Trier",
                "ags": "07211000",
                "contact": "prozesse@trier.example",
                "license": "dl-de/by-2-0",
            },
            {"slug": "koblenz", "name": "Stadt Koblenz", "ags": "07111000", "contact": "prozesse@koblenz.example"},
        ],
    )
    with library_server(db, out / "server.log") as url:
        echo(f"library running at {url} (database {db})")
        trier = LibraryClient(url, tokens["trier"])
        step("Trier veröffentlicht seine Beispielprozesse")
        for fields, data in example_packages(EXAMPLES / "trier"):
            status, stored = trier.publish(manifest_from_example(fields, data), data)
            echo(f"  {status} {stored['publisher']}/{stored['slug']}@{stored['version']}  {stored['name']}")

        step("Koblenz legt seinen Arbeitsbereich an")
        ws = Workspace.init(
            out / "koblenz",
            "Stadt Koblenz",
            "07111000",
            url,
            slug="koblenz",
            mailbox="prozesse@koblenz.example",
            office="Amt 10 – Organisation",
        )
        for name in ("catalogue.csv", "mapping.toml"):
            shutil.copyfile(EXAMPLES / "koblenz" / name, ws.path(name))
        waiting = sum(1 for e in ws.catalogue() if e.status in ("planned", "in_progress"))
        echo(f"  {ws.root}: catalogue with {waiting} waiting services, {len(ws.mapping_rules())} mapping rules")

        with _token(tokens["koblenz"]):
            step("Koblenz sucht – und hat der Teilnahmevereinbarung noch nicht zugestimmt")
            try:
                ws.client().search("Gewerbe")
                echo("  (unexpected: the search was allowed)")
            except LibraryError as refused:
                echo(f"  refused: {refused}")
            admin.member_agree(str(db), "koblenz", "dl-de/by-2-0")
            echo(
                "  the library operator records the agreement: procex admin member agree koblenz --license dl-de/by-2-0"
            )
            hits = ws.client().search("Gewerbe")
            for item in hits["items"]:
                echo(f"  found {item['ref']}  {item['name']}")

            step("Welche wartenden Leistungen hat eine andere Kommune schon gelöst?")
            from procex.exchange.catalogue.suggest import (
                format_text as format_suggestions,
            )
            from procex.exchange.catalogue.suggest import (
                suggest_for_workspace,
            )

            lines = format_suggestions(suggest_for_workspace(ws, limit=1))
            for line in lines[:8]:
                echo(f"  {line}")
            if len(lines) > 9:
                echo("  …")
            echo(f"  {lines[-1]}")

            step("Koblenz importiert Triers Gewerbeanmeldung mit seinen Zuordnungsregeln")
            result = import_process(ws, "trier/gewerbeanmeldung@1.0.0", progress=lambda m: echo(f"  · {m}"))
            echo(format_import(result))

            step("Koblenz passt den Prozess an (lokale Bearbeitung)")
            local_path = ws.process_path("gewerbeanmeldung")
            model = read_model(local_path)
            _local_edit(model, edit, echo)
            from procex.core.files import atomic_write

            atomic_write(local_path, model.to_bytes())

            step("Anpassungsdiff: Triers Original gegen Koblenz' Fassung")
            diff, _ = diff_process(ws, "gewerbeanmeldung")
            from procex.exchange.workspace.adaptation_diff import format_diff_text

            echo(format_diff_text(diff, color=False))
            report = out / "gewerbeanmeldung-anpassung.html"
            write_diff_report(ws, "gewerbeanmeldung", report)
            echo(f"  HTML report: {report}")

        step("Trier veröffentlicht Version 1.1.0")
        for fields, data in example_packages(EXAMPLES / "trier-v2"):
            status, stored = trier.publish(manifest_from_example(fields, data), data)
            echo(f"  {status} {stored['publisher']}/{stored['slug']}@{stored['version']}")

        with _token(tokens["koblenz"]):
            step("Koblenz sieht die neue Version und übernimmt sie (Dreiwege-Merge)")
            echo(format_outdated(outdated(ws)))
            merged = update_process(ws, "gewerbeanmeldung")
            echo(merged.summary())

            step("Koblenz veröffentlicht seine Anpassung zurück in die Bibliothek")
            # the demo's towns have placeholder mailboxes (prozesse@koblenz.example) on purpose
            published = publish_process(
                ws, "gewerbeanmeldung", progress=lambda m: echo(f"  · {m}"), allow_example_mailbox=True
            )
            echo(f"  published {published.ref} (derived from {published.derived_from})")
            again = publish_process(ws, "gewerbeanmeldung", allow_example_mailbox=True)
            echo(f"  publishing again without changes: {again.status}")

            step("Bericht für den Rat")
            from procex.exchange.catalogue.report import report_for_workspace

            council = out / "ratsbericht.html"
            report_for_workspace(ws, "html", "de", save=True, output=council)
            echo(f"  {council} (saved under .procex/reports/ for the next report's comparison)")

        step("Trier sieht, wer seinen Prozess übernommen hat")
        for adoption in trier.adoptions("trier", "gewerbeanmeldung")["items"]:
            adopter = adoption["adopter"]
            echo(
                f"  {adopter['name']} ({adopter['slug']}, AGS {adopter['ags']}) übernahm Version "
                f"{adoption['version']} am {adoption['adopted_at']}"
            )
    echo("\nEverything is in " + str(out) + ":")
    echo(f"  library database   {db}")
    echo(f"  Koblenz workspace  {ws.root}  (procex.toml, catalogue.csv, mapping.toml, processes/, procex.lock)")
    echo(f"  adaptation report  {report}  (open it in a browser)")
    echo(f"  council report     {council}")
    return out


def _local_edit(model, edit, echo):
    """Koblenz's own changes: the receipt goes out by De-Mail, and the Gewerbestelle itself checks
    reliability (no separate team lead step in Koblenz)."""
    edit.rename(model, "Task_Bescheinigung_senden", "Empfangsbescheinigung per De-Mail versenden")
    echo("  renamed Task_Bescheinigung_senden: 'Empfangsbescheinigung per De-Mail versenden'")
    gewerbe = next(lane for lane in model.lanes if lane.id == "Lane_Gewerbe")
    edit.move_to_lane(model, "Task_Zuverlaessigkeit_pruefen", gewerbe.id)
    echo(f"  moved Task_Zuverlaessigkeit_pruefen to lane {gewerbe.name!r}")
