// Browser test of the search box (assets/search.js) on a built example site, in
// headless Chromium: a Lao word taken from inside a sentence written without
// spaces, and a Nepali word, are found, and their result leads to the article's
// section; the keyboard moves through the results and Enter opens the first; no
// request goes to search/ before the box has focus; axe-core finds no violation
// with the results open; a missing index says "unavailable"; odd queries throw
// nothing; without JavaScript the form lands on the A–Z page.
//
//   node tests/browser/search.mjs SITE_URL [--gangway BINARY SITE_DIR] [--shots DIR]
//
// SITE_URL is the site root (ending in "/"), built from the repository's example
// site. With --gangway, queries in every language are run by `gangway search` on
// SITE_DIR too, and the browser must find the same pages in the same order. Needs axe-core beside playwright-core (NODE_PATH). Exits non-zero on any failure.

import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');
const axePath = require.resolve('axe-core/axe.min.js');

const args = process.argv.slice(2);
const shotsAt = args.indexOf('--shots');
const shots = shotsAt >= 0 ? args.splice(shotsAt, 2)[1] : null;
const cliAt = args.indexOf('--gangway');
const cli = cliAt >= 0 ? args.splice(cliAt, 3).slice(1) : null;
const site = args[0];
if (!site || !site.endsWith('/')) {
  console.error('usage: node search.mjs SITE_URL [--gangway BINARY SITE_DIR] [--shots DIR]');
  process.exit(2);
}

// Words of the example site's articles: the Lao one sits inside a sentence with
// no spaces ("ລະບົບຈະໃຫ້ທ່ານຕັ້ງລະຫັດຜ່ານ"), the Nepali one is the start of a
// longer word's neighbour ("करिब तीस मिनेट लाग्छ").
const CASES = [
  { lang: 'lo', word: 'ລະຫັດຜ່ານ', article: 'lo/kb/account-setup/' },
  { lang: 'ne', word: 'मिनेट', article: 'ne/kb/account-setup/' },
];

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

/** A page that records its requests and script errors. */
async function open(context, url) {
  const page = await context.newPage();
  page.requests = [];
  page.errors = [];
  page.on('request', (r) => page.requests.push(r.url()));
  page.on('pageerror', (e) => page.errors.push(String(e)));
  page.on('response', (r) => {
    if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) page.errors.push(`${r.status()} ${r.url()}`);
  });
  await page.goto(url);
  return page;
}

async function search(page, text) {
  await page.fill('#gw-search', text);
  await page.waitForFunction(() => {
    const panel = document.querySelector('.search-panel');
    return panel && !panel.hidden && document.querySelector('.search-count').textContent !== '';
  }, null, { timeout: 10000 });
}

/** The result link leading to `article`, pressing "Show more results" until it shows. */
async function resultFor(page, article) {
  for (;;) {
    const link = page.locator(`.search-results a[href*="${article}"]`).first();
    if (await link.count()) return link;
    const more = page.locator('.search-more');
    if (!(await more.isVisible())) return null;
    const before = await page.locator('.search-results li').count();
    await more.click();
    await page.waitForFunction((n) => document.querySelectorAll('.search-results li').length > n, before);
  }
}

/** The text of the section the page's address points at (its heading to the next), or the main text. */
function sectionText() {
  const id = decodeURIComponent(location.hash.slice(1));
  const main = document.querySelector('main');
  if (!id) return main.textContent;
  const heading = document.getElementById(id);
  if (!heading) return null;
  let text = heading.textContent;
  for (let n = heading.nextElementSibling; n && !/^H[12]$/.test(n.tagName); n = n.nextElementSibling) text += n.textContent;
  return text;
}

const context = await browser.newContext();
for (const c of CASES) {
  await check(`${c.lang}: "${c.word}" is found, and its result leads to the section that has it`, async () => {
    const page = await open(context, `${site}${c.lang}/`);
    await page.waitForTimeout(300);
    const early = page.requests.filter((u) => u.includes('/search/'));
    assert(early.length === 0, `requests to search/ before focus: ${early.join(', ')}`);
    await page.focus('#gw-search');
    await page.waitForFunction(() => performance.getEntriesByType('resource').some((e) => e.name.endsWith('/index.json')));
    await search(page, c.word);
    const link = await resultFor(page, c.article);
    assert(link, `no result leads to ${c.article}: ${await page.locator('.search-panel').textContent()}`);
    const marked = await page.locator('.search-snippet mark').count();
    // The count is written in the language's own digits (Devanagari in Nepali).
    const count = await page.locator('.search-count').textContent();
    if (c.lang === 'ne') assert(/[०-९]/.test(count) && !/[0-9]/.test(count), `Nepali count in other digits: ${count}`);
    await link.click();
    await page.waitForURL((u) => u.pathname.endsWith(`/${c.article}`));
    const text = await page.evaluate(sectionText);
    assert(text !== null, `the address's anchor is not on the page: ${page.url()}`);
    assert(text.includes(c.word), `the section ${decodeURIComponent(new URL(page.url()).hash)} does not hold the word`);
    assert(page.errors.length === 0, page.errors.join('; '));
    await page.close();
    return `${decodeURIComponent(new URL(page.url()).hash) || 'page'}, ${marked} marks`;
  });
}

// A playbook preview with no Chichewa version (its title and summary in
// English) whose tasks from the playbook it extends are translated: the result is
// declared English and its Chichewa snippet and heading say so.
await check('ny: a result in another language marks the parts in the page\'s', async () => {
  const page = await open(context, `${site}ny/`);
  await page.focus('#gw-search');
  await search(page, 'msonkhano');
  const link = await resultFor(page, 'ny/playbooks/consulting/');
  assert(link, `no result leads to the consulting preview: ${await page.locator('.search-panel').textContent()}`);
  const langs = await link.evaluate((a) => {
    const li = a.closest('li');
    const of = (el) => (el ? el.closest('[lang]').lang : null);
    // The section's name and the task's title, each in its own span.
    const spans = li.querySelectorAll('.search-where span');
    return { title: of(a), snippet: of(li.querySelector('.search-snippet')), where: spans.length === 2 ? of(spans[1]) : null };
  });
  assert(langs.title === 'en', `title declared ${langs.title}`);
  assert(langs.snippet === 'ny', `snippet declared ${langs.snippet}`);
  assert(langs.where === 'ny', `task heading declared ${langs.where}`);
  assert(page.errors.length === 0, page.errors.join('; '));
  await page.close();
  return JSON.stringify(langs);
});

// The same queries through `gangway search`: the same pages in the same order
// (anchors aside: which part a snippet comes from may differ).
const SAME = [
  ['en', 'invite users'], ['en', 'password'], ['en', 'setting up'], ['ms', 'kata laluan'], ['ms', 'data'],
  ['ne', 'मिनेट'], ['ne', 'प्रशासक'], ['kk', 'деректері'], ['kk', 'жұмыс'], ['lo', CASES[0].word], ['ny', 'akaunti'],
];
if (cli) {
  const { execFileSync } = require('node:child_process');
  const [binary, root] = cli;
  for (const [lang, q] of SAME) {
    await check(`${lang}: "${q}" finds what \`gangway search\` finds, in its order`, async () => {
      const out = execFileSync(binary, ['search', '--root', root, '--lang', lang, '--format', 'json', '--limit', '1000', q],
        { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      const expected = JSON.parse(out).map((h) => h.url.replace(/#.*$/, ''));
      const page = await open(context, `${site}${lang === 'en' ? '' : `${lang}/`}`);
      await page.focus('#gw-search');
      await search(page, q);
      while (await page.locator('.search-more').isVisible()) {
        const before = await page.locator('.search-results li').count();
        await page.locator('.search-more').click();
        await page.waitForFunction((n) => document.querySelectorAll('.search-results li').length > n, before);
      }
      const got = await page.locator('.search-results a').evaluateAll((as, base) => as.map((a) => decodeURI(a.href.slice(base.length)).replace(/#.*$/, '')), site);
      await page.close();
      assert(JSON.stringify(got) === JSON.stringify(expected.map(decodeURI)),
        `browser ${JSON.stringify(got)}, gangway search ${JSON.stringify(expected)}`);
      return `${got.length} results`;
    });
  }
}

await check('keyboard: ArrowDown/ArrowUp move through the results, Escape closes, Enter opens the first', async () => {
  const page = await open(context, `${site}lo/kb/`);
  await page.focus('#gw-search');
  await search(page, CASES[0].word);
  const links = await page.locator('.search-results a').evaluateAll((as) => as.map((a) => a.href));
  assert(links.length >= 1, `no results: ${await page.locator('.search-panel').textContent()}`);
  const active = () => page.evaluate(() => (document.activeElement.id || document.activeElement.href || ''));
  await page.keyboard.press('ArrowDown');
  assert((await active()) === links[0], `ArrowDown from the box: ${await active()}`);
  if (links.length > 1) {
    await page.keyboard.press('ArrowDown');
    assert((await active()) === links[1], 'ArrowDown to the second result');
    await page.keyboard.press('ArrowUp');
  }
  await page.keyboard.press('ArrowUp');
  assert((await active()) === 'gw-search', 'ArrowUp from the first result returns to the box');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Escape');
  assert((await active()) === 'gw-search', 'Escape returns focus to the box');
  assert(await page.locator('.search-panel').isHidden(), 'Escape closes the results');
  await search(page, CASES[0].word);
  await page.keyboard.press('Enter');
  await page.waitForURL((u) => u.href === links[0]);
  await page.close();
});

await check('a missing index: "unavailable", quietly', async () => {
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.route('**/search/**', (route) => route.fulfill({ status: 404, body: 'missing' }));
  await page.goto(`${site}ne/`);
  await page.focus('#gw-search');
  await search(page, 'खोज');
  const said = await page.locator('.search-count').textContent();
  const expected = await page.locator('form[data-gw-search]').getAttribute('data-unavailable');
  assert(said === expected, `said "${said}"`);
  assert(errors.length === 0, errors.join('; '));
  await page.close();
});

await check('odd queries throw nothing', async () => {
  const page = await open(context, `${site}lo/`);
  await page.focus('#gw-search');
  const odd = ['\u0000', '\ud800x', 'a'.repeat(5000), '🙂🙂🙂 ﬁ ǅ', '__proto__ constructor', '<b>x</b> "\'&', ' '.repeat(40), 'ລ'.repeat(300)];
  for (const q of odd) {
    await page.evaluate((v) => {
      const input = document.getElementById('gw-search');
      input.value = v;
      input.dispatchEvent(new Event('input', { bubbles: true }));
    }, q);
    await page.waitForTimeout(250);
  }
  assert(page.errors.length === 0, page.errors.join('; '));
  assert((await page.locator('.search-results b').count()) === 0, 'markup from the query reached the page');
  await page.close();
});

// axe-core's script needs the policy bypassed (csp.mjs tests the policy).
const axeContext = await browser.newContext({ bypassCSP: true });
for (const width of [390, 1280]) {
  await check(`axe-core with results open, lo at ${width} px`, async () => {
    const page = await open(axeContext, `${site}lo/kb/account-setup/`);
    await page.setViewportSize({ width, height: 900 });
    await page.focus('#gw-search');
    await search(page, CASES[0].word);
    const scrolls = await page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);
    assert(!scrolls, 'the page scrolls sideways');
    if (shots) await page.screenshot({ path: join(shots, `search-lo-${width}.png`) });
    await page.addScriptTag({ path: axePath });
    const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
    const violations = result.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
    assert(violations.length === 0, violations.join('; '));
    await page.close();
  });
}
await check('the header at 320 px: no sideways scroll', async () => {
  const page = await open(axeContext, `${site}ne/faq/`);
  await page.setViewportSize({ width: 320, height: 800 });
  const scrolls = await page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);
  assert(!scrolls, 'the page scrolls sideways');
  await page.close();
});

await check('without JavaScript the form lands on the A–Z page', async () => {
  const plain = await browser.newContext({ javaScriptEnabled: false });
  const page = await plain.newPage();
  await page.goto(`${site}lo/kb/account-setup/`);
  await page.fill('#gw-search', CASES[0].word);
  await page.press('#gw-search', 'Enter');
  await page.waitForURL((u) => u.pathname.endsWith('/lo/a-z/'));
  const letters = await page.locator('.a-z-letters a').count();
  const article = await page.locator(`main a[href$="kb/account-setup/"]`).count();
  assert(letters > 0 && article > 0, `letters ${letters}, article links ${article}`);
  await plain.close();
});

await browser.close();
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
