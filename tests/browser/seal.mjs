// Browser test of a sealed (passphrase-protected) portal page, in headless Chromium.
//
//   node tests/browser/seal.mjs URL [--passphrase P] [--marker TEXT] [--search-word WORD]
//        [--next URL2 --next-marker TEXT2] [--shots DIR]
//
// URL is a page written by src/seal.rs and served over http://127.0.0.1 (WebCrypto
// needs a secure context, which loopback is). The fixture comes from the Rust
// test `seal::tests::browser_fixture`:
//
//   SEAL_FIXTURE_DIR=$DIR cargo test --lib seal::tests::browser_fixture -- --ignored
//   python3 -m http.server $PORT --bind 127.0.0.1 --directory $DIR &
//   node tests/browser/seal.mjs http://127.0.0.1:$PORT/portal/demo/ \
//        --next http://127.0.0.1:$PORT/portal/demo/checklist/ --next-marker SECOND-PAGE-MARKER
//
// Needs `playwright-core` (npm) where Node's require finds it (a node_modules folder
// above this file, or NODE_PATH=/path/to/node_modules) and Chromium at
// /usr/bin/chromium (Debian package `chromium`), or CHROMIUM=/path/to/chrome.
// Checks: the served page holds no marker; a wrong passphrase shows the error
// (focus back on the field, no blank page); the right one shows the page; without
// "remember" (ticked by default) a reload asks again; with it a reload and a second page of the same
// portal unlock by themselves; a sealed download decrypts. Prints the PBKDF2 +
// decrypt time measured in the page. Exits non-zero on any failure.

import { createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');

function parseArgs(argv) {
  const opts = { passphrase: 'correct horse', marker: 'CHECKLIST-MARKER', wrong: 'wrong horse battery' };
  const rest = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith('--')) {
      const key = a.slice(2).replace(/-([a-z])/g, (_, c) => c.toUpperCase());
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      opts[key] = argv[++i];
    } else {
      rest.push(a);
    }
  }
  if (rest.length !== 1) throw new Error('usage: node seal.mjs URL [--passphrase P] [--marker TEXT] [--next URL2 --next-marker TEXT2] [--search-word WORD] [--shots DIR]');
  opts.url = rest[0];
  return opts;
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

const opts = parseArgs(process.argv.slice(2));
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
const shot = async (page, name) => {
  if (opts.shots) await page.screenshot({ path: join(opts.shots, `${name}.png`), fullPage: true });
};

try {
  const context = await browser.newContext({ acceptDownloads: true });
  const page = await context.newPage();
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  // Chromium reports what the Content-Security-Policy refuses as console errors.
  page.on('console', (m) => {
    if (m.type() === 'error' && !/favicon/.test(m.location().url || '')) pageErrors.push(`console: ${m.text()}`);
  });
  const markerLocator = () => page.getByText(opts.marker, { exact: false });
  const form = page.locator('#seal-form');

  await check('served page holds no plaintext', async () => {
    const response = await page.goto(opts.url);
    assert(response && response.ok(), `HTTP ${response && response.status()}`);
    const body = await response.text();
    assert(!body.includes(opts.marker), 'marker found in the served HTML');
    assert(body.includes('id="sealed"'), 'not a sealed page');
    await form.waitFor({ state: 'visible', timeout: 5000 });
    assert(await page.locator('#seal-pass').evaluate((el) => el === document.activeElement), 'passphrase field not focused');
    await shot(page, 'unlock');
  });

  await check('PBKDF2 + decrypt in the browser', async () => {
    const runs = await page.evaluate(async (pass) => {
      const env = JSON.parse(document.getElementById('sealed').textContent);
      const b = (s) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
      const enc = new TextEncoder();
      const times = [];
      let text = '';
      for (let i = 0; i < 3; i++) {
        const t0 = performance.now();
        const base = await crypto.subtle.importKey('raw', enc.encode(pass.normalize('NFC')), 'PBKDF2', false, ['deriveKey']);
        const key = await crypto.subtle.deriveKey({ name: 'PBKDF2', hash: 'SHA-256', salt: b(env.salt), iterations: env.iter },
          base, { name: 'AES-GCM', length: 256 }, false, ['decrypt']);
        const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: b(env.iv), additionalData: enc.encode('gangway-seal/v1') },
          key, b(env.ct));
        times.push(performance.now() - t0);
        text = new TextDecoder().decode(plain);
      }
      return { times, iter: env.iter, ok: text.length > 0 };
    }, opts.passphrase);
    assert(runs.ok, 'decryption gave nothing');
    const sorted = [...runs.times].sort((a, b) => a - b);
    const ms = (x) => `${x.toFixed(0)} ms`;
    console.log(`PBKDF2-SHA256 x ${runs.iter} + AES-GCM decrypt in Chromium: median ${ms(sorted[1])} (runs: ${runs.times.map(ms).join(', ')})`);
    return `${runs.iter} iterations`;
  });

  await check('the unlock page names the vendor, where the passphrase comes from and whom to ask', async () => {
    const found = await page.evaluate(() => ({
      vendor: document.querySelector('.vendor')?.textContent.trim(),
      hint: document.querySelector('#seal-hint')?.textContent.trim(),
      contact: document.querySelector('.contact a')?.getAttribute('href'),
      described: document.getElementById('seal-pass').getAttribute('aria-describedby'),
      remember: document.getElementById('seal-remember').checked,
    }));
    assert(found.vendor && found.hint && found.hint.includes(found.vendor), `vendor "${found.vendor}", hint "${found.hint}"`);
    assert(found.contact && /^(mailto:|https?:)/.test(found.contact), `contact ${found.contact}`);
    assert(found.described.split(' ').includes('seal-hint'), 'the field is not described by the hint');
    assert(found.remember, '"remember" is not ticked by default');
    return `${found.vendor}; ${found.contact}`;
  });

  await check('wrong passphrase shows the error', async () => {
    await page.fill('#seal-pass', opts.wrong);
    // Record the button's working state as it happens (deriving may end before
    // a separate query could see it).
    await page.evaluate(() => {
      const button = document.getElementById('seal-submit');
      window.__sealBusySeen = false;
      new MutationObserver(() => {
        if (button.getAttribute('aria-busy') === 'true' && button.disabled
            && button.textContent === document.getElementById('seal-form').dataset.working) window.__sealBusySeen = true;
      }).observe(button, { attributes: true, childList: true, characterData: true, subtree: true });
    });
    await page.click('#seal-submit');
    const error = page.locator('#seal-error');
    await error.waitFor({ state: 'visible', timeout: 60000 });
    const expected = await form.getAttribute('data-wrong');
    const shown = (await error.textContent()).trim();
    assert(shown === expected, `error text is "${shown}", expected "${expected}"`);
    assert(await page.evaluate(() => window.__sealBusySeen), 'no working state while deriving');
    assert(await page.locator('#seal-pass').evaluate((el) => el === document.activeElement && el.getAttribute('aria-invalid') === 'true'),
      'focus not back on the field, or field not marked invalid');
    assert(await page.locator('#seal-submit').isEnabled(), 'button still disabled');
    assert(await markerLocator().count() === 0, 'marker visible after a wrong passphrase');
    await shot(page, 'wrong');
    return `"${shown}"`;
  });

  await check('right passphrase shows the page', async () => {
    await page.fill('#seal-pass', opts.passphrase);
    // Ticked by default; untick it to see that a reload then asks again.
    await page.uncheck('#seal-remember');
    const t0 = Date.now();
    await page.click('#seal-submit');
    await markerLocator().first().waitFor({ state: 'visible', timeout: 60000 });
    const ms = Date.now() - t0;
    assert(await page.locator('#seal-form').count() === 0, 'unlock form still in the page');
    assert(await page.evaluate(() => document.compatMode) === 'CSS1Compat', 'decrypted page renders in quirks mode');
    assert(page.url() === opts.url || page.url() === new URL(opts.url).href, `URL changed to ${page.url()}`);
    await shot(page, 'unlocked');
    return `click to visible ${ms} ms, title "${await page.title()}"`;
  });

  await check('without "remember", a reload asks again', async () => {
    await page.reload();
    await form.waitFor({ state: 'visible', timeout: 5000 });
    await page.waitForTimeout(300);
    assert(await markerLocator().count() === 0, 'unlocked without a remembered passphrase');
  });

  await check('with "remember", a reload unlocks by itself', async () => {
    await page.fill('#seal-pass', opts.passphrase);
    await page.check('#seal-remember');
    await page.click('#seal-submit');
    await markerLocator().first().waitFor({ state: 'visible', timeout: 60000 });
    await page.reload();
    const t0 = Date.now();
    await markerLocator().first().waitFor({ state: 'visible', timeout: 60000 });
    return `visible ${Date.now() - t0} ms after load`;
  });

  const download = page.locator('a[data-sealed-download]');
  if (await download.count() > 0) {
    await check('sealed download decrypts', async () => {
      const [file] = await Promise.all([page.waitForEvent('download', { timeout: 60000 }), download.first().click()]);
      const bytes = await readFile(await file.path());
      const text = bytes.toString('utf8');
      assert(!text.includes('"ct"'), 'got the envelope, not the decrypted file');
      assert(text.length > 0, 'empty download');
      return `${file.suggestedFilename()}, ${bytes.length} bytes: ${JSON.stringify(text.slice(0, 30))}…`;
    });
  }

  // What the portal's search reads an encrypted index with: the plan's envelope,
  // fetched and decrypted with the page's passphrase, as bytes.
  const plan = page.locator('a[data-sealed-download][download="plan.json"]');
  if (await plan.count() > 0) {
    await check('gangwaySeal.open(url) gives a sealed file\'s bytes', async () => {
      const href = await plan.first().getAttribute('href');
      const opened = await page.evaluate(async (url) => {
        const bytes = await window.gangwaySeal.open(url);
        return { isBytes: bytes instanceof Uint8Array, text: new TextDecoder().decode(bytes) };
      }, href);
      assert(opened.isBytes, 'not a Uint8Array');
      assert(!opened.text.includes('"ct"') && JSON.parse(opened.text).customer, `not the plan: ${opened.text.slice(0, 60)}`);
      return `${opened.text.length} characters`;
    });
  }

  // The portal's own search box reads its index, sealed like the pages.
  const searchBox = page.locator('form[data-gw-search] input[type=search]');
  if (opts.searchWord && await searchBox.count() > 0) {
    await check('the portal search finds its FAQ in the encrypted index', async () => {
      await searchBox.fill(opts.searchWord);
      const first = page.locator('.search-results a').first();
      await first.waitFor({ state: 'visible', timeout: 30000 });
      const fetched = await page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name));
      assert(fetched.some((u) => /search\.json\.enc$/.test(u)), `no search.json.enc fetched: ${fetched.filter((u) => /search/.test(u))}`);
      assert(!fetched.some((u) => /search\/[a-z-]+\/index\.json$/.test(u)), 'the public index was fetched from a portal');
      const title = (await first.textContent()).trim();
      const href = await first.getAttribute('href');
      await searchBox.fill('');
      return `"${opts.searchWord}" → ${title} (${href})`;
    });
  }

  if (opts.next) {
    await check('another page of the portal unlocks with the remembered passphrase', async () => {
      await page.goto(opts.next);
      await page.getByText(opts.nextMarker || opts.marker).first().waitFor({ state: 'visible', timeout: 60000 });
    });
  }

  await check('a new browser session asks again', async () => {
    const other = await browser.newContext();
    const fresh = await other.newPage();
    await fresh.goto(opts.url);
    await fresh.locator('#seal-form').waitFor({ state: 'visible', timeout: 5000 });
    await fresh.waitForTimeout(300);
    assert(await fresh.getByText(opts.marker).count() === 0, 'unlocked in a fresh session');
    await other.close();
  });

  await check('without JavaScript, the page says why it is empty', async () => {
    const other = await browser.newContext({ javaScriptEnabled: false });
    const noJs = await other.newPage();
    await noJs.goto(opts.url);
    assert(await noJs.locator('#seal-form').isHidden(), 'form shown without JavaScript');
    const text = (await noJs.locator('main').innerText()).trim();
    assert(text.split('\n').length >= 2 && !text.includes(opts.marker), `page text: ${JSON.stringify(text)}`);
    await shot(noJs, 'no-js');
    await other.close();
    return JSON.stringify(text.split('\n').pop());
  });

  await check('without WebCrypto (plain http), the page says so', async () => {
    const other = await browser.newContext();
    const old = await other.newPage();
    await old.addInitScript(() => Object.defineProperty(Crypto.prototype, 'subtle', { get: () => undefined }));
    await old.goto(opts.url);
    const error = old.locator('#seal-error');
    await error.waitFor({ state: 'visible', timeout: 5000 });
    const expected = await old.locator('#seal-form').getAttribute('data-unsupported');
    assert((await error.textContent()).trim() === expected, 'unsupported message not shown');
    assert(await old.locator('#seal-submit').isDisabled(), 'button enabled without WebCrypto');
    await other.close();
  });

  await check('no script errors or policy violations', async () => {
    assert(pageErrors.length === 0, pageErrors.join('; '));
  });
} catch (e) {
  failed++;
  console.log(`FAIL ${e && e.stack ? e.stack : e}`);
} finally {
  await browser.close();
}

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
