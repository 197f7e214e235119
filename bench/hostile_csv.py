"""`procex catalogue import` of hostile CSV files: exit status, peak memory, seconds, last line.

Each case runs in a child process (interpreter start and imports included, peak RSS from
os.wait4). tests/test_catalogue_limits.py asserts the refusals with small limits; here the
defaults apply, and one case raises --max-bytes so that the 300 MB file is streamed until the
row limit stops it (the memory that takes is the point).

    python bench/hostile_csv.py
    python bench/hostile_csv.py --python OTHER/.venv/bin/python --root OTHER   # e.g. before
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
HEADER = "Leistungsschlüssel;Leistung;Status;Amt\n"
ROW = "99050012104000;Gewerbeanmeldung beim Ordnungsamt der Stadt;online;Ordnungsamt\n"


def write_big(path, size):
    """A CSV of ``size`` bytes: the header, then the same row over and over."""
    block = ROW * ((1 << 20) // len(ROW))
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(HEADER)
        written = len(HEADER)
        while written < size:
            handle.write(block)
            written += len(block)


def run(python, root, source, workspace, *options):
    start = time.monotonic()
    child = subprocess.Popen(
        [python, str(root / "cli.py"), "catalogue", "import", str(source), "--into", str(workspace), *options],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
    )
    stderr = child.stderr.read().decode("utf-8", "replace")
    _pid, status, usage = os.wait4(child.pid, 0)
    lines = stderr.strip().splitlines()
    return (
        os.waitstatus_to_exitcode(status),
        usage.ru_maxrss / 1024,
        time.monotonic() - start,
        len(lines),
        lines[-1] if lines else "",
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=HERE, help="checkout whose cli.py runs (default: this one)")
    parser.add_argument("--python", default=sys.executable, help="interpreter with that checkout's procex installed")
    parser.add_argument("--size", type=int, default=300_000_000, help="bytes of the big CSV (default 300 MB)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        workspace = folder / "ws"
        workspace.mkdir()
        (workspace / "catalogue.csv").write_text("leistungsschluessel,title,status,office,process\n", "utf-8")
        field = folder / "field.csv"
        field.write_text(HEADER + ROW + f"99115005104000;{'x' * 1_000_000};online;Bürgeramt\n", "utf-8")
        big = folder / "big.csv"
        write_big(big, args.size)
        cases = [
            ("1 MB field", field, ()),
            (f"{args.size / 1e6:.0f} MB CSV", big, ()),
            (f"{args.size / 1e6:.0f} MB CSV, --max-bytes raised", big, ("--max-bytes", str(2 * args.size))),
        ]
        print(f"{'case':34} {'exit':>4} {'peak RSS':>10} {'seconds':>8} {'lines':>5}  last line")
        for name, source, options in cases:
            code, peak, seconds, count, last = run(args.python, args.root, source, workspace, *options)
            print(f"{name:34} {code:>4} {peak:>7.0f} MB {seconds:>8.1f} {count:>5}  {last[:150]}")


if __name__ == "__main__":
    main()
