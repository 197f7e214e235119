"""The library server under concurrent publishers and a hard kill, on SQLite and PostgreSQL.

20 clients publish the same new version at once to two server processes sharing one database:
exactly one creates it, the others get 200 (same bytes) or 409 (other bytes), never a 5xx, and
the database holds one row. A server killed with SIGKILL during uploads leaves a database whose
every version has its model with the recorded sha256.
"""

import hashlib
import threading
import time

import pytest
import requests
import sqlalchemy as sa

from procex.exchange.server.storage.store import Store, versions
from tests.libserver import LibraryServer, make_db, manifest_for, tiny_model


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path):
    db, cleanup = make_db(request.param, tmp_path)
    yield db
    cleanup()


def test_twenty_clients_publish_the_same_version_at_once(database, tmp_path):
    with LibraryServer(database, workers=2, log_dir=tmp_path) as lib:
        trier = lib.member()
        bodies = [tiny_model(task="Antrag prüfen"), tiny_model(task="Antrag anders prüfen")]
        uploads = [(manifest_for(trier.slug, "gewerbe", "1.0.0", body), body) for body in bodies]
        barrier = threading.Barrier(20)
        results = [None] * 20

        def client(index):
            manifest, body = uploads[index % 2]
            with requests.Session() as session:
                barrier.wait()
                response = lib.put_package(trier, manifest, body, session=session)
            results[index] = (response.status_code, body, response.text)

        threads = [threading.Thread(target=client, args=(i,)) for i in range(20)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        statuses = [status for status, _, _ in results]
        assert not [r for r in results if r[0] >= 500], results
        assert statuses.count(201) == 1, statuses
        winner = next(body for status, body, _ in results if status == 201)
        for status, body, text in results:
            if status != 201:
                assert status == (200 if body == winner else 409), text
        served = lib.get(f"/processes/{trier.slug}/gewerbe/1.0.0/model", trier).content
        assert served == winner

    store = Store(database)
    try:
        with store.read() as conn:
            rows = conn.execute(
                sa.select(versions.c.model_sha256).where(
                    versions.c.publisher == trier.slug, versions.c.slug == "gewerbe"
                )
            ).fetchall()
        assert [row[0] for row in rows] == [hashlib.sha256(winner).hexdigest()]
        assert store.integrity_problems() == []
    finally:
        store.close()


def test_sigkill_during_uploads_leaves_every_version_whole(database, tmp_path):
    lib = LibraryServer(database, log_dir=tmp_path).start()
    trier = lib.member()
    stop = threading.Event()
    outcomes = {"created": 0, "broken": 0}
    lock = threading.Lock()

    def uploader(worker):
        number = 0
        with requests.Session() as session:
            while not stop.is_set():
                number += 1
                body = tiny_model(task=f"Schritt {worker}-{number}", padding=1_500_000 + worker * 1000 + number)
                manifest = manifest_for(trier.slug, f"last-{worker}", f"1.0.{number}", body)
                try:
                    response = lib.put_package(trier, manifest, body, session=session)
                except requests.RequestException:
                    with lock:
                        outcomes["broken"] += 1
                    return
                assert response.status_code == 201, response.text
                with lock:
                    outcomes["created"] += 1

    threads = [threading.Thread(target=uploader, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    # Waits for six answered uploads however slow the machine is; the deadline only stops a hang.
    deadline = time.monotonic() + 600
    while outcomes["created"] < 6 and time.monotonic() < deadline:
        time.sleep(0.02)
    lib.kill()  # SIGKILL to the server while the four uploaders are mid-request
    stop.set()
    for thread in threads:
        thread.join(600)
    assert outcomes["created"] >= 6 and outcomes["broken"] >= 1, outcomes

    store = Store(database)
    try:
        assert store.integrity_problems() == []
        with store.read() as conn:
            stored = conn.execute(sa.select(sa.func.count()).select_from(versions)).scalar()
            if store.dialect == "sqlite":
                assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
        # Every answered upload is there; at most the in-flight ones are missing (never half).
        assert outcomes["created"] <= stored <= outcomes["created"] + 4
    finally:
        store.close()
    # The restarted server serves every stored version with its sha256.
    with LibraryServer(database, log_dir=tmp_path) as again:
        for worker in range(4):
            process = again.get(f"/processes/{trier.slug}/last-{worker}", trier)
            if process.status_code == 404:
                continue
            for version in process.json()["versions"]:
                model = again.get(f"/processes/{trier.slug}/last-{worker}/{version['version']}/model", trier)
                assert hashlib.sha256(model.content).hexdigest() == version["model"]["sha256"]
