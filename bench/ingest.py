#!/usr/bin/env python3
"""How long `gangway ingest` takes to fold 10,000 portal submissions into a site of
2,000 customers (the aim: under a second). Prints the figures; asserts nothing.

    cargo build --release
    python3 bench/ingest.py --site target/bench/sites/gangway-translations-n10000-m2000 --tmp /dev/shm

The site is one bench/run.py generated; it is only read. Its settings, playbooks
and customers are copied into a folder under --tmp (the knowledge base is linked,
not copied: ingest reads its front matter and writes nothing there), and the
submissions are generated as JSON Lines: for each customer, task actions ("done",
and "stuck" with a note) on its customer-side extra tasks not yet closed (a task
sent about again when there are fewer such tasks than submissions per customer), signed as the portal
signs them (actions.rs: HMAC-SHA256 under HMAC-SHA256(SHA-256(secret),
"gangway form signatures v1"), over "customer NUL task NUL action NUL issued",
the first 16 bytes in hex). Each run starts from fresh customer files; the
replay run ingests the same file again (nothing changes).
"""

import argparse
import hashlib
import hmac
import json
import os
import re
import shutil
import statistics
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CUSTOMER_ROLES = {"admin", "sponsor", "it-contact", "compliance"}


def signature(secret: str, customer: str, task: str, action: str, issued: str) -> str:
    key = hmac.new(hashlib.sha256(secret.strip().encode()).digest(),
                   b"gangway form signatures v1", hashlib.sha256).digest()
    message = f"{customer}\0{task}\0{action}\0{issued}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:32]


def customer_tasks(text: str) -> list[str]:
    """The extra tasks a customer-side role owns, not closed in `progress:`."""
    closed = set(re.findall(r"^  ([\w-]+): \{ status: (?:done|skipped)", text, re.M))
    tasks = re.findall(r"^    id: ([\w-]+)\n(?:    .*\n)*?    owner: ([\w-]+)", text, re.M)
    return [t for t, owner in tasks if owner in CUSTOMER_ROLES and t not in closed]


def submissions(site: Path, secret: str, total: int, issued: str) -> list[dict]:
    """`total` submissions, one customer after the other, round after round."""
    open_tasks = [(p.stem, customer_tasks(p.read_text())) for p in sorted((site / "customers").glob("*.yaml"))]
    open_tasks = [(cid, tasks) for cid, tasks in open_tasks if tasks]
    out = []
    i = 0
    while len(out) < total:
        for cid, tasks in open_tasks:
            if len(out) == total:
                break
            # More submissions than open tasks: a task again, later (the last one counts).
            task = tasks[i % len(tasks)]
            action = "stuck" if i % 3 == 2 else "done"
            day = 11 + min(i, 3)
            s = {"id": f"sub-{len(out)}", "customer": cid, "task": task, "action": action,
                 "issued": issued, "sig": signature(secret, cid, task, action, issued),
                 "submitted_at": f"2026-12-{day:02}T09:{i % 60:02}:00Z", "_next": "https://example.test/thanks"}
            if action == "stuck":
                s["note"] = f"Waiting for {{{{ customer.name }}}} \"{cid}\" # our IT team"
                s["by"] = "A. Client"
            out.append(s)
        i += 1
    return out


def fresh_copy(site: Path, work: Path) -> None:
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    shutil.copy(site / "gangway.toml", work / "gangway.toml")
    shutil.copytree(site / "playbooks", work / "playbooks")
    shutil.copytree(site / "customers", work / "customers")
    (work / "content").symlink_to((site / "content").resolve())


def run(cmd: list[str], env: dict) -> tuple[float, subprocess.CompletedProcess]:
    started = time.perf_counter()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    return time.perf_counter() - started, done


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--site", required=True, type=Path, help="a site bench/run.py generated")
    ap.add_argument("--binary", type=Path, default=ROOT / "target" / "release" / "gangway")
    ap.add_argument("--today", default="2026-12-14")
    ap.add_argument("--submissions", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--tmp", type=Path, default=Path("/tmp"), help="where the working copy goes (/dev/shm leaves the disk out)")
    args = ap.parse_args()
    env = dict(os.environ)
    env.setdefault("GANGWAY_PORTAL_SECRET", "0123456789abcdef0123456789abcdef")
    work = args.tmp / "gangway-ingest-bench"
    subs = submissions(args.site, env["GANGWAY_PORTAL_SECRET"], args.submissions, "2026-12-10")
    customers = len({s["customer"] for s in subs})
    export = args.tmp / "gangway-ingest-bench.jsonl"
    export.write_text("".join(json.dumps(s) + "\n" for s in subs))
    print(f"gangway ingest: {len(subs)} submissions for {customers} customers ({args.site.name}), {args.runs} runs")
    cmd = [str(args.binary), "ingest", str(export), "--root", str(work), "--today", args.today]
    times, replays = [], []
    for _ in range(args.runs):
        fresh_copy(args.site, work)
        took, done = run(cmd, env)
        times.append(took)
        lines = [line for line in done.stdout.splitlines() if "already recorded" not in line]
        rejected = done.stderr.count("error[")
        took_again, again = run(cmd, env)
        replays.append(took_again)
        changed = sum(1 for line in again.stdout.splitlines() if "already recorded" not in line)
    print(f"  ingest  median {statistics.median(times):.3f} s, best {min(times):.3f} s"
          f"  ({len(lines)} files changed, {rejected} rejected, exit {done.returncode})")
    print(f"  replay  median {statistics.median(replays):.3f} s, best {min(replays):.3f} s"
          f"  ({changed} files changed, exit {again.returncode})")
    shutil.rmtree(work)
    export.unlink()


if __name__ == "__main__":
    main()
