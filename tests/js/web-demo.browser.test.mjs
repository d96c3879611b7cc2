// The web demo end to end: `npm start`'s stack (web-demo/server/start.mjs) in a child process,
// its printed URL opened in headless Chromium. The mail app connects through the bridge over
// implicit TLS and over STLS, lists, opens the multipart messages (attachment, inline cid:
// image), deletes one and a new session lacks it; the walkthrough runs a whole session with no
// request leaving the page; the explainer's two devices miss each other's mail unless a copy is
// left on the server, its IMAP simulation moves mail between folders seen by both devices, two
// accounts land in one local inbox, its Swahili switch changes the texts and leaves no text of
// the English message file on the page, and it teaches every fact of the seed notes; a keyboard
// alone connects, opens, deletes, steps through the walkthrough and switches the language; mail
// synced into IndexedDB stays readable after the whole stack is gone. axe-core checks every page.
// (web-demo-second-server.browser.test.mjs points the demo at a second server.)
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';

import { launchChromium, REPOSITORY_ROOT, startStaticServer } from '../harness/browser.mjs';
import en from '../../web-demo/src/i18n/en.js';
import sw from '../../web-demo/src/i18n/sw.js';

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

/** At a phone's width, the elements that stick out sideways (none when the page fits). */
async function phoneOverflow(page) {
  await page.setViewportSize({ width: 390, height: 844 });
  return page.evaluate(() => {
    if (document.documentElement.scrollWidth <= window.innerWidth) return [];
    return [...document.querySelectorAll('body *')]
      .filter((e) => e.checkVisibility() && e.getBoundingClientRect().right > window.innerWidth)
      .map((e) => `${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ''}${e.className ? `.${String(e.className).split(' ').join('.')}` : ''}`)
      .slice(0, 10);
  });
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
    expect(await phoneOverflow(page)).toEqual([]);
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
    expect(await phoneOverflow(page)).toEqual([]);
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
    // Folders live on the server: a move made on the laptop shows in the phone's folders.
    expect(await page.textContent('#imap-heading .badge')).toMatch(/Simulation/);
    const folderButton = (device, folder) => page.textContent(`#imap-folder-${device}-${folder}`);
    expect(await folderButton('phone', 'archive')).toBe('Archive (0, 0 unread)');
    await page.selectOption('#imap-target-laptop', 'archive');
    await page.click('#imap-move-laptop');
    expect(await folderButton('phone', 'archive')).toBe('Archive (1, 1 unread)');
    expect(await folderButton('phone', 'inbox')).toBe('Inbox (0, 0 unread)');
    await page.click('#imap-folder-phone-archive');
    expect(await page.getAttribute('#imap-folder-phone-archive', 'aria-pressed')).toBe('true');
    expect(await page.textContent('#imap-phone .imap-messages')).toMatch(/\(unread\)/);
    expect(await page.textContent('.imap-view-laptop')).toMatch(/0 message\(s\)/);
    await page.click('.imap-read-phone');
    expect(await folderButton('laptop', 'archive')).toBe('Archive (1, 0 unread)');

    // Two accounts on two in-page POP3 servers land in one local inbox; IMAP keeps them apart.
    await page.click('#combine-fetch');
    await page.waitForFunction(() => document.querySelector('#combine-local li.arrive')?.getAnimations().length > 0);
    await page.waitForFunction(() => /4 message\(s\) from two servers/.test(document.querySelector('#combine-result').textContent), null, { timeout: 15_000 });
    const merged = await page.$$eval('#combine-local li', (items) => items.map((li) => li.className.split(' ')[0]));
    expect(merged).toEqual(['account-work', 'account-work', 'account-home', 'account-home']);
    expect(await page.textContent('#combine-local')).toMatch(/Budget for July.*from: Work account.*Dinner on Sunday.*from: Home account/);
    expect(await page.isHidden('#combine-imap-view')).toBe(true);
    await page.click('#combine-imap');
    expect(await page.isVisible('#combine-imap-view')).toBe(true);
    expect(await page.$$eval('#combine-imap-view .account', (accounts) => accounts.map((a) => a.querySelectorAll('li').length))).toEqual([2, 2]);
    expect(await page.textContent('#combine-imap-view .badge')).toBe('Simulation');

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
    expect(await phoneOverflow(page)).toEqual([]);
  } catch (error) {
    console.log(logs.join('\n'));
    throw error;
  } finally {
    await close();
  }
});

/**
 * Every text of a message file, with its key path. A function's text is split where its
 * arguments go, so that its fixed words can be looked for too.
 */
function catalogTexts(value, path = '', out = []) {
  if (typeof value === 'string') out.push({ path, text: value.trim() });
  else if (typeof value === 'function') {
    const hole = '\u0001';
    for (const piece of value(...Array(value.length).fill(hole)).split(hole)) out.push({ path, text: piece.trim(), fragment: true });
  } else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) catalogTexts(item, path ? `${path}.${key}` : key, out);
  }
  return out;
}

/** What a reader sees or hears: visible text nodes, labels of visible elements, the title. */
const visibleTexts = (page) => page.evaluate(() => {
  const texts = [document.title];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.data.trim() && node.parentElement.checkVisibility()) texts.push(node.data.trim());
  }
  for (const element of document.querySelectorAll('[aria-label], [title], [placeholder], [alt]')) {
    if (!element.checkVisibility()) continue;
    for (const name of ['aria-label', 'title', 'placeholder', 'alt']) if (element.hasAttribute(name)) texts.push(element.getAttribute(name));
  }
  return texts;
});

test('in Swahili, with every part of the explainer used, no text of the English message file is left on the page', async () => {
  const { page, logs, close } = await browser.open(`${baseUrl}explainer.html`);
  try {
    await page.waitForFunction(() => window.explainerReady === true, null, { timeout: 15_000 });
    await page.selectOption('#language', 'sw');
    await page.click('#pop-reset');
    await page.click('#deliver');
    await page.click('#check-laptop');
    await page.waitForFunction(() => /imepakua barua 3/.test(document.querySelector('#pop-result').textContent));
    await page.click('#check-phone');
    await page.waitForFunction(() => /Simu haikupata/.test(document.querySelector('#pop-result').textContent));
    await page.click('#imap-move-phone');
    await page.click('#imap-folder-laptop-sent');
    await page.click('#combine-fetch');
    await page.waitForFunction(() => document.querySelector('#combine-result').textContent !== '', null, { timeout: 15_000 });
    await page.click('#combine-imap');
    for (const [name, value] of [['devices', 'one'], ['connection', 'no'], ['serverSpace', 'small'], ['localSpace', 'plenty'], ['safety', 'no']]) {
      await page.check(`input[name="${name}"][value="${value}"]`);
    }
    await page.click('#quiz-submit');
    await page.waitForSelector('#recommendation');

    // A text counts as present where it stands as whole words ("Archive" in "Archive (1, 0
    // unread)"), not as letters inside a longer word.
    const asWords = (text) => new RegExp(`(?<![\\p{L}\\p{N}])${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\p{L}\\p{N}])`, 'u');
    const swahili = catalogTexts(sw).map((entry) => entry.text);
    // Names, numbers and protocol words that the Swahili file uses too ("POP3", "IMAPS", the
    // "Service" in SDPS's name) are not English left behind.
    const english = catalogTexts(en).filter(({ text }) =>
      text.replace(/[^\p{L}]/gu, '').length >= 3 && !swahili.some((s) => asWords(text).test(s)));
    expect(english.length).toBeGreaterThan(100);
    const leftIn = (seen) => english.filter(({ text }) => seen.some((shown) => asWords(text).test(shown)));
    expect(leftIn(await visibleTexts(page))).toEqual([]);
    // And the check can see: in English mode it finds the menu, the title and the rest.
    await page.selectOption('#language', 'en');
    const found = leftIn(await visibleTexts(page)).map(({ path }) => path);
    expect(found).toEqual(expect.arrayContaining(['nav.label', 'nav.mail', 'nav.walkthrough', 'nav.explainer', 'siteName', 'title', 'popRules.0', 'combineMail.home.0', 'imapFolders.archive', 'imapUnread']));
  } catch (error) {
    console.log(logs.join('\n'));
    throw error;
  } finally {
    await close();
  }
});

// The facts of the article this project began from (docs: seed notes), each as words the
// explainer must show; in Swahili, the names and numbers among them must be there too.
const SEED_FACTS = [
  ['application-layer protocol over TCP/IP', /application-layer protocol.*TCP\/IP/],
  ['mail flows one way, server to client', /one way only, from the server/],
  ['typical use: download, store, delete, disconnect', /connect, download the mail, store it on your own machine, delete it from the server, disconnect/],
  ['most clients can leave mail on the server', /Most mail programs offer this setting/],
  ['several devices miss mail unless copies stay', /Several devices do not see the same mail unless copies stay on the server/],
  ['numbers per session, UIDL across sessions', /numbers the messages 1, 2, 3.*UIDL.*from one session to the next/],
  ['deletion by number, applied at QUIT (UPDATE)', /DELE.*only when the client ends the session with QUIT.*UPDATE/],
  ['one client at a time, IN-USE', /Only one client at a time.*IN-USE/],
  ['no folders, whole messages', /POP has no folders.*fetched whole, with all its MIME parts/],
  ['ports 110/STLS, 995, 143, 993', /110POP3.*STLS command \(RFC 2595\).*995POP3S.*SSL port.*143IMAP.*993IMAPS/],
  ['KPOP on 1109, Athena, Cyrus', /1109KPOP.*Kerberos.*Project Athena.*Cyrus IMAP/],
  ['POP1 RFC 918 1984, POP2 RFC 937 1985, POP3 RFC 1081 1988, RFC 1939', /1984POP1, RFC 918.*1985POP2, RFC 937.*1988POP3, RFC 1081.*RFC 1939/],
  ['CAPA RFC 2449 with TOP and UIDL, not encouraging extensions', /RFC 2449.*TOP and UIDL.*does not want to encourage extensions/],
  ['AUTH RFC 1734, today RFC 5034', /RFC 1734.*RFC 5034/],
  ['APOP RFC 1460: MD5 of the timestamp, no replay', /APOP, RFC 1460.*MD5.*timestamp.*never sent.*cannot be replayed/],
  ['POP4 informal, nothing since 2003', /2003POP4, an informal proposal with folders, operations on many messages at once and flags/],
  ['SDPS from Demon Internet, john@host / john+host', /SDPS \(Standard Dial-up POP3 Service, Demon Internet\).*john@host or john\+host/],
  ['few ISPs offered IMAP around 2000', /late 1990s and early 2000s few internet providers offered IMAP, because it keeps all the mail on their own storage/],
  ['POP 1984 for local storage; IMAP 1986, like cloud storage', /POP was designed in 1984.*IMAP \(1986\).*cloud storage/],
  ['IMAP workflow', /fetch what you ask for and cache it.*carry out your changes on the server \(read, deleted\)/],
  ['IMAP extras: search, headers/parts, flags, several clients', /Searching on the server.*headers or a single MIME part.*\(read, answered, deleted\).*several clients at once/],
  ['POP advantages', /readable without a connection.*saves server space.*leave a copy on the server.*several accounts and servers into one local mailbox/],
  ['IMAP advantages and its need of a connection', /same mail and folders on every device.*headers first.*backed up on the server.*saves local storage.*Reading mail needs a connection/],
  ['choose: the questionnaire, IMAP when in doubt', /when in doubt, choose IMAP.*On how many devices.*reliable and always on.*storage does your mail server.*storage does your device.*losing mail/],
  ['mail programs', /Outlook, Thunderbird, Eudora, GNUMail and Apple Mail/],
  ['Outlook 0x800C0133 on 995 with SSL (Gmail): compact the local folders', /0x800C0133.*995 with SSL.*Gmail.*Compact all folders/],
];
const SHARED_MARKERS = ['TCP/IP', 'UIDL', 'DELE', 'QUIT', 'UPDATE', 'IN-USE', 'MIME', 'RFC 2595', '1109', 'Cyrus', 'Athena', 'RFC 918', 'RFC 937', 'RFC 1081',
  'RFC 1939', 'RFC 2449', 'RFC 1734', 'RFC 5034', 'RFC 1460', 'MD5', 'POP4', 'SDPS', 'Demon Internet', 'john+host', '1986', 'Thunderbird', 'Eudora', 'GNUMail',
  'Apple Mail', '0x800C0133', 'Gmail'];

test('the explainer teaches every fact of the source article, in English and in Swahili', async () => {
  const { page, logs, close } = await browser.open(`${baseUrl}explainer.html`);
  try {
    await page.waitForFunction(() => window.explainerReady === true, null, { timeout: 15_000 });
    // Visible text only, cells and items run together as textContent joins them.
    const text = () => page.evaluate(() => [...document.querySelectorAll('main p, main li, main tr, main dl, main fieldset, main small')]
      .filter((e) => e.checkVisibility()).map((e) => e.textContent.replace(/\s+/g, ' ')).join('\n'));
    const english = await text();
    expect(SEED_FACTS.filter(([, words]) => !words.test(english.replace(/\n/g, ' '))).map(([fact]) => fact)).toEqual([]);
    await page.selectOption('#language', 'sw');
    const swahili = await text();
    expect(SHARED_MARKERS.filter((marker) => !swahili.includes(marker))).toEqual([]);
  } catch (error) {
    console.log(logs.join('\n'));
    throw error;
  } finally {
    await close();
  }
});

test('keyboard only: connect, open, delete, step through the walkthrough, switch language; focus always visible, no trap', async () => {
  const { page, logs, close } = await browser.open(baseUrl);
  const stops = [];
  // Tab (or Shift+Tab) until the focused element matches; every stop on the way must show its
  // focus (in this page, not inside a message's frame).
  async function tabTo(selector, { back = false, rowText, max = 150 } = {}) {
    for (let i = 0; i < max; i++) {
      await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
      const stop = await page.evaluate(([sel, text]) => {
        const e = document.activeElement;
        if (!e || e === document.body) return { what: 'body' };
        const style = getComputedStyle(e);
        return {
          what: `${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ''} ${(e.textContent || e.getAttribute('aria-label') || '').trim().slice(0, 30)}`,
          frame: e.tagName === 'IFRAME',
          shown: e.matches(':focus-visible') && style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0,
          match: e.matches(sel) && (!text || Boolean(e.closest('tr')?.textContent.includes(text))),
        };
      }, [selector, rowText]);
      stops.push(stop.what);
      if (stop.what !== 'body' && !stop.frame && !stop.shown) throw new Error(`focus not visible on ${stop.what}`);
      if (stop.match) return;
    }
    throw new Error(`${selector} not reached with ${back ? 'Shift+Tab' : 'Tab'}; stops: ${stops.slice(-40).join(' | ')}`);
  }
  const focusedId = () => page.evaluate(() => document.activeElement?.id);
  try {
    await page.waitForSelector('#connect');
    await tabTo('#connect');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#messages', { timeout: 20_000 });
    await tabTo('button.open', { rowText: 'Our new logo' });
    await page.keyboard.press('Enter');
    await page.waitForSelector('#message-view iframe');
    await tabTo('button.toggle-delete', { rowText: 'Our new logo' });
    await page.keyboard.press('Space');
    await page.waitForSelector('tr.deleted');
    // The list was rebuilt; the focus stays on the same button, now saying what it did.
    expect(await page.evaluate(() => document.activeElement.closest('tr').classList.contains('deleted'))).toBe(true);
    expect(await page.evaluate(() => document.activeElement.getAttribute('aria-pressed'))).toBe('true');
    expect(await page.textContent('#quit-effect')).toMatch(/QUIT will remove message\(s\) \d/);

    // Onwards through the message frame, the saved copies and the transcript, and round to the
    // site's menu: nothing holds the focus.
    const before = stops.length;
    await tabTo('.site-nav a[href="walkthrough.html"]');
    expect(stops.slice(before)).toEqual(expect.arrayContaining([expect.stringMatching(/^iframe/), expect.stringMatching(/^button#sync/), expect.stringMatching(/^div S: \+OK/)]));
    await tabTo('#connect', { back: true });
    await tabTo('.site-nav a[href="walkthrough.html"]', { back: true });
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => window.walkthroughReady === true, null, { timeout: 15_000 });

    await tabTo('#step-greeting');
    const steps = ['greeting', 'capa', 'login', 'stat', 'list', 'retr', 'dele', 'quit'];
    for (const [i, step] of steps.entries()) {
      expect(await focusedId()).toBe(`step-${step}`);
      await page.keyboard.press('Enter');
      await page.waitForSelector(`#result-${step}:not([hidden])`);
      if (steps[i + 1]) await page.waitForFunction((next) => document.activeElement?.id === next, `step-${steps[i + 1]}`);
    }
    expect(await page.textContent('#status')).toBe('Session complete.');

    await tabTo('.site-nav a[href="explainer.html"]', { back: true });
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => window.explainerReady === true, null, { timeout: 15_000 });
    await tabTo('#language');
    await page.keyboard.press('ArrowDown');
    await page.waitForFunction(() => document.documentElement.lang === 'sw');
    expect(await focusedId()).toBe('language');
    expect(await page.evaluate(() => document.activeElement.matches(':focus-visible'))).toBe(true);
    expect(await page.textContent('.site-nav')).toContain(sw.nav.mail);
    await page.keyboard.press('ArrowUp');
    await page.waitForFunction(() => document.documentElement.lang === 'en');
  } catch (error) {
    console.log(logs.join('\n'), stops.slice(-40).join(' | '));
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
    expect(await page.textContent('#status')).toMatch(/^Saved 6 message\(s\) in this browser\. /);
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
