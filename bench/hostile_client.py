"""procex against a malicious library on 127.0.0.1: peak memory and time of refusing it.

Each case runs `procex import trier/gewerbeanmeldung@1.0.0` (or a client call) in a child process
against tests/hostile_library.py and prints the child's exit status, its peak RSS (os.wait4),
the seconds it took, how many bytes the server got out before the child hung up, and the last
line of its stderr. It is a benchmark, not a test: tests/test_client_hostile.py asserts the
refusals with small caps; here the defaults and the full 1.5 GiB apply.

    python bench/hostile_client.py                     # the size cases (a few seconds)
    python bench/hostile_client.py --drip 5            # also the head dripped one byte per 5 s
                                                       # against the default 60 s (about a minute)
    python bench/hostile_client.py --python OTHER/.venv/bin/python --root OTHER   # e.g. before
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(HERE.parent))  # so that "tests.hostile_library" imports from this checkout
sys.path.insert(0, str(HERE))

from tests.hostile_library import (
    HostileLibrary,
    dripping_head,
    huge_answer,
    json_answer,
    manifest_of,
)

GIB = 1 << 30
SIZE = int(1.5 * GIB)
MANIFEST = "/processes/trier/gewerbeanmeldung/1.0.0"
CASES = {
    "manifest, 1.5 GiB announced": {MANIFEST: huge_answer(SIZE)},
    "manifest, 1.5 GiB not announced": {MANIFEST: huge_answer(SIZE, announce=False)},
    "model, 1.5 GiB not announced (manifest says 14 bytes)": {
        MANIFEST: json_answer(manifest_of(model=b"<definitions/>")),
        MANIFEST + "/model": huge_answer(SIZE, announce=False, prefix=b"<"),
    },
    "model, 1.5 GiB announced in its manifest": {
        MANIFEST: json_answer(dict(manifest_of(), model={"file": "g.bpmn", "size": SIZE, "sha256": "0" * 64})),
    },
}


def run_case(python, root, routes, workspace):
    with HostileLibrary() as server:
        for path, answer in routes.items():
            server.on(path, answer)
        (workspace / "procex.toml").write_text(
            '[municipality]\nname = "Stadt Koblenz"\nags = "07111000"\nslug = "koblenz"\n\n'
            f'[library]\nurl = "{server.url}"\n',
            "utf-8",
        )
        env = dict(os.environ, PROCEX_TOKEN="pxl_bench")
        env.pop("PROCEX_TIMEOUT", None)
        start = time.monotonic()
        child = subprocess.Popen(
            [python, str(root / "cli.py"), "import", "trier/gewerbeanmeldung@1.0.0"],
            cwd=workspace,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
        )
        stderr = child.stderr.read().decode("utf-8", "replace")
        _pid, status, usage = os.wait4(child.pid, 0)
        seconds = time.monotonic() - start
        time.sleep(0.2)
        sent = sum(server.sent.values())
    lines = stderr.strip().splitlines()
    return os.waitstatus_to_exitcode(status), usage.ru_maxrss / 1024, seconds, sent, lines[-1] if lines else ""


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=HERE, help="checkout whose cli.py runs (default: this one)")
    parser.add_argument("--python", default=sys.executable, help="interpreter with that checkout's procex installed")
    parser.add_argument("--drip", type=float, default=0, help="also drip the head, one byte per this many seconds")
    args = parser.parse_args()
    cases = dict(CASES)
    if args.drip:
        cases[f"head dripped one byte per {args.drip:g} s (default timeout 60 s)"] = {
            MANIFEST: dripping_head(args.drip, b"{}")
        }
    print(f"{'case':58} {'exit':>4} {'peak RSS':>10} {'seconds':>8} {'server sent':>12}  last line")
    with tempfile.TemporaryDirectory() as folder:
        workspace = Path(folder)
        (workspace / "processes").mkdir()
        (workspace / "catalogue.csv").write_text("leistungsschluessel,title,status,office,process\n", "utf-8")
        for name, routes in cases.items():
            code, peak, seconds, sent, last = run_case(args.python, args.root, routes, workspace)
            print(f"{name:58} {code:>4} {peak:>7.0f} MB {seconds:>8.1f} {sent / (1 << 20):>9.1f} MiB  {last[:160]}")


if __name__ == "__main__":
    main()
