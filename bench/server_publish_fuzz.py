"""The publish fuzzer (tests/publish_fuzz.py) at a large count against a real library server per backend.

Prints per backend the cases run, the statuses answered and the number of 5xx (the library
promises 0), with the first 5xx cases when there are any.

    python bench/server_publish_fuzz.py                       # both backends, 1,000 cases each
    python bench/server_publish_fuzz.py --backend sqlite --cases 5000
"""

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hypothesis import HealthCheck, given, settings
from hypothesis import seed as hypothesis_seed

from tests import publish_fuzz
from tests.libserver import LibraryServer, make_db


def fuzz(backend, cases, seed, tmp):
    db, cleanup = make_db(backend, tmp)
    lib = LibraryServer(db, log_dir=tmp).start()
    try:
        member = lib.member(prefix="fuzz")
        tally, session = publish_fuzz.Tally(), publish_fuzz.new_session()

        @settings(
            max_examples=cases,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(upload=publish_fuzz.uploads(member.slug))
        def one_upload(upload):
            manifest_part, model, version = upload
            tally.add(publish_fuzz.put(lib, member, manifest_part, model, version, session), upload)

        started = time.monotonic()
        hypothesis_seed(seed)(one_upload)()
        return tally, time.monotonic() - started, lib.log() if tally.five_hundreds else ""
    finally:
        lib.stop()
        cleanup()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", action="append", choices=("sqlite", "postgresql"))
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=20261206)
    args = parser.parse_args(argv)
    failed = False
    with tempfile.TemporaryDirectory(prefix="procex-fuzz-") as tmp:
        for backend in args.backend or ["sqlite", "postgresql"]:
            tally, seconds, log = fuzz(backend, args.cases, args.seed, tmp)
            statuses = ", ".join(f"{status}: {count}" for status, count in sorted(tally.statuses.items()))
            print(
                f"{backend:10} {tally.cases:6} cases  5xx: {tally.five_hundreds}  "
                f"statuses: {statuses}  ({seconds:.0f} s)"
            )
            for status, text, case in tally.server_errors:
                print(f"  {status}: {text}\n    case: {case!r}"[:2000])
            if log:
                print(log[-3000:])
            failed |= tally.five_hundreds > 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
