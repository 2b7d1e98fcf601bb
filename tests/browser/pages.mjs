// Browser test of every page type of the example site, in headless Chromium:
// - axe-core with the WCAG 2.2 A and AA rules (tags wcag2a, wcag2aa, wcag21a, wcag21aa,
//   wcag22aa) at 390 and 1280 px, in the light and the dark colour scheme, on the home,
//   knowledge-base, article, FAQ, A–Z, 404 and playbook pages (in English, Nepali and Lao)
//   and on a portal's overview, checklist, timeline and FAQ and the dashboard;
// - no page of the site (every article of every language, and the page types above)
//   scrolls sideways at 320 and 390 px, and a table in an article sits in a
//   focusable, labelled scroll region;
// - no page asks the server for a file it does not have (a missing favicon was a 404);
// - the biggest checklist prints compactly: at most --pdf-max A4 pages, the progress
//   bar's fill and the legend's keys print, the contact and the date are on paper.
//
//   node tests/browser/pages.mjs --site URL --out DIR --portal URL... [--dashboard URL]
//        [--pdf-max N] [--shots DIR]
//
// URL is the site root as served, DIR the built site on disk (to find every page);
// each --portal URL an unencrypted portal's overview. With --shots, screenshots of
// each page type at 320, 390 and 1280 px (light and dark) and the printed checklist
// (a PDF and PNGs of its pages as Chromium shows them with print media).
// Needs axe-core beside playwright-core (NODE_PATH). Exits non-zero on any failure.

import { createRequire } from 'node:module';
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');
const axePath = require.resolve('axe-core/axe.min.js');

const opts = { portal: [], dashboard: [], pdfMax: 4 };
{
  const args = process.argv.slice(2);
  for (let i = 0; i < args.length; i += 2) {
    const [flag, value] = [args[i], args[i + 1]];
    if (flag === '--site') opts.site = value.endsWith('/') ? value : `${value}/`;
    else if (flag === '--out') opts.out = value;
    else if (flag === '--portal') opts.portal.push(value);
    else if (flag === '--dashboard') opts.dashboard.push(value);
    else if (flag === '--pdf-max') opts.pdfMax = Number(value);
    else if (flag === '--shots') opts.shots = value;
    else throw new Error(`unknown argument ${flag}`);
  }
  if (!opts.site || !opts.out) throw new Error('usage: node pages.mjs --site URL --out DIR --portal URL... [--dashboard URL] [--pdf-max N] [--shots DIR]');
}

let passed = 0;
let failed = 0;
async function check(name, fn) {
  try {
    const note = await fn();
    passed++;
    console.log(`ok   ${name}${note ? ` (${note})` : ''}`);
  } catch (e) {
    failed++;
    console.log(`FAIL ${name}: ${e && e.message ? e.message : e}`);
  }
}
function assert(cond, message) {
  if (!cond) throw new Error(message);
}

/** Every public page of the built site (portals and the dashboard are under p/). */
function publicPages(dir) {
  const found = [];
  const walk = (d) => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) {
        if (relative(dir, path) !== 'p') walk(path);
      } else if (name === 'index.html') {
        found.push(relative(dir, d).split(sep).filter(Boolean).map((s) => `${encodeURIComponent(s)}/`).join(''));
      }
    }
  };
  walk(dir);
  return found.sort();
}

const all = publicPages(opts.out);
const isArticle = (p) => !/^(?:[a-z]{2}\/)?(?:|kb\/|faq\/|a-z\/|playbooks\/[^/]+\/)$/.test(p) && !/^[a-z]{2}\/$/.test(p);
const types = (prefix) => ({
  home: `${prefix}`,
  kb_index: `${prefix}kb/`,
  article: `${prefix}kb/account-setup/`,
  article_table: `${prefix}kb/permissions/`,
  faq: `${prefix}faq/`,
  a_z: `${prefix}a-z/`,
  playbook: `${prefix}playbooks/saas/`,
  not_found: `${prefix}404.html`,
});

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
// The policy is tested by csp.mjs; here it would refuse axe-core's script.
const context = await browser.newContext({ bypassCSP: true });
const page = await context.newPage();
const missing = [];
page.on('response', (r) => {
  // 404.html is the one page that is itself served with its status.
  if (r.status() >= 400 && !r.url().endsWith('/404.html')) missing.push(`${r.status()} ${r.url()}`);
});

const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
async function axe() {
  await page.addScriptTag({ path: axePath });
  const result = await page.evaluate((tags) => window.axe.run(document, {
    runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'],
  }), WCAG);
  return result.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => `${n.target.join(' ')} ${n.failureSummary || ''}`.trim()).join(', ')}`);
}
function sideways() {
  const width = document.documentElement.clientWidth;
  return document.documentElement.scrollWidth > width ? `${document.documentElement.scrollWidth} > ${width}` : '';
}
async function visit(url) {
  const response = await page.goto(url);
  return response;
}
async function shot(name) {
  if (opts.shots) await page.screenshot({ path: join(opts.shots, `${name}.png`), fullPage: true });
}

// 1. axe-core on every page type, two widths, both schemes; screenshots at three widths.
const typed = [];
for (const prefix of ['', 'ne/', 'lo/']) {
  for (const [kind, path] of Object.entries(types(prefix))) typed.push([`${prefix || 'en/'}${kind}`, opts.site + path]);
}
for (const portal of opts.portal) {
  for (const [kind, sub] of [['overview', ''], ['checklist', 'checklist/'], ['timeline', 'timeline/'], ['faq', 'faq/']]) {
    typed.push([`portal-${kind}`, portal + sub]);
  }
}
for (const url of opts.dashboard) typed.push(['dashboard', url]);
for (const [name, url] of typed) {
  for (const scheme of ['light', 'dark']) {
    await page.emulateMedia({ colorScheme: scheme, media: 'screen' });
    for (const width of [320, 390, 1280]) {
      await page.setViewportSize({ width, height: 900 });
      await visit(url);
      const lang = await page.evaluate(() => document.documentElement.lang);
      const label = `${name} (${lang}) at ${width} px, ${scheme}`;
      if (width !== 1280) {
        await check(`${label}: no sideways scroll`, async () => {
          const over = await page.evaluate(sideways);
          assert(!over, `the page scrolls sideways (${over})`);
        });
      }
      if (width !== 320) {
        await check(`axe-core WCAG 2.2 A/AA on ${label}`, async () => {
          const violations = await axe();
          assert(violations.length === 0, violations.join(' | '));
        });
      }
      await shot(`${name.replace('/', '-')}-${lang}-${width}-${scheme}`);
    }
  }
}
await page.emulateMedia({ colorScheme: 'light', media: 'screen' });

// 2. Every public page at phone widths: nothing scrolls the page sideways; tables scroll in their region.
const articles = all.filter(isArticle);
let tables = 0;
for (const width of [320, 390]) {
  await page.setViewportSize({ width, height: 800 });
  const wide = [];
  for (const path of all) {
    await visit(opts.site + path);
    const over = await page.evaluate(sideways);
    if (over) wide.push(`${decodeURIComponent(path)} (${over})`);
    if (width === 320) {
      const bad = await page.evaluate(() => [...document.querySelectorAll('.prose table')].filter((t) => {
        const box = t.parentElement;
        return !(box.classList.contains('table-scroll') && box.getAttribute('role') === 'region'
          && box.tabIndex === 0 && box.getAttribute('aria-label'));
      }).length);
      tables += await page.evaluate(() => document.querySelectorAll('.prose .table-scroll > table').length);
      if (bad) wide.push(`${decodeURIComponent(path)}: ${bad} table(s) without a labelled, focusable scroll region`);
    }
  }
  await check(`all ${all.length} public pages (${articles.length} articles) at ${width} px: no sideways scroll`, async () => {
    assert(wide.length === 0, wide.join(' | '));
  });
}
await check('tables in articles are in scroll regions', async () => {
  assert(tables > 0, 'no article table found: the example has tables in its articles');
  return `${tables} tables`;
});
await check("no request for a file the site does not have, and every page's icon is there", async () => {
  assert(missing.length === 0, [...new Set(missing)].slice(0, 10).join(' | '));
  // Headless Chromium may not ask for icons itself: fetch each page type's icon.
  const icons = new Set();
  for (const [, url] of typed) {
    await visit(url);
    const href = await page.evaluate(() => document.querySelector('link[rel~="icon"]')?.href || '');
    assert(href, `no icon on ${url}`);
    icons.add(href);
  }
  for (const href of icons) {
    const r = await page.request.get(href);
    assert(r.status() === 200 && (r.headers()['content-type'] || '').includes('svg'), `${href}: ${r.status()} ${r.headers()['content-type']}`);
  }
  return `${icons.size} icon address(es)`;
});

// 3. The biggest checklist on paper.
if (opts.portal.length) {
  let biggest = null;
  for (const portal of opts.portal) {
    await visit(`${portal}checklist/`);
    const count = await page.locator('li.task').count();
    if (!biggest || count > biggest.count) biggest = { url: `${portal}checklist/`, count };
  }
  await visit(biggest.url);
  const lang = await page.evaluate(() => document.documentElement.lang);
  await page.emulateMedia({ media: 'print' });
  await check(`the ${lang} checklist (${biggest.count} tasks) prints on at most ${opts.pdfMax} A4 pages`, async () => {
    const pdf = await page.pdf({ format: 'A4', printBackground: false, preferCSSPageSize: true });
    if (opts.shots) writeFileSync(join(opts.shots, `checklist-${lang}.pdf`), pdf);
    const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) || []).length;
    assert(pages > 0 && pages <= opts.pdfMax, `${pages} pages`);
    return `${pages} pages`;
  });
  await check('on paper: the date and the contact print, phase headings keep to their first task', async () => {
    const found = await page.evaluate(() => {
      const line = document.querySelector('.print-contact');
      const shown = line && getComputedStyle(line).display !== 'none' ? line.textContent.trim() : '';
      const heads = [...document.querySelectorAll('.phase-head')].map((h) => getComputedStyle(h).breakAfter);
      const hidden = getComputedStyle(document.querySelector('.site-header')).display;
      return { shown, heads, hidden };
    });
    assert(found.shown, 'no printed date and contact line');
    assert(found.heads.length && found.heads.every((b) => b === 'avoid'), `phase heads break-after: ${found.heads}`);
    assert(found.hidden === 'none', 'the header prints');
    return found.shown;
  });
  if (opts.shots) {
    await page.setViewportSize({ width: 794, height: 1123 });
    await page.screenshot({ path: join(opts.shots, `checklist-${lang}-print.png`), fullPage: true });
  }
  await visit(opts.portal[0]);
  await check('on paper: the progress bar and the timeline legend keep their colours', async () => {
    const found = await page.evaluate(() => {
      const bar = document.querySelector('progress');
      return { bar: bar ? getComputedStyle(bar).printColorAdjust : 'no bar' };
    });
    assert(found.bar === 'exact', `progress print-color-adjust: ${found.bar}`);
    await visit(`${opts.portal[0]}timeline/`);
    const keys = await page.evaluate(() => [...document.querySelectorAll('.legend .key')].map((k) => getComputedStyle(k).printColorAdjust));
    assert(keys.length && keys.every((k) => k === 'exact'), `legend keys: ${keys}`);
  });
  await page.emulateMedia({ media: 'screen', forcedColors: 'active' });
  await check('in forced colours the legend keys stay visible', async () => {
    const keys = await page.evaluate(() => [...document.querySelectorAll('.legend .key')].map((k) => {
      const s = getComputedStyle(k);
      return `${s.forcedColorAdjust}/${s.borderLeftStyle}`;
    }));
    assert(keys.length && keys.every((k) => k.startsWith('none/') && !k.endsWith('/none')), keys.join(' '));
    if (opts.shots) await page.locator('.legend').first().screenshot({ path: join(opts.shots, 'legend-forced-colors.png') });
  });
  await page.emulateMedia({ media: 'screen', forcedColors: 'none' });
}

await browser.close();
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
