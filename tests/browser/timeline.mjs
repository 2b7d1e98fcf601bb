// Browser test of the portal timeline, in headless Chromium: at 320, 390 and 1280 px
// wide, no task name is clipped or outside the screen, no tick label overlaps another
// or runs past the chart, the page does not scroll sideways; and axe-core finds no
// accessibility violation on the timeline or the overview.
//
//   node tests/browser/timeline.mjs PORTAL_URL... [public:PAGE_URL...] [dashboard:URL] [--shots DIR]
//
// Each PORTAL_URL is an unencrypted portal's overview (its timeline is
// PORTAL_URL + "timeline/"). The vendor's dashboard (unencrypted) is checked with
// axe-core and for sideways scrolling at each width. With --shots, screenshots of each timeline's chart and
// table at each width, named by the page's language. Needs axe-core beside playwright-core
// (NODE_PATH). Exits non-zero on any failure.

import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');
const axePath = require.resolve('axe-core/axe.min.js');

const args = process.argv.slice(2);
const shotsAt = args.indexOf('--shots');
const shots = shotsAt >= 0 ? args.splice(shotsAt, 2)[1] : null;
// `public:URL` is a public page with the chart (a playbook's preview).
const pages = args.filter((a) => a.startsWith('public:')).map((a) => a.slice('public:'.length));
const dashboards = args.filter((a) => a.startsWith('dashboard:')).map((a) => a.slice('dashboard:'.length));
const portals = args.filter((a) => !a.startsWith('public:') && !a.startsWith('dashboard:'));
const WIDTHS = [320, 390, 1280];

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

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});

/** Everything on the page that is clipped, off screen or overlapping, as sentences. */
function layoutProblems() {
  const problems = [];
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth > width) {
    problems.push(`the page scrolls sideways (${document.documentElement.scrollWidth} > ${width})`);
  }
  const names = [...document.querySelectorAll('.gantt-name')].filter((n) => n.textContent.trim());
  if (names.length === 0) problems.push('no task names');
  for (const n of names) {
    const r = n.getBoundingClientRect();
    if (n.scrollWidth > n.clientWidth || n.scrollHeight > n.clientHeight) {
      problems.push(`clipped name "${n.textContent}" (${n.scrollWidth}x${n.scrollHeight} in ${n.clientWidth}x${n.clientHeight})`);
    }
    if (r.left < 0 || r.right > width) problems.push(`name off screen "${n.textContent}" (${r.left}..${r.right})`);
  }
  const axis = document.querySelector('.gantt-axis');
  if (!axis) return [...problems, 'no axis'];
  const box = axis.getBoundingClientRect();
  const labels = [...axis.querySelectorAll('.tick-label')]
    .filter((t) => getComputedStyle(t).display !== 'none')
    .map((t) => ({ text: t.textContent, r: t.getBoundingClientRect() }));
  if (labels.length === 0) problems.push('no tick label shown');
  labels.sort((a, b) => a.r.left - b.r.left);
  for (const [i, l] of labels.entries()) {
    if (l.r.left < box.left - 0.5 || l.r.right > box.right + 0.5) {
      problems.push(`tick label "${l.text}" outside the chart (${l.r.left}..${l.r.right} of ${box.left}..${box.right})`);
    }
    const next = labels[i + 1];
    if (next && l.r.right > next.r.left) problems.push(`tick labels "${l.text}" and "${next.text}" overlap`);
  }
  return problems;
}

async function axe(page) {
  await page.addScriptTag({ path: axePath });
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  return result.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
}

// The policy is tested by csp.mjs; here it would refuse axe-core's script.
const context = await browser.newContext({ bypassCSP: true });
const page = await context.newPage();
for (const portal of portals) {
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: 900 });
    await page.goto(`${portal}timeline/`);
    const lang = await page.evaluate(() => document.documentElement.lang);
    await check(`timeline ${lang} at ${width} px: names whole, ticks apart, no sideways scroll`, async () => {
      const problems = await page.evaluate(layoutProblems);
      assert(problems.length === 0, problems.join(' | '));
    });
    if (shots) {
      await page.locator('figure.timeline').screenshot({ path: join(shots, `timeline-${lang}-${width}.png`) });
      await page.locator('.table-scroll').screenshot({ path: join(shots, `table-${lang}-${width}.png`) });
    }
    await check(`axe-core on the timeline, ${lang} at ${width} px`, async () => {
      const violations = await axe(page);
      assert(violations.length === 0, violations.join(' | '));
    });
  }
  await page.setViewportSize({ width: 390, height: 900 });
  await page.goto(portal);
  const lang = await page.evaluate(() => document.documentElement.lang);
  await check(`axe-core on the overview, ${lang}`, async () => {
    const violations = await axe(page);
    assert(violations.length === 0, violations.join(' | '));
  });
}
for (const url of pages) {
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: 900 });
    await page.goto(url);
    await check(`${url} at ${width} px: names whole, ticks apart, no sideways scroll`, async () => {
      const problems = await page.evaluate(layoutProblems);
      assert(problems.length === 0, problems.join(' | '));
    });
    await check(`axe-core on ${url} at ${width} px`, async () => {
      const violations = await axe(page);
      assert(violations.length === 0, violations.join(' | '));
    });
  }
}
for (const url of dashboards) {
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: 900 });
    await page.goto(url);
    await check(`dashboard at ${width} px: rows shown, no sideways scroll`, async () => {
      const problems = await page.evaluate(() => {
        const found = [];
        const width = document.documentElement.clientWidth;
        if (document.documentElement.scrollWidth > width) {
          found.push(`the page scrolls sideways (${document.documentElement.scrollWidth} > ${width})`);
        }
        if (document.querySelectorAll('tbody tr').length === 0) found.push('no customer rows');
        return found;
      });
      assert(problems.length === 0, problems.join(' | '));
    });
    await check(`axe-core on the dashboard at ${width} px`, async () => {
      const violations = await axe(page);
      assert(violations.length === 0, violations.join(' | '));
    });
  }
}
await browser.close();
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
