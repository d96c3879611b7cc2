// The web demo end to end: `npm start`'s stack (web-demo/server/start.mjs) in a child process,
// its printed URL opened in headless Chromium. The mail app connects through the bridge over
// implicit TLS and over STLS, lists, opens the multipart messages (attachment, inline cid:
// image), deletes one and a new session lacks it; the walkthrough runs a whole session with no
// request leaving the page; the explainer's two devices miss each other's mail unless a copy is
// left on the server, and its Swahili switch changes the texts; mail synced into IndexedDB stays
// readable after the whole stack is gone. axe-core checks every page.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';

import { launchChromium, REPOSITORY_ROOT, startStaticServer } from '../harness/browser.mjs';

const SHOTS = path.join(REPOSITORY_ROOT, 'test-results', 'web-demo');
const AXE = path.join(REPOSITORY_ROOT, 'node_modules', 'axe-core', 'axe.min.js');

let child;
let baseUrl;
let browser;
let output = '';
let afterStack;

async function stopStack() {
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  child = spawn(process.execPath, [path.join(REPOSITORY_ROOT, 'web-demo/server/start.mjs')], { cwd: REPOSITORY_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stderr.on('data', (chunk) => (output += chunk));
  baseUrl = await new Promise((resolve, reject) => {
    let stdout = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      const match = stdout.match(/(http:\/\/127\.0\.0\.1:\d+\/)/);
      if (match) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`start.mjs exited with ${code}:\n${output}`)));
  });
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await stopStack();
  await afterStack?.close();
});

/** Serious and critical axe-core violations of the page, as "rule: target" strings. */
async function seriousViolations(page) {
  await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(async () => (await window.axe.run(document, { iframes: false, resultTypes: ['violations'] })).violations);
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

async function connect(page, security, method = 'auto') {
  await page.waitForSelector('#connect');
  await page.selectOption('#security', security);
  await page.selectOption('#method', method);
  await page.click('#connect');
  await page.waitForSelector('#messages', { timeout: 20_000 });
}

/** Whether the page, at a phone's width, needs no sideways scrolling. */
async function fitsPhone(page) {
  await page.setViewportSize({ width: 390, height: 844 });
  return page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
}

const subjects = (page) => page.$$eval('#messages tbody tr td:nth-child(3)', (cells) => cells.map((c) => c.textContent));

test('the printed URL serves the mail app, which reads the sample mailbox over implicit TLS through the bridge', async () => {
  const { page, logs, close } = await browser.open(baseUrl);
  try {
    await connect(page, 'implicit');
    expect(await subjects(page)).toEqual(expect.arrayContaining(['Lunch on Thursday?', 'Invoice 2025-06', 'Our new logo']));
    expect(await page.textContent('#capabilities')).toMatch(/Encrypted with TLSv1\.[23]/);
    const transcript = await page.$$eval('.transcript li', (items) => items.map((li) => li.textContent));
    expect(transcript.some((line) => /^C: TOP 1 0 .*RFC 1939/.test(line))).toBe(true);
    expect(transcript.join('\n')).not.toContain('sample sample');

    // The inline image of multipart/related comes from a blob: URL and is drawn.
    await page.click('tr[data-number="4"] button.open');
    await page.waitForSelector('#message-view iframe');
    await page.waitForFunction(() => document.querySelector('#message-view iframe')?.contentDocument?.querySelector('img')?.complete);
    const image = await page.evaluate(() => {
      const frame = document.querySelector('#message-view iframe');
      const img = frame.contentDocument.querySelector('img');
      return { src: img.src, width: img.naturalWidth, sandbox: frame.getAttribute('sandbox'), csp: frame.srcdoc.includes("script-src 'none'") };
    });
    expect(image).toMatchObject({ src: expect.stringMatching(/^blob:/), sandbox: 'allow-same-origin', csp: true });
    expect(image.width).toBeGreaterThan(0);

    // The attachment of multipart/mixed is a download link.
    await page.click('tr[data-number="3"] button.open');
    await page.waitForSelector('#message-view .attachments a');
    expect(await page.getAttribute('#message-view .attachments a', 'download')).toBe('invoice-2025-06.pdf');

    await page.screenshot({ path: path.join(SHOTS, 'mail-app.png'), fullPage: true });
    expect(await seriousViolations(page)).toEqual([]);
    expect(await fitsPhone(page)).toBe(true);
    expect(await page.$eval('#mailbox', (box) => box.scrollWidth <= box.clientWidth)).toBe(true);
    await page.screenshot({ path: path.join(SHOTS, 'mail-app-phone.png') });
  } catch (error) {
    console.log(logs.join('\n'), output);
    throw error;
  } finally {
    await close();
  }
});

test('over STLS: a deleted message is gone from the server after QUIT, and RSET shows what QUIT will do', async () => {
  const { page, logs, close } = await browser.open(baseUrl);
  try {
    await connect(page, 'starttls', 'APOP');
    const transcript = await page.$$eval('.transcript code', (items) => items.map((c) => c.textContent));
    expect(transcript).toContain('C: STLS');
    expect(transcript.some((line) => line.startsWith('C: APOP sample '))).toBe(true);
    await page.click('tr[data-number="1"] button.toggle-delete');
    await page.waitForSelector('tr[data-number="1"].deleted');
    expect(await page.textContent('#quit-effect')).toMatch(/QUIT will remove message\(s\) 1 /);
    await page.click('#rset');
    await page.waitForSelector('tr[data-number="1"]:not(.deleted)');
    expect(await page.textContent('#quit-effect')).toMatch(/remove nothing/);
    await page.click('tr[data-number="1"] button.toggle-delete');
    await page.waitForSelector('tr[data-number="1"].deleted');
    await page.click('#quit');
    await page.waitForFunction(() => /removed 1 message/.test(document.querySelector('#status').textContent));

    await connect(page, 'starttls');
    const after = await subjects(page);
    expect(after).toHaveLength(6);
    expect(after).not.toContain('Lunch on Thursday?');
  } catch (error) {
    console.log(logs.join('\n'), output);
    throw error;
  } finally {
    await close();
  }
});

test('step mode sends one command per click and names each change of state', async () => {
  const { page, logs, close } = await browser.open(baseUrl);
  try {
    await page.waitForSelector('#connect');
    await page.check('#step');
    await page.click('#connect');
    await page.waitForSelector('#step-mode');
    const steps = ['login', 'stat', 'dele', 'rset', 'quit'];
    for (const [i, step] of steps.entries()) {
      await page.click(`#step-mode-${step}`);
      await page.waitForSelector(`#step-log li:nth-child(${i + 1})`);
    }
    const log = await page.$$eval('#step-log li', (items) => items.map((li) => li.textContent));
    expect(log[0]).toMatch(/AUTHORIZATION → TRANSACTION/);
    expect(log[2]).toMatch(/DELE 1.*QUIT would remove it/);
    expect(log[3]).toMatch(/RSET.*remove nothing/);
    expect(log[4]).toMatch(/TRANSACTION → UPDATE/);
    expect(await seriousViolations(page)).toEqual([]);
  } catch (error) {
    console.log(logs.join('\n'), output);
    throw error;
  } finally {
    await close();
  }
});

test('the walkthrough runs greeting, STLS, APOP ... QUIT in the page with no request leaving it', async () => {
  const { page, logs, close } = await browser.open(`${baseUrl}walkthrough.html`);
  try {
    await page.waitForFunction(() => window.walkthroughReady === true, null, { timeout: 15_000 });
    const requests = [];
    page.on('request', (request) => requests.push(request.url()));
    for (const step of ['greeting', 'capa', 'login', 'stat', 'list', 'retr', 'dele', 'quit']) {
      await page.click(`#step-${step}`);
      await page.waitForSelector(`#result-${step}:not([hidden])`);
    }
    expect(await page.textContent('#result-greeting')).toMatch(/STLS done: .* TLSv1\.3/);
    expect(await page.$$eval('.transcript code', (lines) => lines.map((l) => l.textContent))).toContain('C: STLS');
    expect(await page.textContent('#result-login')).toMatch(/MD5\(".*" \+ "sample"\) = [0-9a-f]{32}/);
    // The sample ids survive the production build's minifier.
    expect(await page.textContent('#result-list')).toContain('id sample-1-plainText;');
    expect(await page.textContent('#result-dele')).toMatch(/still stores 7 messages/);
    expect(await page.textContent('#result-quit')).toMatch(/stored 7 messages; after QUIT it stores 6/);
    await page.click('#race');
    await page.waitForSelector('#race-result:not([hidden])', { timeout: 20_000 });
    const [oneByOne, pipelined] = (await page.textContent('#race-result')).match(/(\d+) ms, pipelined (\d+) ms/).slice(1).map(Number);
    expect(pipelined).toBeLessThan(oneByOne);
    expect(requests).toEqual([]);
    await page.screenshot({ path: path.join(SHOTS, 'walkthrough.png'), fullPage: true });
    expect(await seriousViolations(page)).toEqual([]);
    expect(await fitsPhone(page)).toBe(true);
  } catch (error) {
    console.log(logs.join('\n'));
    throw error;
  } finally {
    await close();
  }
});

test('the explainer: the phone misses what the laptop took unless a copy stays; the Swahili switch changes the texts', async () => {
  const { page, logs, close } = await browser.open(`${baseUrl}explainer.html`);
  const localCount = (device) => page.textContent(`#device-${device} .local-count`);
  try {
    await page.waitForFunction(() => window.explainerReady === true, null, { timeout: 15_000 });
    await page.click('#check-laptop');
    await page.waitForFunction(() => /downloaded 2/.test(document.querySelector('#pop-result').textContent));
    expect(await page.textContent('#server-count')).toMatch(/: 0$/);
    await page.click('#check-phone');
    await page.waitForFunction(() => /found nothing new/.test(document.querySelector('#pop-result').textContent));
    expect(await localCount('laptop')).toMatch(/: 2$/);
    expect(await localCount('phone')).toMatch(/: 0$/);

    await page.click('#pop-reset');
    await page.waitForFunction(() => /: 2$/.test(document.querySelector('#server-count').textContent));
    await page.check('#leave-copy');
    await page.click('#check-laptop');
    await page.waitForFunction(() => /leaving the copies/.test(document.querySelector('#pop-result').textContent));
    await page.click('#check-phone');
    await page.waitForFunction(() => /Phone downloaded 2/.test(document.querySelector('#pop-result').textContent));
    expect(await localCount('phone')).toMatch(/: 2$/);
    expect(await page.textContent('#server-count')).toMatch(/: 2$/);

    // The IMAP simulation: a change made on the phone is what the laptop sees too.
    await page.click('.imap-read-phone');
    expect(await page.textContent('.imap-view-laptop')).toMatch(/2 message\(s\), 1 unread/);
    await page.click('.imap-delete-laptop');
    expect(await page.textContent('.imap-view-phone')).toMatch(/1 message\(s\), 1 unread/);

    for (const [name, value] of [['devices', 'many'], ['connection', 'yes'], ['serverSpace', 'plenty'], ['localSpace', 'small'], ['safety', 'yes']]) {
      await page.check(`input[name="${name}"][value="${value}"]`);
    }
    await page.click('#quiz-submit');
    expect(await page.textContent('#recommendation')).toMatch(/IMAP fits you/);
    await page.screenshot({ path: path.join(SHOTS, 'explainer-en.png'), fullPage: true });
    expect(await seriousViolations(page)).toEqual([]);

    const english = await page.textContent('h1');
    await page.selectOption('#language', 'sw');
    expect(await page.getAttribute('html', 'lang')).toBe('sw');
    expect(await page.textContent('h1')).not.toBe(english);
    expect(await page.textContent('h1')).toMatch(/barua pepe/);
    expect(await page.textContent('#recommendation')).toMatch(/IMAP inakufaa/);
    expect(await localCount('phone')).toMatch(/kifaa hiki: 2$/);
    await page.screenshot({ path: path.join(SHOTS, 'explainer-sw.png'), fullPage: true });
    expect(await seriousViolations(page)).toEqual([]);
    expect(await fitsPhone(page)).toBe(true);
  } catch (error) {
    console.log(logs.join('\n'));
    throw error;
  } finally {
    await close();
  }
});

// Last: it stops the stack. The app is then served from its build alone on the same origin, so
// IndexedDB is the same and neither POP3 server nor bridge exists.
test('mail synced into IndexedDB is readable after the server is gone', async () => {
  const { page, logs, close } = await browser.open(baseUrl);
  try {
    await connect(page, 'implicit');
    await page.click('#sync');
    await page.waitForSelector('#local-messages', { timeout: 20_000 });
    expect(await page.textContent('#status')).toMatch(/Saved 6 message\(s\) in this browser\.$/);
    expect(await page.$$eval('#local-messages tbody tr', (rows) => rows.length)).toBe(6);

    await stopStack();
    afterStack = await startStaticServer({ root: path.join(REPOSITORY_ROOT, 'build', 'web-demo'), port: Number(new URL(baseUrl).port) });
    await page.reload();
    await page.waitForSelector('#local-messages');
    expect(await page.textContent('#status')).toMatch(/Could not load the demo configuration/);
    await page.click('#local-messages tr:has-text("Invoice 2025-06") button.open-local');
    await page.waitForSelector('#message-view .attachments a');
    expect(await page.textContent('#message-view')).toContain('Please find the invoice attached.');
    await page.screenshot({ path: path.join(SHOTS, 'mail-app-offline.png'), fullPage: true });
    expect(await seriousViolations(page)).toEqual([]);
  } catch (error) {
    console.log(logs.join('\n'), output);
    throw error;
  } finally {
    await close();
  }
});
