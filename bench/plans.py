#!/usr/bin/env python3
"""How long `gangway digest` and `gangway report` take for a large site (the aim:
under a second for 2,000 customers). Prints the figures; asserts nothing.

    cargo build --release
    python3 bench/plans.py --site target/bench/sites/gangway-translations-n10000-m2000

The site is one bench/run.py generated (10,000 articles x 6 languages, 2,000
customers). It is only read. Each format is timed --runs times; the median and
the best are printed, with the number of digests made.
"""

import argparse
import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def timed(cmd: list[str], env: dict, runs: int) -> tuple[list[float], str]:
    """Runs `cmd` `runs` times: the wall times and the last line it wrote to stderr."""
    times = []
    summary = ""
    for _ in range(runs):
        started = time.perf_counter()
        done = subprocess.run(cmd, env=env, capture_output=True, text=True)
        times.append(time.perf_counter() - started)
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stderr[-2000:]}")
        summary = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else ""
    return times, summary


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--site", required=True, type=Path, help="a site bench/run.py generated")
    ap.add_argument("--binary", type=Path, default=ROOT / "target" / "release" / "gangway")
    ap.add_argument("--today", default="2026-12-14")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--tmp", default=None,
                    help="where the digests and reports are written (default: the system's temporary folder; "
                         "/dev/shm leaves the disk out of the figures)")
    args = ap.parse_args()
    env = dict(os.environ)
    env.setdefault("GANGWAY_PORTAL_SECRET", "0123456789abcdef0123456789abcdef")
    customers = len(list((args.site / "customers").glob("*.yaml")))
    print(f"gangway digest and report over {customers} customers ({args.site.name}), {args.runs} runs each")
    base = ["--root", str(args.site), "--today", args.today]
    for fmt in ["md", "json", "eml"]:
        with tempfile.TemporaryDirectory(prefix="gangway-digest-", dir=args.tmp) as out:
            cmd = [str(args.binary), "digest", *base, "--format", fmt, "--out", out]
            times, summary = timed(cmd, env, args.runs)
        print(f"  digest --format {fmt:4}  median {statistics.median(times):.3f} s, best {min(times):.3f} s  ({summary})")
    for fmt in ["json", "csv"]:
        with tempfile.TemporaryDirectory(prefix="gangway-report-", dir=args.tmp) as out:
            cmd = [str(args.binary), "report", *base, "--format", fmt, "--output", str(Path(out) / "report")]
            times, _ = timed(cmd, env, args.runs)
        print(f"  report --format {fmt:4}  median {statistics.median(times):.3f} s, best {min(times):.3f} s")

if __name__ == "__main__":
    main()
