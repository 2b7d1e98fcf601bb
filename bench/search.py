#!/usr/bin/env python3
"""gangway's search vs Pagefind on the synthetic benchmark site (issue 21, "Quality, measured").

Generates the build benchmark's site (bench/run.py's generator: N articles × 6 languages, no
customers), and measures:
- gangway's index cost: builds with search and with `[search] enabled = false`, the
  difference of the medians (wall time, peak memory);
- Pagefind (installed from npm) over the public part of gangway's output (without p/):
  wall time, peak memory;
- the index bytes of each (gangway: search/; Pagefind: pagefind/);
- in headless Chromium, the bytes a typical query downloads in each language;
- recall of probe words taken from the middle of the articles' sentences (for Lao, from
  inside runs without spaces, found with Intl.Segmenter).
See bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import gzip
import hashlib
import http.server
import json
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
import unicodedata
from pathlib import Path

sys.dont_write_bytecode = True
sys.path.insert(0, str(Path(__file__).resolve().parent))
import run as R  # noqa: E402  the site generator and the measuring helpers of the build benchmark
import words as W  # noqa: E402

REPO = R.REPO
LANGS = R.LANGS
HELPER = Path(__file__).resolve().parent / "search_browser.mjs"
NO_SEARCH = "\n[search]\nenabled = false\n"
GOALS = {"index_share": 0.10, "lao_bytes_ratio": 0.10, "recall": 1.0}


# ------------------------------------------------------------------------ sites


def prefix(lang: str) -> str:
    """Where a language's pages live in the output (translations layout)."""
    return "" if lang == "en" else f"{lang}/"


def article_url(lang: str, i: int) -> str:
    sec, num = R.article_loc(i)
    return f"{prefix(lang)}s{sec}/{num}/"


def no_search_copy(site: Path) -> Path:
    """The same site with `[search] enabled = false`: hard links, gangway.toml rewritten."""
    dst = site.with_name(site.name + "-nosearch")
    if dst.exists():
        shutil.rmtree(dst)
    R.link_tree(site, dst)
    toml = dst / "gangway.toml"
    text = toml.read_text(encoding="utf-8")
    toml.unlink()  # a hard link: the original must stay as it is
    toml.write_text(text + NO_SEARCH, encoding="utf-8")
    return dst


def public_copy(out: Path, pub: Path):
    """gangway's output without the portals (p/), hard-linked, for Pagefind and the browser."""
    if pub.exists():
        shutil.rmtree(pub)
    R.link_tree(out, pub)
    if (pub / "p").exists():
        shutil.rmtree(pub / "p")


def gz(path: Path) -> int:
    """The file's size gzip-compressed (level 6, as a web server would send it)."""
    return len(gzip.compress(path.read_bytes(), 6))


def tree_bytes(root: Path, gzipped: bool = False) -> dict:
    """Bytes and files under root; with `gzipped`, also the sum of each file gzip-compressed."""
    total = files = packed = 0
    for dirpath, _, names in os.walk(root):
        for name in names:
            total += os.path.getsize(os.path.join(dirpath, name))
            files += 1
            if gzipped:
                packed += gz(Path(dirpath) / name)
    return {"bytes": total, "files": files, **({"gzip_bytes": packed} if gzipped else {})}


# ---------------------------------------------------------------------- builds


def measured(cmd: list[str], log: Path, env: dict | None = None) -> dict:
    """R.measure (wall time, CPU, how busy the machine was), with the peak memory from
    /usr/bin/time: os.wait4's ru_maxrss of a child started by this Python process is at
    least this process's own peak (Linux keeps the high-water mark across the exec of a
    vforked child), which hid the figure under ~260 MB at small sizes."""
    peak = log.with_suffix(".maxrss")
    r = R.measure(["/usr/bin/time", "-f", "%M", "-o", str(peak), *cmd], log, env)
    try:
        r["peak_mb"] = int(peak.read_text().split()[-1]) / 1024
    except (OSError, ValueError, IndexError):
        r["peak_mb"] = None
    return r


def gangway_run(binary: Path, site: Path, out: Path, log: Path) -> dict:
    """One gangway build into a new `out`; with its `built … in X ms` and first errors."""
    if out.exists():
        shutil.rmtree(out)
    r = measured(R.gangway_cmd(binary, site, out), log, dict(os.environ, GANGWAY_TIMINGS="1"))
    text = log.read_text(encoding="utf-8", errors="replace")
    m = R.GW_STATS.search(text)
    if m:
        r["compile_ms"] = int(m.group(3))
    r["warnings"] = len(re.findall(r"^warning(\[|:)", text, re.M))
    errors = re.findall(r"^error.*$", text, re.M)
    r["errors"] = len(errors)
    if r["exit"] != 0:
        # A problem with the configuration first (the other errors may follow from it).
        errors.sort(key=lambda e: "gangway.toml" not in e and "unknown" not in e)
        r["first_errors"] = errors[:3] or text.strip().splitlines()[-5:]
    return r


def gangway_builds(args, binary: Path, site: Path, out_root: Path, logs: Path) -> dict:
    """Untimed check build (kept for Pagefind and the browser), then --runs rounds of a
    build with search and one without, alternating."""
    keep = out_root / "site"
    check = gangway_run(binary, site, keep, logs / "gangway-check.log")
    res = {"check": check, "output": str(keep), "runs": {"search": [], "nosearch": []}}
    if check["exit"] != 0:
        res["error"] = "the check build failed:\n  " + "\n  ".join(check["first_errors"])
        return res
    if not (keep / "search").is_dir():
        res["error"] = f"gangway ({binary}) wrote no search/ folder: this gangway has no search index"
    nosearch = no_search_copy(site)
    tmp = out_root / "timed"
    for k in range(args.runs):
        for kind, src in (("search", site), ("nosearch", nosearch)):
            others = R.wait_idle(args.wait_idle)
            R.warm_tree(src)
            r = gangway_run(binary, src, tmp, logs / f"gangway-{kind}-{k}.log")
            r["waited_s"] = others
            if tmp.exists():
                shutil.rmtree(tmp)
            res["runs"][kind].append(r)
            failed = "" if r["exit"] == 0 else f", exit {r['exit']}"
            print(f"  gangway {kind:8} run {k + 1}: {r['wall_s']:.2f} s wall, {r['peak_mb']:.0f} MB peak{failed}"
                  f" (others {r.get('others_pct', 0):.0f}%)", flush=True)
    shutil.rmtree(nosearch)
    for kind, runs in res["runs"].items():
        ok = [r for r in runs if r["exit"] == 0]
        res[kind] = {"wall_s": R.median(ok, "wall_s"), "peak_mb": R.median(ok, "peak_mb"), "ok_runs": len(ok)}
    s, n = res["search"], res["nosearch"]
    if s["wall_s"] is not None and n["wall_s"] is not None:
        res["index_cost"] = {"wall_s": s["wall_s"] - n["wall_s"], "peak_mb": s["peak_mb"] - n["peak_mb"],
                             "share_of_build_without": (s["wall_s"] - n["wall_s"]) / n["wall_s"],
                             "share_of_build_with": (s["wall_s"] - n["wall_s"]) / s["wall_s"]}
    elif res["nosearch"]["ok_runs"] == 0:
        res["nosearch_error"] = ("the builds without search failed (does this gangway know `[search] enabled = "
                                 "false`?): " +
                                 " / ".join(res["runs"]["nosearch"][0].get("first_errors", [])))
    return res


def ensure_node(node_dir: Path, pagefind: str) -> dict:
    """pagefind (npm) and playwright-core in node_dir; returns the Pagefind binary shipped
    in its platform package (run directly, so its memory is its own, not node's)."""
    node_dir.mkdir(parents=True, exist_ok=True)
    if not (node_dir / "package.json").exists():
        (node_dir / "package.json").write_text('{"private": true}\n')
    want = [f"pagefind@{pagefind}", "playwright-core@1"]
    have_pf = node_dir / "node_modules" / "pagefind" / "package.json"
    version = json.loads(have_pf.read_text())["version"] if have_pf.exists() else None
    if version is None or not version.startswith(pagefind) or not (node_dir / "node_modules" / "playwright-core").exists():
        print(f"installing {' '.join(want)} into {node_dir}", flush=True)
        subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--silent", *want], cwd=node_dir, check=True)
        version = json.loads(have_pf.read_text())["version"]
    bins = sorted((node_dir / "node_modules" / "@pagefind").glob("linux-*/bin/pagefind*"))
    bins = [b for b in bins if os.access(b, os.X_OK) and not b.name.endswith(".sha256")]
    if not bins:
        sys.exit(f"error: no Pagefind binary under {node_dir}/node_modules/@pagefind")
    # The npm runner prefers pagefind_extended (the only one 1.5 ships for Linux).
    binary = next((b for b in bins if b.name == "pagefind_extended"), bins[0])
    return {"binary": binary, "version": version, "node_modules": node_dir / "node_modules"}


def pagefind_runs(args, binary: Path, pub: Path, logs: Path) -> dict:
    runs = []
    for k in range(args.runs):
        if (pub / "pagefind").exists():
            shutil.rmtree(pub / "pagefind")
        others = R.wait_idle(args.wait_idle)
        R.warm_tree(pub)
        log = logs / f"pagefind-{k}.log"
        r = measured([str(binary), "--site", str(pub)], log)
        r["waited_s"] = others
        text = log.read_text(encoding="utf-8", errors="replace")
        r["log_tail"] = text.strip().splitlines()[-12:]
        runs.append(r)
        print(f"  pagefind run {k + 1}: {r['wall_s']:.2f} s wall, {r['peak_mb']:.0f} MB peak"
              f"{'' if r['exit'] == 0 else ', exit ' + str(r['exit'])} (others {r.get('others_pct', 0):.0f}%)",
              flush=True)
    ok = [r for r in runs if r["exit"] == 0]
    res = {"runs": runs, "wall_s": R.median(ok, "wall_s"), "peak_mb": R.median(ok, "peak_mb"), "ok_runs": len(ok),
           "command": [str(binary), "--site", str(pub)]}
    if not ok:
        res["error"] = "Pagefind failed: " + " / ".join(runs[-1]["log_tail"][-3:])
    return res


def pagefind_lang_bytes(bundle: Path) -> dict[str, int]:
    """Bytes of Pagefind's per-language files (index chunks, fragments, meta, wasm: named
    `<lang>_<hash>` or `wasm.<lang>.pagefind`); its shared code and UI files are left out."""
    out: dict[str, int] = {}
    for f in bundle.rglob("*"):
        m = re.match(r"(?:pagefind\.)?([a-z]{2,3})_[0-9a-f]+\.pf_|wasm\.([a-z]{2,3})\.pagefind$", f.name)
        if f.is_file() and m:
            lang = m.group(1) or m.group(2)
            out[lang] = out.get(lang, 0) + f.stat().st_size
    return out


def pagefind_urls(bundle: Path) -> dict[str, str]:
    """Result id → url, from Pagefind's fragment files (gzip; `pagefind_dcd` then JSON)."""
    urls = {}
    for f in sorted((bundle / "fragment").glob("*.pf_fragment")):
        data = gzip.decompress(f.read_bytes())
        if data.startswith(b"pagefind_dcd"):
            data = data[len(b"pagefind_dcd"):]
        urls[f.stem] = json.loads(data).get("url", "")
    return urls


# ----------------------------------------------------------------------- probes


def node(mode: str, job: dict, timeout: float = 3600) -> dict:
    p = subprocess.run(["node", str(HELPER), mode], input=json.dumps(job).encode(), capture_output=True,
                       timeout=timeout)
    if p.returncode != 0:
        raise RuntimeError(f"node {HELPER.name} {mode} failed: {p.stderr.decode(errors='replace')[-2000:]}")
    return json.loads(p.stdout)


def is_word(w: str) -> bool:
    """Letters and marks only (no digits, no punctuation), at least 4 characters."""
    return len(w) >= 4 and all(unicodedata.category(c)[0] in "LM" for c in w)


def prose_sentences(lang: str, i: int, n: int, seed: int) -> list[str]:
    """The sentences of an article's paragraphs (not its headings, list, table or code)."""
    _, parts, _ = R.make_article(lang, i, n, seed)
    text = []
    for p in parts:
        if isinstance(p, str) and p.strip() and not p.lstrip().startswith(("#", "|", "-", "`")) \
                and not p.lstrip()[:1].isdigit():
            text.append(p)
    end = W.SENTENCE_END[lang]
    out = []
    for piece in text:
        # Sentences are separated by a space (Lao: its runs are the sentences).
        chunks = piece.split(end + " ") if end else piece.split(" ")
        out += [c.strip().rstrip(end) for c in chunks if c.strip()]
    return out


def pick_probes(n: int, count: int, seed: int) -> dict[str, list[dict]]:
    """`count` probe words per language, each from a different article (chosen with a fixed
    seed), distinct within the language: a word from inside a sentence (neither its first
    nor its last word); for Lao, a word Intl.Segmenter finds inside a run without spaces."""
    probes = {}
    for lang in LANGS:
        rng = random.Random(f"{seed}/probes/{lang}")
        order = list(range(n))
        rng.shuffle(order)
        chosen: list[dict] = []
        used: set[str] = set()
        for i in order:
            if len(chosen) == count:
                break
            sentences = [s for s in prose_sentences(lang, i, n, seed) if len(s) > 20]
            rng.shuffle(sentences)
            sentences = sentences[:8]
            if lang == "lo":
                found = node("segment", {"lang": "lo", "texts": sentences})["words"]
                split = [[x["s"] for x in f if x["w"]] for f in found]
            else:
                split = [[w.strip(",;:()\"'") for w in s.split(" ")] for s in sentences]
            for s, segs in zip(sentences, split):
                inner = [w for w in segs[1:-1] if is_word(w) and w.lower() not in used]
                if inner:
                    w = rng.choice(inner)
                    used.add(w.lower())
                    chosen.append({"word": w, "article": i, "url": article_url(lang, i), "sentence": s})
                    break
        probes[lang] = chosen
    return probes


# ------------------------------------------------------------- gangway search CLI


def cli_search(binary: Path, site: Path, lang: str, q: str) -> list[str]:
    """`gangway search` over the site: every result's address, best first."""
    p = subprocess.run([str(binary), "search", "--root", str(site), "--lang", lang, "--limit", "1000000",
                        "--format", "json", "--today", R.TODAY, q], capture_output=True, timeout=600)
    if p.returncode != 0:
        raise RuntimeError(f"gangway search failed (exit {p.returncode}): {p.stderr.decode(errors='replace')[-500:]}")
    return [r["url"] for r in json.loads(p.stdout)]


def fetch_rule_bytes(search: Path, lang: str, word: str, urls: list[str], ids: dict[str, int]) -> dict:
    """The bytes one word's query needs by the contract's fetch rule, from the files: the
    manifest, the shards whose key is a prefix of the word (the word's own included), the
    shards whose key starts with the word when those listed first come to <= 60,000 bytes,
    and the fragments of the first 5 results. Computed, not measured: the figure to check the
    browser's against."""
    folder = search / lang
    manifest = (folder / "index.json").read_bytes()
    shards = dict(json.loads(manifest)["shards"])
    w = unicodedata.normalize("NFKC", word).lower()[:64]
    below = [k for k in shards if w.startswith(k)]
    total = sum(shards[k] for k in below)
    above = [k for k in shards if k.startswith(w) and k not in below] if total <= 60000 else []
    frags = [folder / "f" / f"{ids[u]}.json" for u in urls[:5] if u in ids]
    files = [folder / "index.json"] + [folder / "s" / f"{k.encode().hex()}.json" for k in below + above] + frags
    return {"manifest": len(manifest), "shards": total + sum(shards[k] for k in above),
            "shard_files": len(below) + len(above), "fragments": sum(f.stat().st_size for f in frags),
            "bytes": sum(f.stat().st_size for f in files), "gzip_bytes": sum(gz(f) for f in files)}


def fragment_ids(search: Path, lang: str) -> dict[str, int]:
    """Address (without its #anchor) → document id, from the fragment files."""
    out = {}
    for f in (search / lang / "f").glob("*.json"):
        out.setdefault(strip_url(json.loads(f.read_bytes())["u"]), int(f.stem))
    return out


def gangway_cli(binary: Path, site: Path, search: Path, probes: dict, queries: int) -> dict:
    """Recall by `gangway search` (the same query as the box, over the whole result list),
    and the bytes by the fetch rule for the first `queries` probes of each language."""
    out: dict = {}
    t0 = time.perf_counter()
    for lang in LANGS:
        ids = fragment_ids(search, lang)
        rows, sizes = [], []
        for k, probe in enumerate(probes[lang]):
            every = [strip_url(u) for u in cli_search(binary, site, lang, probe["word"])]
            rank = every.index(probe["url"]) + 1 if probe["url"] in every else None
            rows.append({"word": probe["word"], "url": probe["url"], "results": len(every), "rank": rank,
                         "top10": rank is not None and rank <= 10})
            if k < queries:
                sizes.append(dict(fetch_rule_bytes(search, lang, probe["word"], every, ids), q=probe["word"]))
        b = [x["bytes"] for x in sizes]
        zb = [x["gzip_bytes"] for x in sizes]
        out[lang] = {"probes": rows, "bytes": sizes, "gzip_bytes_median": statistics.median(zb) if zb else None,
                     "recall_found": sum(r["rank"] is not None for r in rows) / len(rows) if rows else None,
                     "recall_top10": sum(r["top10"] for r in rows) / len(rows) if rows else None,
                     "bytes_median": statistics.median(b) if b else None, "bytes_max": max(b) if b else None}
    print(f"  gangway search: {sum(len(p) for p in probes.values())} probes in {time.perf_counter() - t0:.0f} s",
          flush=True)
    return out


# ---------------------------------------------------------------------- serving


class Quiet(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, ".wasm": "application/wasm",
                      ".json": "application/json", ".js": "text/javascript", ".mjs": "text/javascript"}

    def log_message(self, *a):
        pass


def serve(root: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    handler = functools.partial(Quiet, directory=str(root))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}/"


def bench_pages(pub: Path):
    """One small page per language that the Pagefind tasks open (Pagefind picks the
    index of the page's <html lang>)."""
    for lang in LANGS:
        R.write(pub / "_bench" / f"pagefind-{lang}.html",
                f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>Pagefind {lang}</title>'
                "</head><body><p>search benchmark</p></body></html>\n")


def browser_tasks(probes: dict, queries: int, gangway: bool, pagefind: bool) -> list[dict]:
    """Per language: `queries` byte measurements per tool (one fresh context each), then
    one recall task per tool with every probe."""
    tasks = []
    for lang in LANGS:
        words = [p["word"] for p in probes[lang]]
        for q in words[:queries]:
            if gangway:
                tasks.append({"kind": "gangway", "lang": lang, "use": "bytes", "page": prefix(lang), "queries": [q]})
            if pagefind:
                tasks.append({"kind": "pagefind", "lang": lang, "use": "bytes", "page": f"_bench/pagefind-{lang}.html",
                              "queries": [q], "data": 5})
        if gangway:
            tasks.append({"kind": "gangway", "lang": lang, "use": "recall", "page": prefix(lang), "queries": words})
        if pagefind:
            tasks.append({"kind": "pagefind", "lang": lang, "use": "recall", "page": f"_bench/pagefind-{lang}.html",
                          "queries": words, "data": 10})
    return tasks


def strip_url(u: str) -> str:
    return u.split("#")[0].lstrip("/")


def summarise(tasks: list[dict], answers: list[dict], probes: dict, pf_urls: dict[str, str]) -> dict:
    """Per tool and language: bytes per query (median, max, each) and recall."""
    out: dict = {}
    for task, ans in zip(tasks, answers):
        slot = out.setdefault(task["kind"], {}).setdefault(task["lang"], {"bytes": [], "errors": []})
        if ans.get("error"):
            slot["errors"].append(ans["error"])
            continue
        if task["use"] == "bytes":
            for q in ans["queries"]:
                slot["bytes"].append({"q": q["q"], "bytes": q["search_bytes"], "files": q["search_files"],
                                      "data_bytes": q["search_bytes"] - q.get("code_bytes", 0),
                                      "results": len(q.get("ids", q["results"]))})
            script = ans.get("script_bytes") if task["kind"] == "gangway" else ans["queries"][0]["script_bytes"]
            slot["script_bytes"] = script
            if task["kind"] == "gangway":
                slot["before_focus"] = max(slot.get("before_focus", 0), ans.get("before_focus", 0))
            continue
        rows = []
        for probe, q in zip(probes[task["lang"]], ans["queries"]):
            shown = [strip_url(u) for u in q["results"]]
            every = [strip_url(pf_urls.get(i, "?")) for i in q["ids"]] if "ids" in q else shown
            rank = every.index(probe["url"]) + 1 if probe["url"] in every else None
            rows.append({"word": probe["word"], "url": probe["url"], "results": len(every), "rank": rank,
                         "top10": probe["url"] in shown[:10]})
        slot["probes"] = rows
        slot["recall_found"] = sum(r["rank"] is not None for r in rows) / len(rows) if rows else None
        slot["recall_top10"] = sum(r["top10"] for r in rows) / len(rows) if rows else None
    for tool in out.values():
        for slot in tool.values():
            b = [x["bytes"] for x in slot["bytes"]]
            slot["bytes_median"] = statistics.median(b) if b else None
            slot["bytes_max"] = max(b) if b else None
            d = [x["data_bytes"] for x in slot["bytes"]]
            slot["data_bytes_median"] = statistics.median(d) if d else None
    return out


def kb(x) -> str:
    return "—" if x is None else f"{x / 1024:,.1f}"


def pct(x) -> str:
    return "—" if x is None else f"{100 * x:.0f}%"


def report(res: dict) -> list[str]:
    n = res["n"]
    lines = [f"== search: N = {n:,} articles × 6 languages, 0 customers; gangway {res['gangway_version']}, "
             f"Pagefind {res.get('pagefind', {}).get('version', '—')}; {res['runs']} run(s); output in {res['out_root']} =="]
    g, p = res.get("gangway", {}), res.get("pagefind", {})
    lines.append(f"{'index':28} {'wall s':>8} {'peak MB':>8} {'index KB':>10} {'files':>7}")
    if g.get("search"):
        lines.append(f"{'gangway build, no search':28} {R.fmt_num(g['nosearch']['wall_s'])!s:>8} "
                     f"{R.fmt_num(g['nosearch']['peak_mb'], 0)!s:>8}")
        lines.append(f"{'gangway build, with search':28} {R.fmt_num(g['search']['wall_s'])!s:>8} "
                     f"{R.fmt_num(g['search']['peak_mb'], 0)!s:>8} {kb(res['bytes']['gangway'].get('bytes')):>10} "
                     f"{res['bytes']['gangway'].get('files', 0):>7,}")
    cost = g.get("index_cost")
    if cost:
        share = cost["share_of_build_without"]
        lines.append(f"{'gangway index (difference)':28} {cost['wall_s']:>+8.2f} {cost['peak_mb']:>+8.0f}    "
                     f"= {pct(share)} of the build without search, {pct(cost['share_of_build_with'])} of the build "
                     f"with it {R.verdict(share, GOALS['index_share'])}")
    if p.get("wall_s") is not None:
        lines.append(f"{'Pagefind (public pages)':28} {p['wall_s']:>8.2f} {p['peak_mb']:>8.0f} "
                     f"{kb(res['bytes']['pagefind'].get('bytes')):>10} {res['bytes']['pagefind'].get('files', 0):>7,}")
    for name, part, key in (("gangway", g, "error"), ("gangway", g, "nosearch_error"), ("Pagefind", p, "error")):
        if part.get(key):
            lines.append(f"  {name}: {part[key]}")
    q = res.get("queries", {})
    cli = res.get("gangway_cli", {})
    lines.append("")
    lines.append("bytes per query, median (max) over the queries, in KB of uncompressed response bodies: gangway's "
                 "search/ files typed in the box (box) and by the fetch rule (rule: manifest + shards + first 5 "
                 "fragments, computed from the files); Pagefind's /pagefind/ files incl. its script, worker and wasm "
                 "(PF data: without them). Recall: the probe's article found at all / in the top 10")
    lines.append(f"{'lang':5} {'gangway box':>15} {'gangway rule':>15} {'Pagefind':>15} {'PF data':>8} {'ratio':>6}  "
                 f"{'recall CLI':>11} {'recall box':>11} {'Pagefind':>11}")
    for lang in LANGS:
        gs, ps, cs = q.get("gangway", {}).get(lang, {}), q.get("pagefind", {}).get(lang, {}), cli.get(lang, {})
        g_b = gs.get("bytes_median") or cs.get("bytes_median")
        ratio = g_b / ps["bytes_median"] if g_b and ps.get("bytes_median") else None

        def both(d, key="bytes"):
            return f"{kb(d.get(key + '_median'))} ({kb(d.get(key + '_max'))})"

        def rec(d):
            return f"{pct(d.get('recall_found'))}/{pct(d.get('recall_top10'))}"

        lines.append(f"{lang:5} {both(gs):>15} {both(cs):>15} {both(ps):>15} {kb(ps.get('data_bytes_median')):>8} "
                     f"{'—' if ratio is None else f'{ratio:.3f}':>6}  {rec(cs):>11} {rec(gs):>11} {rec(ps):>11}")
        for tool, slot in (("gangway box", gs), ("Pagefind", ps)):
            for e in slot.get("errors", [])[:1]:
                lines.append(f"      {tool}: {e[:300]}")
    gq = q.get("gangway", {})
    scripts = {lang: gq.get(lang, {}).get("script_bytes") for lang in LANGS}
    lines.append(f"scripts: gangway assets/search.js {kb(max((v for v in scripts.values() if v), default=None))} KB "
                 f"(not in its bytes above); Pagefind pagefind.js {kb(q.get('pagefind', {}).get('en', {}).get('script_bytes'))} KB "
                 "(in its bytes above)")
    early = [lang for lang in LANGS if gq.get(lang, {}).get("before_focus")]
    if early:
        lines.append(f"gangway fetched search/ files before the box was focused on the pages of: {', '.join(early)}")
    zs = [f"{lang} {kb(cli[lang].get('gzip_bytes_median'))}" for lang in LANGS if cli.get(lang)]
    if zs:
        lines.append("gangway rule bytes gzip-compressed (as a server would send them; Pagefind's files are gzip "
                     "already), median KB: " + ", ".join(zs))
    if res["bytes"]["gangway"].get("gzip_bytes"):
        lines.append(f"gangway index gzip-compressed file by file: {kb(res['bytes']['gangway']['gzip_bytes'])} KB")
    lo_p = q.get("pagefind", {}).get("lo", {}).get("bytes_median")
    for how, lo_g in (("box", gq.get("lo", {}).get("bytes_median")), ("rule", cli.get("lo", {}).get("bytes_median"))):
        if lo_g and lo_p:
            lines.append(f"Lao query ({how}): gangway {lo_g / lo_p:.3f} of Pagefind's bytes "
                         f"{R.verdict(lo_g / lo_p, GOALS['lao_bytes_ratio'])}")
    r = [cli.get(lang, {}).get("recall_found") for lang in LANGS]
    if all(x is not None for x in r):
        lines.append("gangway recall by gangway search (every match, any rank): every probe word found "
                     f"in every language {'PASS' if min(r) >= 1 else 'FAIL'}")
    # The box shows 8 results until "Show more" is pressed: what it finds beyond them is
    # `gangway search`'s (the browser test checks both list the same pages in one order).
    r = [gq.get(lang, {}).get("recall_found") for lang in LANGS]
    if all(x is not None for x in r):
        lines.append("gangway recall in the box's first 8 results (not a goal: the probe words occur "
                     "in most articles): " + ", ".join(f"{lang} {x:.0%}" for lang, x in zip(LANGS, r)))
    return lines


def browser_half(args, pub: Path, probes: dict, pf_urls: dict, node_modules: Path, have_gangway: bool) -> dict:
    bench_pages(pub)
    tasks = browser_tasks(probes, args.queries, gangway=True, pagefind=(pub / "pagefind").is_dir())
    httpd, base = serve(pub)
    try:
        t0 = time.perf_counter()
        ans = node("browse", {"base": base, "playwright": str(node_modules), "chromium": args.chromium,
                              "tasks": tasks})
        print(f"  browser: {len(tasks)} tasks in {time.perf_counter() - t0:.0f} s ({ans['version']})", flush=True)
    finally:
        httpd.shutdown()
    out = summarise(tasks, ans["results"], probes, pf_urls)
    out["chromium"] = ans["version"]
    if not have_gangway:
        for slot in out.get("gangway", {}).values():
            slot["errors"].insert(0, "no search/ folder in gangway's output")
    out["raw"] = [{"task": {k: v for k, v in t.items() if k != "queries"}, "answer": a} for t, a in zip(tasks, ans["results"])]
    return out


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", type=int, default=1000, help="articles per language (default 1000)")
    ap.add_argument("--runs", type=int, default=3, help="timed builds per tool (default 3)")
    ap.add_argument("--gangway", help="gangway binary (default target/release/gangway, built if missing)")
    ap.add_argument("--work", default=str(REPO / "target" / "bench" / "search"),
                    help="work directory: logs, the binary's copy, node modules (default target/bench/search)")
    ap.add_argument("--sites", help="where the generated sites are cached (default target/bench/sites, shared "
                                    "with bench/run.py)")
    ap.add_argument("--out", help="results JSON (default WORK/results-n<N>.json; the table goes beside it as .txt)")
    ap.add_argument("--out-root", help="where the builds and Pagefind write (default a folder in /dev/shm)")
    ap.add_argument("--node-dir", help="where npm installs Pagefind and playwright-core (default WORK/node)")
    ap.add_argument("--pagefind-version", default="1.5", help="npm version of Pagefind (default 1.5)")
    ap.add_argument("--chromium", default="/usr/bin/chromium")
    ap.add_argument("--probes", type=int, default=20, help="probe words per language (default 20)")
    ap.add_argument("--queries", type=int, default=5,
                    help="queries per language whose bytes are measured, each in a fresh browser context (default 5)")
    ap.add_argument("--wait-idle", type=float, default=30, help="wait up to this long for an idle machine before a run")
    ap.add_argument("--no-pagefind", action="store_true", help="skip Pagefind (gangway only)")
    ap.add_argument("--no-cli", action="store_true",
                    help="skip the recall by `gangway search` (one run of it per probe, each reading the whole site)")
    ap.add_argument("--keep", action="store_true", help="keep the outputs (default: removed at the end)")
    ap.add_argument("--seed", type=int, default=R.SEED, help=argparse.SUPPRESS)
    return ap.parse_args()


def main() -> int:
    args = parse_args()
    work = Path(args.work).resolve()
    logs = work / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    n = args.size
    binary = R.ensure_gangway(args, work)
    sites = Path(args.sites).resolve() if args.sites else work.parent / "sites"
    site = R.generate(work, n, [0], "translations", 40, args.seed, False, sites)["gangway"][0]
    out_root = (Path(args.out_root) if args.out_root else
                Path("/dev/shm") / f"gangway-search-bench-{hashlib.sha256(str(work).encode()).hexdigest()[:8]}") / f"n{n}"
    out_root.mkdir(parents=True, exist_ok=True)
    res = {"date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"), "n": n, "runs": args.runs,
           "site": str(site), "out_root": str(out_root), "gangway_binary": str(binary),
           "gangway_version": R.git_state(), "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
           "byte_counts": "uncompressed response bodies (files as stored; Pagefind's own files are gzip inside)"}
    print(f"== gangway builds (N = {n:,}, {args.runs} run(s)) ==", flush=True)
    res["gangway"] = g = gangway_builds(args, binary, site, out_root, logs)
    if g["check"]["exit"] != 0:
        print(g["error"], file=sys.stderr)
        return 1
    keep, pub = Path(g["output"]), out_root / "public"
    public_copy(keep, pub)
    have_gangway = (keep / "search").is_dir()
    res["bytes"] = {"gangway": tree_bytes(keep / "search", gzipped=True) if have_gangway else {}, "pagefind": {}}
    if have_gangway:
        res["bytes"]["gangway"]["languages"] = {lang: tree_bytes(keep / "search" / lang, gzipped=True)
                                                for lang in LANGS}
    pf_urls: dict = {}
    nodes = ensure_node(Path(args.node_dir).resolve() if args.node_dir else work / "node", args.pagefind_version)
    if not args.no_pagefind:
        print("== Pagefind ==", flush=True)
        res["pagefind"] = pf = pagefind_runs(args, nodes["binary"], pub, logs)
        pf["version"] = nodes["version"]
        if (pub / "pagefind").is_dir():
            res["bytes"]["pagefind"] = tree_bytes(pub / "pagefind")
            res["bytes"]["pagefind"]["languages"] = pagefind_lang_bytes(pub / "pagefind")
            pf_urls = pagefind_urls(pub / "pagefind")
    print("== probes and queries ==", flush=True)
    res["probes"] = probes = pick_probes(n, args.probes, args.seed)
    if have_gangway and not args.no_cli:
        res["gangway_cli"] = gangway_cli(binary, site, keep / "search", probes, args.queries)
    res["queries"] = browser_half(args, pub, probes, pf_urls, nodes["node_modules"], have_gangway)
    lines = report(res)
    print("\n".join(lines))
    out = Path(args.out) if args.out else work / f"results-n{n}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(res, ensure_ascii=False, indent=1, default=str))
    out.with_suffix(".txt").write_text("\n".join(lines) + "\n")
    print(f"results: {out} and {out.with_suffix('.txt')}")
    if not args.keep:
        shutil.rmtree(out_root)
    return 0 if have_gangway and not g.get("error") else 1


if __name__ == "__main__":
    sys.exit(main())
