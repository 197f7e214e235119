"""schemathesis (--checks all, every operation) against a real library server, per backend and caller.

For each backend a `procex serve` starts on a fresh database with two members that accepted the
sharing agreement (stadt, nachbar) and two published versions of stadt/gewerbe. schemathesis then
runs once per caller (stadt's token, nachbar's token, no token) and per address mode ("free"
path parameters, and "real": the path names stadt/gewerbe@1.0.0, so generated bodies and queries
reach publish, yank, adoption and download code). Printed per run and in total: test cases, and
failures per schemathesis check, with the three the library promises to keep at 0 marked:
server errors (5xx), undeclared status codes, and schema conformance (response schema, content
type, headers). tests/test_server_schemathesis.py runs this at a small count in CI.

    python bench/server_schemathesis.py                      # both backends, 25 examples per operation
    python bench/server_schemathesis.py --backend sqlite --max-examples 200
    python bench/server_schemathesis.py --json figures.json  # the figures as JSON too
"""

import argparse
import json
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.schemathesis_runs import REAL_PROCESS, run, seeded_library, summary


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", action="append", choices=("sqlite", "postgresql"))
    parser.add_argument("--max-examples", type=int, default=25)
    parser.add_argument("--seed", type=int, default=20261206)
    parser.add_argument("--phases", default="examples,coverage,fuzzing,stateful")
    parser.add_argument("--callers", default="owner,other,none")
    parser.add_argument("--modes", default="free,real")
    parser.add_argument("--json", help="write the figures to this file too")
    parser.add_argument("--keep", action="store_true", help="keep the reports and server logs (printed folder)")
    args = parser.parse_args(argv)
    backends = args.backend or ["sqlite", "postgresql"]
    tmp = tempfile.mkdtemp(prefix="procex-schemathesis-")
    figures, failed = [], False
    for backend in backends:
        lib, cleanup, callers = seeded_library(backend, tmp)
        try:
            for caller in args.callers.split(","):
                for mode in args.modes.split(","):
                    name = f"{backend}-{caller}-{mode}"
                    started = time.monotonic()
                    report, output = run(
                        lib,
                        callers[caller],
                        tmp,
                        name,
                        REAL_PROCESS if mode == "real" else "",
                        args.max_examples,
                        args.seed,
                        args.phases,
                    )
                    row = dict(summary(report), backend=backend, caller=caller, mode=mode)
                    row["wall_seconds"] = round(time.monotonic() - started, 1)
                    figures.append(row)
                    failed |= row["promised_failures"] > 0 or row["errors"] > 0
                    print(
                        f"{name:32} {row['test_cases']:6} test cases  promised checks: "
                        f"{row['promised_failures']} failures  errors: {row['errors']}  "
                        f"other: {row['failures'] or '-'}  ({row['wall_seconds']} s)",
                        flush=True,
                    )
                    if row["promised_failures"] or row["errors"]:
                        print(output[-6000:])
            print(lib.log()[-2000:] if failed else "", end="")
        finally:
            lib.stop()
            cleanup()
    total_cases = sum(row["test_cases"] for row in figures)
    totals = Counter()
    for row in figures:
        totals.update(row["failures"])
    promised = sum(row["promised_failures"] for row in figures)
    print(
        f"total: {total_cases} test cases in {len(figures)} runs; server errors, undeclared statuses and "
        f"schema conformance: {promised} failures; all failures by check: {dict(totals) or 0}"
    )
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2))
    if args.keep:
        print(f"reports and logs in {tmp}")
    else:
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
