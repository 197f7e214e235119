"""A library of generated processes for comparing server-side suggest with the client's ranking.

The processes come from bench/suggest.py's generator (LeiKa services under the names
municipalities give them, most with the right key, some with none or only the object's key, a few
adopted often), written straight into a store's tables in bulk, then indexed for suggest as the
store would (suggest_index.rebuild). Publishing 10,000 processes through the API would check
10,000 models for minutes; the rows are the same.
"""

import importlib.util
import json
import random

from procex.exchange.catalogue.leika import load_leika
from procex.exchange.library import package
from procex.exchange.server.storage import suggest_index
from procex.exchange.server.storage.store import (
    Store,
    adoptions,
    members,
    models,
    process_keys,
    processes,
    versions,
)
from tests.conftest import REPO

ADOPTERS = 40
TASKS = ["Antrag prüfen", "Unterlagen anfordern", "Gebühr festsetzen", "Bescheid erstellen", "Akte anlegen"]
NOW = "2026-12-01T10:00:00Z"


def _generator():
    spec = importlib.util.spec_from_file_location("bench_suggest", REPO / "bench" / "suggest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _model(name):
    name = name.replace("&", "und").replace("<", "").replace('"', "")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<bpmn:definitions '
        'xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="http://t/">'
        f'<bpmn:process id="p" name="{name}"><bpmn:task id="t" name="Antrag prüfen"/></bpmn:process>'
        "</bpmn:definitions>\n"
    ).encode()


def seed(db, size, seed_value=8):
    """Fill the library database ``db`` with ``size`` generated processes; returns their publishers."""
    rng = random.Random(seed_value)
    generator = _generator()
    items, _ = generator.library(list(load_leika().values()), rng, size)
    publishers = sorted({item["publisher"] for item in items})
    member_ids = {slug: number for number, slug in enumerate(publishers, start=1)}
    member_rows = [
        {
            "id": number,
            "slug": slug,
            "name": f"Kommune {slug}",
            "ags": f"07{number:06d}",
            "created_at": NOW,
            "agreed_at": NOW,
            "agreement_license": "dl-de/by-2-0",
        }
        for slug, number in member_ids.items()
    ]
    adopter_ids = [len(member_rows) + n for n in range(1, ADOPTERS + 1)]
    member_rows += [
        {
            "id": i,
            "slug": f"nutzer-{i}",
            "name": f"Nutzer {i}",
            "ags": "07000000",
            "created_at": NOW,
            "agreed_at": None,
            "agreement_license": None,
        }
        for i in adopter_ids
    ]
    process_rows, version_rows, model_rows, adoption_rows, key_rows = [], [], [], [], []
    for number, item in enumerate(items, start=1):
        item["slug"] = f"prozess-{number:05d}"  # the generator's slugs are for the client only
        model = _model(item["name"])
        tasks = rng.sample(TASKS, 3)
        manifest = package.build_manifest(
            publisher=item["publisher"],
            slug=item["slug"],
            version=item["latest"],
            name=item["name"],
            model_bytes=model,
            model_file=f"{item['slug']}.bpmn",
            region={"ags": f"07{member_ids[item['publisher']]:06d}", "name": item["publisher"]},
            contact={"office": "Bürgeramt", "mailbox": "buergeramt@kommune.example"},
            license="dl-de/by-2-0",
            leistungsschluessel=item["leistungsschluessel"],
            keywords=item["keywords"],
            description=f"{item['name']}: Referenzprozess",
            published_at=NOW,
        )
        process_rows.append(
            {
                "id": number,
                "publisher": item["publisher"],
                "slug": item["slug"],
                "name": item["name"],
                "created_at": NOW,
                "latest_version": item["latest"],
                "latest_version_id": number,
                "updated_at": NOW,
            }
        )
        version_rows.append(
            {
                "id": number,
                "process_id": number,
                "publisher": item["publisher"],
                "slug": item["slug"],
                "version": item["latest"],
                "version_sort": package.version_sort_text(item["latest"]),
                "manifest": json.dumps(manifest, ensure_ascii=False, sort_keys=True),
                "model_sha256": manifest["model"]["sha256"],
                "model_size": len(model),
                "published_at": NOW,
                "task_labels": "\n".join(tasks),
                "validation_errors": item["validation"]["errors"],
                "validation_warnings": item["validation"]["warnings"],
            }
        )
        model_rows.append({"version_id": number, "data": model})
        key_rows += [{"key": key, "process_id": number, "themenfeld": None} for key in item["leistungsschluessel"]]
        for adopter in adopter_ids[: min(item["adoptions"], ADOPTERS)]:
            adoption_rows.append({"version_id": number, "member_id": adopter, "adopted_at": NOW})
    store = Store(db)
    try:
        with store.write() as conn:
            for table, rows in (
                (members, member_rows),
                (processes, process_rows),
                (versions, version_rows),
                (models, model_rows),
                (adoptions, adoption_rows),
                (process_keys, key_rows),  # the search's key table, which suggest reads too
            ):
                for start in range(0, len(rows), 2000):
                    conn.execute(table.insert(), rows[start : start + 2000])
            if store.dialect == "postgresql":
                for name in ("members", "processes", "versions", "adoptions"):
                    conn.exec_driver_sql(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), {size + 1000})")
            suggest_index.rebuild(conn)
    finally:
        store.close()
    return publishers
