// Browser test of the example site's forms, the first half of the round trip
// run.sh completes with `gangway ingest`: task actions, a milestone rating and a
// page vote, posted from real pages in headless Chromium to a form endpoint on
// loopback (contrib/form_endpoint.py, which records each submission as a line of
// JSON). (actions.mjs tests the same forms in an encrypted portal.)
//
//   node tests/browser/roundtrip.mjs --recorded FILE --checklist URL --task ID
//        [--stuck-task ID] [--overview URL --milestone ID] [--article URL]
//        [--passphrase P] [--shots DIR]
//
// With JavaScript, a task is reported done in place: the page stays, says the
// endpoint's answer in a live region, and the endpoint records the submission.
// Without JavaScript, "Stuck" with a note is a plain form post: the browser goes to
// the endpoint's answer page. A milestone is rated and an article voted on with
// JavaScript. No Content-Security-Policy violation may happen on the way. With
// --passphrase the portal is encrypted: each page is unlocked first, and its forms
// must work in the decrypted page. Exits non-zero on any failure.

import { createRequire } from 'node:module';
import { readFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');

function parseArgs(argv) {
  const opts = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--') || i + 1 >= argv.length) throw new Error(`bad argument ${a}`);
    opts[a.slice(2).replace(/-([a-z])/g, (_, c) => c.toUpperCase())] = argv[++i];
  }
  for (const need of ['recorded', 'checklist', 'task']) {
    if (!opts[need]) throw new Error(`--${need} is required`);
  }
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

async function recorded(file) {
  let text = '';
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return [];
  }
  return text.split('\n').filter(Boolean).map((l) => JSON.parse(l));
}

// Waits until the endpoint has recorded a submission matching `want`.
async function waitRecorded(file, want, ms = 5000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const found = (await recorded(file)).find((r) => Object.entries(want).every(([k, v]) => r[k] === v));
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`the endpoint recorded no ${JSON.stringify(want)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function watchCsp(page, violations) {
  page.on('console', (msg) => {
    if (/Content Security Policy|Content-Security-Policy/i.test(msg.text())) violations.push(msg.text());
  });
}

async function open(page, url, passphrase) {
  await page.goto(url, { waitUntil: 'load' });
  if (!passphrase) return;
  const field = page.locator('input[type=password]');
  if (await field.count()) {
    await field.fill(passphrase);
    await page.locator('form button[type=submit], form button:not([type])').first().click();
  }
  await page.waitForSelector('main', { timeout: 20000 });
  await page.waitForFunction(() => !document.querySelector('input[type=password]'), null, { timeout: 20000 });
}

// The form about `subject` (a task or milestone) whose action is `action`, and
// how to send it: the button carrying the action, or the form's submit button.
async function formFor(page, subjectField, subject, action) {
  const forms = page.locator(`form:has(input[name=${subjectField}][value="${subject}"])`);
  const n = await forms.count();
  for (let i = 0; i < n; i++) {
    const form = forms.nth(i);
    const button = form.locator(`button[name=action][value=${action}]`);
    if (await button.count()) return { form, submit: button.first() };
    if (await form.locator(`input[name=action][value=${action}]`).count()) {
      return { form, submit: form.locator('button[type=submit], button:not([type]), input[type=submit]').first() };
    }
  }
  throw new Error(`no form with ${subjectField}=${subject} and action=${action} on ${page.url()}`);
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  const violations = [];
  const withJs = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const noJs = await browser.newContext({ viewport: { width: 1280, height: 900 }, javaScriptEnabled: false });
  if (opts.shots) await mkdir(opts.shots, { recursive: true });

  await check('a task reported done in place, with JavaScript', async () => {
    const page = await withJs.newPage();
    watchCsp(page, violations);
    await open(page, opts.checklist, opts.passphrase);
    const before = page.url();
    const { form, submit } = await formFor(page, 'task', opts.task, 'done');
    await submit.click();
    const row = await waitRecorded(opts.recorded, { task: opts.task, action: 'done' });
    if (!/^[0-9a-f]{32}$/.test(row.sig || '')) throw new Error(`no signature recorded: ${JSON.stringify(row)}`);
    if (page.url() !== before) throw new Error(`the page left for ${page.url()}`);
    // The answer is said in the status line nearest the form (role="status").
    const status = form.locator('xpath=ancestor-or-self::*[.//*[@role="status" or @aria-live]][1]//*[@role="status" or @aria-live]').first();
    await status.waitFor({ state: 'attached' });
    await page.waitForFunction((el) => el.textContent.trim().length > 0, await status.elementHandle(), { timeout: 5000 });
    const said = (await status.textContent()).trim();
    if (opts.shots) await page.screenshot({ path: join(opts.shots, 'action-done-390.png'), fullPage: false });
    await page.close();
    return `said "${said}"`;
  });

  if (!opts.passphrase) {
    await check('a task reported stuck with a note, without JavaScript', async () => {
      const page = await noJs.newPage();
      watchCsp(page, violations);
      await page.goto(opts.checklist, { waitUntil: 'load' });
      const task = opts.stuckTask || opts.task;
      const { form, submit } = await formFor(page, 'task', task, 'stuck');
      const details = form.locator('xpath=ancestor::details[1]');
      if (await details.count()) await details.locator('summary').first().click();
      const note = 'Waiting for our <b>IT</b> team {{ customer.name }}';
      await form.locator('textarea[name=note]').fill(note);
      await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), submit.click()]);
      const row = await waitRecorded(opts.recorded, { task, action: 'stuck' });
      if (row.note !== note) throw new Error(`the note arrived as ${JSON.stringify(row.note)}`);
      const body = await page.textContent('body');
      await page.close();
      return `the endpoint answered "${body.trim().slice(0, 40)}"`;
    });
  }

  if (opts.overview && opts.milestone) {
    await check('a reached milestone rated 4 of 5', async () => {
      const page = await withJs.newPage();
      watchCsp(page, violations);
      await open(page, opts.overview, opts.passphrase);
      const { form, submit } = await formFor(page, 'milestone', opts.milestone, 'rate');
      // The radio buttons are drawn by their labels, as a row of numbers.
      const four = form.locator('input[name=rating][value="4"]');
      await form.locator(`label[for="${await four.getAttribute('id')}"]`).click();
      if (!(await four.isChecked())) throw new Error('clicking "4" did not choose it');
      const comment = form.locator('textarea[name=comment]');
      if (await comment.count()) await comment.fill('Smooth, thank you');
      if (opts.shots) await page.screenshot({ path: join(opts.shots, 'rating-390.png'), fullPage: true });
      await submit.click();
      const row = await waitRecorded(opts.recorded, { milestone: opts.milestone, action: 'rate' });
      if (row.rating !== '4') throw new Error(`the rating arrived as ${row.rating}`);
      await page.close();
    });
  }

  if (opts.article) {
    await check('an article voted helpful, carrying no customer', async () => {
      const page = await withJs.newPage();
      watchCsp(page, violations);
      await page.goto(opts.article, { waitUntil: 'load' });
      const yes = page.locator('form button[name=helpful][value=yes], form:has(input[name=action][value=vote]) button[value=yes]').first();
      await yes.click();
      const row = await waitRecorded(opts.recorded, { action: 'vote', helpful: 'yes' });
      const extra = Object.keys(row).filter((k) => !['action', 'page', 'lang', 'helpful', 'received_at'].includes(k));
      if (extra.length) throw new Error(`the vote carried ${extra.join(', ')}`);
      if (!row.page || !row.lang) throw new Error(`the vote lacks its page or language: ${JSON.stringify(row)}`);
      await page.close();
      return `page ${row.page}, ${row.lang}`;
    });
  }

  await check('no Content-Security-Policy violation', async () => {
    if (violations.length) throw new Error(violations.join('\n'));
  });
  await browser.close();
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

main().catch((e) => {
  console.error(e);
  process.exit(2);
});
