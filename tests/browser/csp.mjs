// Browser test of the Content-Security-Policy, in headless Chromium: no page may
// break it, neither a built page (public, or an encrypted portal after unlocking)
// nor a page of `gangway serve` with its live-reload script and error overlay.
//
//   node tests/browser/csp.mjs built BASE_URL PORTAL_URL PASSPHRASE [--shots DIR]
//   node tests/browser/csp.mjs serve SERVE_URL SITE_DIR
//
// `built`: BASE_URL serves a built site (with the `_headers` policy sent as a
// header, see run.sh); PORTAL_URL is an encrypted portal's overview. With
// --shots, screenshots of a public page and the portal at 390 and 1280 px.
// `serve`: SERVE_URL is `gangway serve` of the site in SITE_DIR; the test edits
// SITE_DIR/content/kb/getting-started.md (and restores it) to see the page reload, then
// breaks gangway.toml to see the overlay.
//
// A violation is anything reported by a `securitypolicyviolation` event (an
// init script listens in every page) or a console error (how Chromium reports
// a refused inline script, style or `on…` attribute, also after the unlock page
// replaces its document). Exits non-zero on any failure.

import { createRequire } from 'node:module';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');

const [mode, ...args] = process.argv.slice(2);
const shotsAt = args.indexOf('--shots');
const shots = shotsAt >= 0 ? args.splice(shotsAt, 2)[1] : null;

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

/** A page that records every policy violation and console error. */
async function watchedPage(context) {
  const page = await context.newPage();
  const problems = [];
  await page.exposeBinding('__gangwayViolation', (_, text) => problems.push(`violation: ${text}`));
  await page.addInitScript(() => {
    window.addEventListener('securitypolicyviolation', (e) => {
      window.__gangwayViolation(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile || e.documentURI}:${e.lineNumber}`);
    }, true);
  });
  page.on('console', (m) => {
    // Browsers ask for /favicon.ico by themselves, and report the 404 page's own
    // status: neither is a problem of the page.
    if (m.type() === 'error' && !/favicon|no-such-page/.test(m.location().url || '')) problems.push(`console: ${m.text()} (${m.location().url})`);
  });
  page.on('pageerror', (e) => problems.push(`script error: ${e}`));
  return { page, problems };
}

function none(problems, where) {
  assert(problems.length === 0, `${where}: ${problems.join(' | ')}`);
}

async function built(base, portal, passphrase) {
  const context = await browser.newContext();
  const { page, problems } = await watchedPage(context);
  const publicPages = ['', 'kb/', 'faq/', 'no-such-page/'];
  for (const path of publicPages) {
    await check(`public page /${path} keeps the policy`, async () => {
      const response = await page.goto(base + path);
      const header = response.headers()['content-security-policy'] || '';
      assert(header.includes("default-src 'none'"), `no policy header: "${header}"`);
      const meta = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
      assert(meta && meta.includes("script-src 'self'"), `meta policy: ${meta}`);
      // The stylesheet applied: the header is laid out as the theme says.
      const display = await page.locator('.site-header .wrap').evaluate((el) => getComputedStyle(el).display);
      assert(display !== 'inline', 'the stylesheet did not apply');
      none(problems, path || 'home');
    });
  }
  await check('an article keeps the policy', async () => {
    await page.goto(base + 'kb/');
    const first = page.locator('main a[href*="kb/"]').first();
    await first.click();
    await page.waitForLoadState('load');
    assert(/\/kb\/.+/.test(page.url()), `not an article: ${page.url()}`);
    none(problems, page.url());
    return page.url().slice(base.length);
  });
  await check('an inline script is refused and reported (the test can see violations)', async () => {
    const { page: probe, problems: seen } = await watchedPage(context);
    await probe.goto(base);
    await probe.evaluate(() => {
      const s = document.createElement('script');
      s.textContent = 'window.__ran = true';
      document.body.appendChild(s);
    });
    await probe.waitForTimeout(200);
    assert(!(await probe.evaluate(() => window.__ran)), 'an inline script ran');
    assert(seen.length > 0, 'no violation was reported');
    await probe.close();
  });
  await check('the encrypted portal unlocks under the policy', async () => {
    await page.goto(portal);
    await page.locator('#seal-form').waitFor({ state: 'visible', timeout: 5000 });
    await page.fill('#seal-pass', passphrase);
    await page.check('#seal-remember');
    await page.click('#seal-submit');
    await page.locator('.portal-header').waitFor({ state: 'visible', timeout: 60000 });
    none(problems, 'unlocked overview');
  });
  await check('the unlocked timeline shows its chart under the policy', async () => {
    await page.locator('.portal-header nav a').nth(2).click();
    await page.waitForLoadState('load');
    await page.locator('.gantt').waitFor({ state: 'visible', timeout: 60000 });
    const fill = await page.locator('.gantt rect.bar').first().evaluate((el) => getComputedStyle(el).fill);
    none(problems, 'unlocked timeline');
    return `first bar fill ${fill}`;
  });
  if (shots) {
    for (const width of [390, 1280]) {
      await check(`screenshots at ${width} px`, async () => {
        const ctx = await browser.newContext({ viewport: { width, height: 900 } });
        const { page: p, problems: seen } = await watchedPage(ctx);
        await p.goto(base + 'kb/');
        const article = await p.locator('main a[href*="kb/"]').first().getAttribute('href');
        await p.goto(new URL(article, base + 'kb/').href);
        await p.screenshot({ path: join(shots, `public-${width}.png`), fullPage: true });
        await p.goto(portal);
        await p.fill('#seal-pass', passphrase);
        await p.check('#seal-remember');
        await p.click('#seal-submit');
        await p.locator('.portal-header').waitFor({ state: 'visible', timeout: 60000 });
        await p.screenshot({ path: join(shots, `portal-${width}.png`), fullPage: true });
        await p.locator('.portal-header nav a').nth(2).click();
        await p.locator('.gantt').waitFor({ state: 'visible', timeout: 60000 });
        await p.screenshot({ path: join(shots, `timeline-${width}.png`), fullPage: true });
        none(seen, `${width} px`);
        await ctx.close();
      });
    }
  }
}

async function served(base, site) {
  const context = await browser.newContext();
  const { page, problems } = await watchedPage(context);
  const status = async () => (await (await fetch(base + '__gangway/status')).json());
  const settle = async (generation) => {
    for (let i = 0; i < 600; i++) {
      const s = await status();
      if (s.generation > generation && !s.busy) return s;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('no rebuild within 60 s');
  };
  const intro = join(site, 'content/kb/getting-started.md');
  const original = await readFile(intro, 'utf8');
  const config = join(site, 'gangway.toml');
  const configText = await readFile(config, 'utf8');
  try {
    await check('a served page keeps the policy with the reload script', async () => {
      await page.goto(base + 'kb/getting-started/');
      assert(await page.locator('script[src="/__gangway/reload.js"]').count() === 1, 'no reload script');
      await page.waitForTimeout(500);
      none(problems, 'served /kb/getting-started/');
    });
    await check('an edit reloads the page under the policy', async () => {
      const marker = `LIVE-RELOAD-${Date.now()}`;
      const before = (await status()).generation;
      await page.evaluate(() => { window.__notReloaded = true; });
      await writeFile(intro, `${original}\n${marker}\n`);
      await settle(before);
      await page.getByText(marker).first().waitFor({ state: 'visible', timeout: 30000 });
      assert(!(await page.evaluate(() => window.__notReloaded)), 'the page was not reloaded');
      none(problems, 'after reload');
    });
    await check('the error overlay shows and hides under the policy', async () => {
      const before = (await status()).generation;
      await writeFile(config, configText + '\nthis is not toml\n');
      await settle(before);
      const overlay = page.locator('#gangway-overlay');
      await overlay.waitFor({ state: 'visible', timeout: 30000 });
      const position = await overlay.evaluate((el) => getComputedStyle(el).position);
      assert(position === 'fixed', `the overlay's stylesheet did not apply (position ${position})`);
      await overlay.locator('button').click();
      await overlay.waitFor({ state: 'detached', timeout: 5000 });
      none(problems, 'overlay');
    });
  } finally {
    await writeFile(intro, original);
    await writeFile(config, configText);
  }
}

try {
  if (mode === 'built') await built(...args);
  else if (mode === 'serve') await served(...args);
  else throw new Error('usage: csp.mjs built BASE PORTAL PASSPHRASE [--shots DIR] | serve URL SITE');
} catch (e) {
  failed++;
  console.log(`FAIL ${e && e.stack ? e.stack : e}`);
} finally {
  await browser.close();
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
