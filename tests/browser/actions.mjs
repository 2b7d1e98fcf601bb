// Browser test of the portal's forms (issue 20), in headless Chromium.
//
//   node tests/browser/actions.mjs PORTAL_URL ARTICLE_URL PASSPHRASE RECORD_FILE
//
// PORTAL_URL is an encrypted portal built with `[actions] endpoint` pointing at
// tests/browser/endpoint.py, which records each POST in RECORD_FILE. Checks: after
// unlocking, the checklist's "Mark as done" form is sent in place by
// assets/actions.js (fetch, JSON answer, the status line says so, the page stays)
// with the signed fields; "We are stuck" with a note too; on the overview a rating;
// with JavaScript off, an article's "Was this page helpful?" vote is a plain form
// post. No Content-Security-Policy violation anywhere. Exits non-zero on failure.

import { createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';

const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');

const [portal, article, passphrase, record] = process.argv.slice(2);
let failed = 0;
async function check(name, fn) {
  try {
    await fn();
    console.log(`ok   ${name}`);
  } catch (e) {
    failed++;
    console.log(`FAIL ${name}: ${e && e.message ? e.message : e}`);
  }
}
function assert(ok, why) { if (!ok) throw new Error(why); }
async function records() {
  const text = await readFile(record, 'utf8').catch(() => '');
  return text.split('\n').filter(Boolean).map((l) => JSON.parse(l));
}
async function waitFor(pred, what) {
  for (let i = 0; i < 100; i++) {
    const found = (await records()).find(pred);
    if (found) return found;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no submission: ${what}`);
}

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox'] });
const violations = [];
async function newPage(options) {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  page.on('console', (m) => { if (/Content Security Policy/.test(m.text())) violations.push(m.text()); });
  return page;
}

const page = await newPage({});
// The passphrase is remembered for the browser session by default, so a portal
// page opened after the first unlocks by itself; the form is filled only when it
// still asks.
async function unlock(url) {
  await page.goto(url);
  const main = page.locator('#gw-main').first();
  if (await main.waitFor({ timeout: 5000 }).then(() => true, () => false)) return;
  try {
    await page.fill('#seal-pass', passphrase, { timeout: 10000 });
    await page.click('#seal-submit', { timeout: 10000 });
  } catch (e) {
    // Unlocked with the remembered passphrase while the form was being filled.
  }
  await main.waitFor({ timeout: 60000 });
}

await check('an unlocked checklist sends "Mark as done" in place', async () => {
  await unlock(`${portal}checklist/`);
  const form = page.locator('form[data-gw-form]:has(input[name="action"][value="done"])').first();
  const task = await form.locator('input[name="task"]').getAttribute('value');
  const before = page.url();
  await form.locator('button[type="submit"]').click();
  const got = await waitFor((r) => r.action === 'done' && r.task === task, `done ${task}`);
  assert(got._js, 'sent without fetch');
  assert(/^[0-9a-f]{32}$/.test(got.sig), `signature ${got.sig}`);
  assert(got.customer && /^\d{4}-\d\d-\d\d$/.test(got.issued), JSON.stringify(got));
  // "Sending…" shows first: wait for the answer (sent or failed), then check which.
  const status = page.locator(`#task-${task} .form-status`);
  await page.locator(`#task-${task} .form-status:is(.is-sent, .is-failed)`).waitFor({ timeout: 10000 });
  assert((await status.getAttribute('class')).includes('is-sent'), await status.textContent());
  assert(page.url() === before, `navigated to ${page.url()}`);
});

await check('"We are stuck" asks for a note and sends it', async () => {
  const details = page.locator('details.stuck').first();
  await details.locator('summary').click();
  const form = details.locator('form');
  const task = await form.locator('input[name="task"]').getAttribute('value');
  await form.locator('textarea[name="note"]').fill('Waiting for <b>IT</b> {{ 7*7 }}');
  await form.locator('button[type="submit"]').click();
  const got = await waitFor((r) => r.action === 'stuck' && r.task === task, `stuck ${task}`);
  assert(got.note === 'Waiting for <b>IT</b> {{ 7*7 }}', got.note);
});

await check('a rating is sent from the overview', async () => {
  await unlock(portal);
  const form = page.locator('form.rating-form').first();
  await form.locator('label:text-is("4")').click();
  await form.locator('textarea[name="comment"]').fill('Good start');
  await form.locator('button[type="submit"]').click();
  const got = await waitFor((r) => r.action === 'rate', 'a rating');
  assert(got.rating === '4' && got.comment === 'Good start' && got.milestone, JSON.stringify(got));
});

await check('without JavaScript, a page vote is a plain form post', async () => {
  const plain = await newPage({ javaScriptEnabled: false });
  await plain.goto(article);
  await plain.locator('.vote-form button[value="yes"]').click();
  await plain.waitForURL(/submit/);
  const got = await waitFor((r) => r.action === 'vote', 'a vote');
  assert(!got._js && got.helpful === 'yes' && got.page && got.lang, JSON.stringify(got));
  assert(Object.keys(got).sort().join() === '_js,action,helpful,lang,page', JSON.stringify(got));
});

await check('no policy violation', async () => {
  assert(violations.length === 0, violations.join('\n'));
});

await browser.close();
process.exit(failed ? 1 : 0);
