"""Compare pages under load, against a real `procex serve` on 127.0.0.1 (SQLite). Prints figures.

1. The compare page of two published versions of 8,000 tasks whose ids all differ (bench/diff.py
   (c): the same model re-exported, 10 % of labels reworded): the first request (computed) and the
   next ones (kept by the pair of model sha256s). Targets: < 5 s first, < 100 ms cached.
2. 20 concurrent requests for compares nobody asked for before (20 other pairs of versions), while
   one client keeps asking for other pages (the start page and the process page): how the 20 end
   (200 computed, 200 kept, 503 with Retry-After) and whether the other pages kept answering, with
   their latencies. Target: every other page answered (200) while the burst runs.

The server runs with its defaults (--compare-slots 1, --compare-wait 10). Request loops are
bounded in count and time, and the server is stopped at the end.

Run: .venv/bin/python bench/compare_server.py [--versions 8]
"""

import argparse
import random
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.diff import build, reword
from tests.libserver import LibraryServer

TIMEOUT = 120  # seconds per request: bounded even if the server stalls


def versions_of_one_model(count, rng, tasks_count=8000):
    """``count`` models of ``tasks_count`` tasks: the first as generated, each later one the same model with
    all ids regenerated and another 10 % of its labels reworded (no two alike)."""
    from procex.bpmn import edit
    from procex.bpmn.model import Model

    xml, tasks = build(tasks_count, 0, 0, rng)
    models = [xml.encode()]
    for seed in range(1, count):
        model = Model.from_bytes(xml.encode(), "bench")
        for ident in rng.sample(tasks, len(tasks) // 10):
            el = model.element(ident)
            el.set("name", reword(el.get("name"), rng))
        model.reindex()
        edit.regenerate_ids(model, seed=seed)
        models.append(model.to_bytes())
    return models


def timed_get(session, url):
    start = time.perf_counter()
    response = session.get(url, timeout=TIMEOUT)
    return time.perf_counter() - start, response


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--versions", type=int, default=8, help="published versions (pairs for the burst: n(n-1)/2 - 1)"
    )
    parser.add_argument("--burst", type=int, default=20)
    parser.add_argument("--tasks", type=int, default=8000, help="tasks per model (smaller for a quick try)")
    args = parser.parse_args()
    rng = random.Random(2025)
    print(f"generating {args.versions} versions of {args.tasks:,} tasks …", flush=True)
    models = versions_of_one_model(args.versions, rng, args.tasks)
    versions = [f"1.{i}.0" for i in range(args.versions)]
    pairs = [(a, b) for i, a in enumerate(versions) for b in versions[i + 1 :]]
    if len(pairs) - 1 < args.burst:
        raise SystemExit(f"--versions {args.versions} gives only {len(pairs) - 1} other pairs; raise it")
    with tempfile.TemporaryDirectory() as tmp, LibraryServer(Path(tmp) / "library.sqlite", policy="public") as lib:
        member = lib.member(prefix="trier")
        for version, model in zip(versions, models, strict=True):
            response, _, _ = lib.publish(member, version=version, model=model)
            if response.status_code != 201:
                raise SystemExit(f"publishing {version} failed: {response.status_code} {response.text[:300]}")
        print(f"published {len(versions)} versions of {len(models[0]) // 1024} KB each", flush=True)
        base = f"{lib.url}/p/{member.slug}/gewerbeanmeldung"
        session = requests.Session()

        # 1. one comparison: computed, then kept
        old, new = pairs[0]
        url = f"{base}/{old}/compare?to={new}"
        first, response = timed_get(session, url)
        assert response.status_code == 200, response.status_code
        computed = response.headers.get("Server-Timing", "")  # wall and CPU time the server spent
        kept = []
        for _ in range(10):
            seconds, response = timed_get(session, url)
            assert response.status_code == 200 and "cached" in response.headers.get("Server-Timing", "")
            kept.append(seconds)
        cached = statistics.median(kept)
        # the same kept answer as it travels (gzip, as a browser asks for it), not unpacked by the client
        wire, wire_sizes = [], []
        for _ in range(10):
            start = time.perf_counter()
            raw = session.get(url, timeout=TIMEOUT, stream=True, headers={"Accept-Encoding": "gzip"})
            wire_sizes.append(len(raw.raw.read(decode_content=False)))
            wire.append(time.perf_counter() - start)
        sent = statistics.median(wire)
        verdict = "met" if cached < 0.1 else "met as sent" if sent < 0.1 else "MISSED"
        print(
            f"1. compare {old} -> {new} ({args.tasks:,} tasks, all ids different; "
            f"page {len(response.content) // 1024} KB, sent gzipped {wire_sizes[-1] // 1024} KB): "
            f"first {first:.2f} s ({computed}), cached median {cached * 1000:.0f} ms with the client unpacking the "
            f"page (max {max(kept) * 1000:.0f} ms, 10 requests), {sent * 1000:.0f} ms to the last "
            f"byte sent (max {max(wire) * 1000:.0f} ms); targets < 5 s and < 100 ms: first "
            f"{'met' if first < 5 else 'MISSED'}, cached {verdict}"
        )

        # 2. a burst of uncached comparisons while another client reads other pages
        burst = pairs[1 : 1 + args.burst]
        results = []
        done = threading.Event()
        others = []

        def compare(pair):
            seconds, answer = timed_get(requests.Session(), f"{base}/{pair[0]}/compare?to={pair[1]}")
            results.append((seconds, answer.status_code, answer.headers.get("Retry-After"), answer.headers))

        def other_pages():
            reader = requests.Session()
            deadline = time.monotonic() + 300
            while not done.is_set() and time.monotonic() < deadline:
                for page in ("/", f"/p/{member.slug}/gewerbeanmeldung/{versions[0]}"):
                    try:
                        seconds, answer = timed_get(reader, lib.url + page)
                        others.append((seconds, answer.status_code))
                    except requests.RequestException:
                        others.append((TIMEOUT, "error"))

        reader = threading.Thread(target=other_pages)
        reader.start()
        time.sleep(0.5)
        started = time.perf_counter()
        threads = [threading.Thread(target=compare, args=(pair,)) for pair in burst]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        burst_seconds = time.perf_counter() - started
        done.set()
        reader.join()
        ok = [r for r in results if r[1] == 200]
        busy = [r for r in results if r[1] == 503]
        computed = sum(1 for r in ok if "dur=" in r[3].get("Server-Timing", ""))
        retry = sorted({r[2] for r in busy})
        other_ok = [s for s, status in others if status == 200]
        print(
            f"2. {len(burst)} concurrent uncached compares: {len(ok)} answered 200 ({computed} computed, "
            f"{len(ok) - computed} kept), {len(busy)} answered 503 (Retry-After {', '.join(retry) or '–'}), "
            f"other statuses {[r[1] for r in results if r[1] not in (200, 503)]}; burst over in {burst_seconds:.1f} s"
        )
        if other_ok:
            print(
                f"   other pages meanwhile: {len(other_ok)}/{len(others)} answered 200, median "
                f"{statistics.median(other_ok) * 1000:.0f} ms, max {max(other_ok) * 1000:.0f} ms; target every one "
                f"answered: {'met' if len(other_ok) == len(others) else 'MISSED'}"
            )
        else:
            print(f"   other pages meanwhile: none answered 200 of {len(others)}: MISSED")


if __name__ == "__main__":
    main()
