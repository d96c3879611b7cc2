// The mail app: connect through the bridge, report capabilities, list with TOP n 0, open on
// demand with RETR, mark for deletion (DELE) or undo (RSET), and QUIT, with the live transcript.
import { Pop3Client } from 'pop3-wasm';
import { loadMime, parseMessage } from 'pop3-wasm/mime';

import { $, fill, formatSize, h } from '../components/dom.js';
import { capabilityReport } from '../components/capability-report.js';
import { siteNav } from '../components/site-nav.js';
import en from '../i18n/en.js';
import { transcriptView } from '../components/transcript-view.js';
import { connectionForm } from './connection-form.js';
import { localCopies } from './local-copies.js';
import { messageList } from './message-list.js';
import { messageView } from './message-view.js';
import { stepMode } from './step-mode.js';

const app = $('#app');
$('#site-header').append(siteNav('index.html', en.nav));

const status = h('p', { id: 'status', role: 'status', 'aria-live': 'polite' }, 'Loading the demo configuration...');
const progress = h('progress', { id: 'progress', hidden: true, max: 1, value: 0, 'aria-label': 'Fetching headers' });
// One message's download: bytes received of the size LIST declared.
const downloadBar = h('progress', { id: 'download-progress', max: 1, value: 0 });
const downloadBytes = h('span', { id: 'download-bytes' });
const download = h('div', { id: 'download', hidden: true },
  h('label', { for: 'download-progress' }, 'Downloading'), ' ', downloadBar, ' ', downloadBytes);
const capsSection = h('section', { id: 'capabilities', 'aria-labelledby': 'caps-heading', hidden: true });
const listSection = h('section', { id: 'mailbox', 'aria-labelledby': 'mailbox-heading', hidden: true });
const viewSection = h('section', { id: 'viewer', 'aria-label': 'Message' });
const transcript = transcriptView({ label: 'Protocol transcript' });
app.append(status, progress, download, capsSection, listSection, viewSection,
  h('section', { 'aria-labelledby': 'transcript-heading' }, h('h2', { id: 'transcript-heading' }, 'Live transcript'),
    h('p', {}, 'Every line the client (C) and server (S) exchanged; passwords are hidden by the library.'), transcript.element));

let client = null;
let account = null;
let rows = [];
const deleted = new Set();
let blobUrls = [];

const say = (text) => (status.textContent = text);

const copies = localCopies({
  getClient: () => client,
  account: () => account,
  progress,
  say,
  show(message) {
    freeBlobs();
    fill(viewSection, messageView(message, blobUrls));
  },
  sessionEnded() {
    client?.close();
    client = null;
    deleted.clear();
    listSection.hidden = true;
  },
});
app.insertBefore(copies.element, transcript.element.parentElement);

function freeBlobs() {
  for (const url of blobUrls) URL.revokeObjectURL(url);
  blobUrls = [];
}

function whatQuitWillDo() {
  const marked = [...deleted].sort((a, b) => a - b);
  return marked.length
    ? `QUIT will remove message(s) ${marked.join(', ')} from the server. Until then "Undo deletions" (RSET) brings them back.`
    : 'QUIT will remove nothing: no message is marked for deletion.';
}

// The control that had the focus, found again after the list is rebuilt (keyboard users would
// otherwise be thrown back to the top of the page): the same button of the same row, or the
// same action button, or the first action still enabled.
function focusKeeper() {
  const active = document.activeElement;
  if (!listSection.contains(active)) return () => {};
  const row = active.closest('tr')?.dataset.number;
  const selector = row ? `tr[data-number="${row}"] button.${active.classList[0]}` : active.id && `#${active.id}`;
  return () => {
    const again = selector && listSection.querySelector(selector);
    (again && !again.disabled ? again : listSection.querySelector('.actions button:not(:disabled)'))?.focus();
  };
}

function renderList() {
  const restoreFocus = focusKeeper();
  fill(listSection,
    h('h2', { id: 'mailbox-heading' }, 'Mailbox'),
    messageList(rows, { onOpen: open, onToggleDelete: toggleDelete, isDeleted: (n) => deleted.has(n) }),
    h('p', { id: 'quit-effect' }, whatQuitWillDo()),
    h('div', { class: 'actions' },
      h('button', { id: 'rset', onclick: undoDeletions, disabled: deleted.size === 0 }, 'Undo deletions (RSET)'),
      h('button', { id: 'quit', onclick: quit }, 'Quit (QUIT)')));
  listSection.hidden = false;
  restoreFocus();
}

async function run(label, work) {
  say(label);
  try {
    await work();
  } catch (error) {
    say(`${error.code ?? 'ERROR'}: ${error.message}`);
    console.error(error);
  }
}

function connect(options) {
  return run('Connecting...', async () => {
    client?.close();
    transcript.clear();
    deleted.clear();
    freeBlobs();
    fill(viewSection);
    client = await Pop3Client.connect({
      host: options.host, port: options.port, tls: options.tls, bridge: options.bridge, ca: options.ca,
      onTranscript: (entry) => transcript.add(entry),
    });
    account = `${options.user}@${options.host}`;
    document.querySelector('#step-mode')?.remove();
    listSection.hidden = true;
    capsSection.hidden = true;
    if (options.step) {
      app.insertBefore(stepMode(client, options, say), listSection);
      say('Connected in step mode.');
      return;
    }
    say('Logging in...');
    await client.login({ user: options.user, password: options.password, mechanisms: options.method === 'auto' ? undefined : [options.method] });
    fill(capsSection, h('h2', { id: 'caps-heading' }, 'What this server can do'),
      h('p', {}, client.tls ? `Encrypted with ${client.tls.protocol} (${client.tls.cipher}), inside the page.` : 'Not encrypted.'),
      h('p', {}, `Logged in with ${client.loginMechanism}.`),
      capabilityReport(client.capabilities, { apop: Boolean(client.greeting?.apopTimestamp) }));
    capsSection.hidden = false;
    await loadHeaders();
  });
}

async function loadHeaders() {
  const list = await client.list();
  say(`Fetching the headers of ${list.length} message(s) with TOP...`);
  progress.hidden = false;
  progress.max = list.length || 1;
  progress.value = 0;
  // Issued together: the library pipelines them when the server announces PIPELINING.
  rows = await Promise.all(list.map(async ({ number, size }) => {
    const parsed = await parseMessage(await client.top(number, 0));
    progress.value += 1;
    const from = parsed.from[0];
    const row = { number, size, from: from ? from.name ?? from.address : '', subject: parsed.subject ?? '', date: parsed.date };
    parsed.close();
    return row;
  }));
  progress.hidden = true;
  renderList();
  say(`Connected: ${rows.length} message(s).`);
}

// RETR's chunks as they arrive, counted into the download bar on their way to the MIME parser.
async function* counted(chunks, declared) {
  let received = 0;
  const show = () => {
    downloadBar.max = declared || 1;
    downloadBar.value = Math.min(received, downloadBar.max);
    downloadBytes.textContent = `${formatSize(received)} of ${formatSize(declared)} (${received} of ${declared} bytes)`;
  };
  show();
  for await (const chunk of chunks) {
    received += chunk.length;
    show();
    yield chunk;
  }
}

function open(number) {
  return run(`Fetching message ${number} with RETR...`, async () => {
    freeBlobs();
    const declared = rows.find((row) => row.number === number)?.size ?? 0;
    // Loaded first, so that a module that cannot load costs no download.
    await loadMime();
    download.hidden = false;
    try {
      const message = await parseMessage(counted(client.retrieveStream(number), declared));
      fill(viewSection, messageView(message, blobUrls));
    } finally {
      download.hidden = true;
    }
    say(`Message ${number} opened.`);
  });
}

function toggleDelete(number) {
  return run('...', async () => {
    if (deleted.has(number)) {
      // POP3 has no per-message undelete: RSET unmarks everything, so re-mark the others.
      await client.reset();
      deleted.delete(number);
      await Promise.all([...deleted].map((n) => client.delete(n)));
    } else {
      await client.delete(number);
      deleted.add(number);
    }
    renderList();
    say(whatQuitWillDo());
  });
}

function undoDeletions() {
  return run('Undoing deletions (RSET)...', async () => {
    await client.reset();
    deleted.clear();
    renderList();
    say(whatQuitWillDo());
  });
}

function quit() {
  return run('Quitting...', async () => {
    const removed = deleted.size;
    await client.quit();
    client = null;
    freeBlobs();
    fill(viewSection);
    listSection.hidden = true;
    say(`Session ended. The server entered UPDATE and removed ${removed} message(s).`);
  });
}

await copies.refresh();
try {
  const config = await (await fetch('demo-config.json')).json();
  app.insertBefore(connectionForm(config, connect), status);
  say('Ready: the form is filled in for the demo server.');
} catch (error) {
  say(`Could not load the demo configuration (start the demo with npm start): ${error.message}`);
}
