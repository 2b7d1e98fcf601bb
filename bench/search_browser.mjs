// Browser half of bench/search.py (gangway search vs Pagefind). Reads one JSON job on
// standard input, writes one JSON answer on standard output.
//
//   node bench/search_browser.mjs segment   {"lang": "lo", "texts": ["…", …]}
//        → {"words": [[{"s": "…", "i": 0, "w": true}, …], …]}  (Intl.Segmenter, word granularity)
//   node bench/search_browser.mjs browse    {"base": "http://127.0.0.1:PORT/", "playwright": DIR,
//        "chromium": "/usr/bin/chromium", "tasks": [...]}
//        → {"results": [...]}, one per task, in order.
//
// Task kinds (every task runs in a fresh browser context: nothing cached from another):
//   {"kind": "gangway", "page": "lo/", "queries": ["…"]}
//       Opens the page, focuses the header search box and types each query in turn
//       (clearing it before the next), waits for the results, and records every response:
//       bytes under search/ and of assets/search.js, and the result links shown.
//   {"kind": "pagefind", "page": "_bench/pagefind-lo.html", "queries": ["…"], "data": 5}
//       Opens a page of ours that imports /pagefind/pagefind.js, runs pagefind.search(q) and
//       loads the data of the first `data` results; records every response under /pagefind/,
//       the result ids and the urls of the results whose data was loaded.
// Byte counts are response body sizes as received (the server sends no Content-Encoding).

import { createRequire } from "node:module";
import path from "node:path";

const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

async function readStdin() {
  const chunks = [];
  for await (const c of process.stdin) chunks.push(c);
  return JSON.parse(Buffer.concat(chunks).toString("utf8"));
}

function segment(job) {
  const seg = new Intl.Segmenter(job.lang, { granularity: "word" });
  return {
    words: job.texts.map((t) =>
      [...seg.segment(t)].map((s) => ({ s: s.segment, i: s.index, w: !!s.isWordLike })),
    ),
  };
}

// Records responses of one page: path → body bytes, in order of arrival.
function recorder(page, base) {
  const log = [];
  const pending = new Set();
  let last = Date.now();
  page.on("request", (req) => {
    pending.add(req);
    last = Date.now();
  });
  const done = (req) => {
    pending.delete(req);
    last = Date.now();
  };
  page.on("requestfailed", (req) => {
    done(req);
    log.push({ path: req.url().replace(base, ""), bytes: 0, status: "failed", t: Date.now() });
  });
  page.on("response", async (res) => {
    const req = res.request();
    let bytes = 0;
    try {
      bytes = (await res.body()).length;
    } catch {
      bytes = -1;
    }
    log.push({ path: res.url().replace(base, ""), bytes, status: res.status(), t: Date.now() });
    done(req);
  });
  return {
    log,
    // Resolves once no request has been pending for `quiet` ms (at most `limit` ms).
    async settle(quiet = 400, limit = 15000) {
      const t0 = Date.now();
      while (Date.now() - t0 < limit) {
        if (pending.size === 0 && Date.now() - last >= quiet) return true;
        await new Promise((r) => setTimeout(r, 50));
      }
      return false;
    },
    mark() {
      return log.length;
    },
  };
}

const sum = (entries, pred) => entries.filter(pred).reduce((a, e) => a + Math.max(0, e.bytes), 0);

// Links in the box's results: inside the element its aria-controls names when there is one,
// else every link of the page (the results are then the ones that appear after typing).
const anchors = (page) =>
  page.evaluate(() => {
    const box = document.querySelector('form[role="search"] input[type="search"]');
    const list = box && box.getAttribute("aria-controls") && document.getElementById(box.getAttribute("aria-controls"));
    return [...(list || document).querySelectorAll("a[href]")].map((a) => a.getAttribute("href"));
  });

async function gangwayTask(browser, base, task) {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  const rec = recorder(page, base);
  const out = { kind: "gangway", page: task.page, queries: [] };
  try {
    await page.goto(base + task.page, { waitUntil: "load" });
    await rec.settle(300);
    out.before_focus = rec.log.filter((e) => e.path.startsWith("search/")).length;
    const box = page.locator('form[role="search"] input[type="search"]').first();
    if ((await box.count()) === 0) throw new Error(`no search box (form[role=search] input[type=search]) on ${task.page}`);
    const before = new Set(await anchors(page));
    await box.focus();
    await rec.settle(300);
    for (const q of task.queries) {
      const m = rec.mark();
      await box.fill("");
      await box.pressSequentially(q, { delay: 20 });
      await rec.settle(500);
      // The list may be drawn a moment after the last response.
      let shown = [];
      for (let k = 0; k < 20; k++) {
        shown = (await anchors(page)).filter((h) => !before.has(h));
        if (shown.length) break;
        await page.waitForTimeout(50);
      }
      const entries = rec.log.slice(m);
      out.queries.push({
        q,
        search_bytes: sum(entries, (e) => e.path.startsWith("search/")),
        search_files: entries.filter((e) => e.path.startsWith("search/")).length,
        results: shown.map((h) => new URL(h, page.url()).href.replace(base, "")),
      });
    }
    out.script_bytes = sum(rec.log, (e) => e.path.startsWith("assets/search.js"));
    out.responses = rec.log.map(({ path, bytes, status }) => ({ path, bytes, status }));
  } catch (e) {
    out.error = String(e && e.message ? e.message : e);
  }
  await ctx.close();
  return out;
}

async function pagefindTask(browser, base, task) {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  const rec = recorder(page, base);
  const out = { kind: "pagefind", page: task.page, queries: [] };
  try {
    await page.goto(base + task.page, { waitUntil: "load" });
    await rec.settle(300);
    for (const q of task.queries) {
      const m = rec.mark();
      const r = await page.evaluate(
        async ({ q, n }) => {
          const pf = window.__pagefind || (window.__pagefind = await import("/pagefind/pagefind.js"));
          const s = await pf.search(q);
          const data = await Promise.all(s.results.slice(0, n).map((x) => x.data()));
          return { ids: s.results.map((x) => x.id), urls: data.map((d) => d.url) };
        },
        { q, n: task.data },
      );
      await rec.settle(300);
      const entries = rec.log.slice(m);
      out.queries.push({
        q,
        search_bytes: sum(entries, (e) => e.path.startsWith("pagefind/")),
        search_files: entries.filter((e) => e.path.startsWith("pagefind/")).length,
        script_bytes: sum(entries, (e) => e.path === "pagefind/pagefind.js"),
        // Its code (script, worker, wasm), as against the index data the query needed.
        code_bytes: sum(entries, (e) => /^pagefind\/(pagefind(-worker)?\.js|wasm\.)/.test(e.path)),
        ids: r.ids,
        results: r.urls.map((u) => u.replace(/^\//, "")),
      });
    }
    out.responses = rec.log.map(({ path, bytes, status }) => ({ path, bytes, status }));
  } catch (e) {
    out.error = String(e && e.message ? e.message : e);
  }
  await ctx.close();
  return out;
}

async function browse(job) {
  const require = createRequire(path.join(job.playwright, "noop.js"));
  const { chromium } = require("playwright-core");
  const browser = await chromium.launch({ executablePath: job.chromium, headless: true, args: FLAGS });
  const results = [];
  const version = browser.version();
  try {
    for (const task of job.tasks) {
      const run = task.kind === "gangway" ? gangwayTask : pagefindTask;
      results.push(await run(browser, job.base, task));
    }
  } finally {
    await browser.close();
  }
  return { version, results };
}

const mode = process.argv[2];
const job = await readStdin();
const answer = mode === "segment" ? segment(job) : await browse(job);
process.stdout.write(JSON.stringify(answer));
