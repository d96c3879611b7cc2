// The POP-vs-IMAP explainer: the two-device POP scenario live on an in-page server, IMAP (with
// folders) as a labelled simulation, ports, history, the two side by side, several accounts
// gathered into one inbox, and the questionnaire; every text from src/i18n/<lang>.js.
import { $, fill, h } from '../components/dom.js';
import { siteNav } from '../components/site-nav.js';
import { LANGUAGES } from '../i18n/index.js';
import { ACCOUNTS, CombineAccounts } from './combine-accounts.js';
import { FOLDERS, ImapSimulation } from './imap-simulation.js';
import { PopDevices } from './pop-devices.js';
import { recommend } from './questionnaire.js';

const app = $('#app');
const header = $('#site-header');

const pop = new PopDevices();
const imap = new ImapSimulation();
const combine = new CombineAccounts();
const state = {
  lang: 'en', leaveCopy: false, popEvent: null, answers: {}, busy: false,
  // The merged inbox: what has landed, how many of those the last render showed (the rest get
  // the arrival animation), and whether the IMAP view of the same accounts is shown.
  combined: [], combinedShown: 0, combineImap: false,
};
const t = () => LANGUAGES[state.lang].messages;

function languageSwitch(m) {
  const select = h('select', { id: 'language', onchange: () => { state.lang = select.value; render(); } },
    Object.entries(LANGUAGES).map(([code, { name }]) => h('option', { value: code, lang: code, selected: code === state.lang }, name)));
  return h('div', { class: 'field language' }, h('label', { for: 'language' }, m.languageLabel), select);
}

function describePopEvent(m) {
  const event = state.popEvent;
  if (!event) return '';
  const name = m[event.device];
  if (event.got === 0) return event.otherHasMail && !event.leaveCopy ? m.missed(name) : m.nothingNew(name);
  return m.fetched(name, event.got, event.leaveCopy ? 0 : event.deleted);
}

async function checkMail(device) {
  if (state.busy) return;
  state.busy = true;
  try {
    const { got, deleted } = await pop.check(device, state.leaveCopy);
    const other = device === 'laptop' ? 'phone' : 'laptop';
    state.popEvent = { device, got, deleted, leaveCopy: state.leaveCopy, otherHasMail: pop.devices[other].size > 0 };
  } finally {
    state.busy = false;
    render();
  }
}

function deviceCard(m, device) {
  const local = [...pop.devices[device].values()];
  return h('section', { class: 'device', id: `device-${device}`, 'aria-labelledby': `${device}-heading` },
    h('h3', { id: `${device}-heading` }, m[device]),
    h('button', { id: `check-${device}`, onclick: () => checkMail(device) }, m.checkMail),
    h('p', { class: 'local-count' }, m.localMail(local.length)),
    local.length ? h('ul', { class: 'local-mail' }, local.map((subject) => h('li', {}, subject))) : h('p', {}, m.noLocalMail));
}

function popSection(m) {
  const leave = h('input', { type: 'checkbox', id: 'leave-copy', checked: state.leaveCopy, 'aria-describedby': 'leave-copy-hint',
    onchange: () => { state.leaveCopy = leave.checked; } });
  return h('section', { 'aria-labelledby': 'devices-heading' },
    h('h2', { id: 'devices-heading' }, m.devicesHeading),
    h('p', {}, m.devicesIntro),
    h('div', { class: 'field-inline' }, leave, ' ', h('label', { for: 'leave-copy' }, m.leaveCopy)),
    h('p', { id: 'leave-copy-hint' }, h('small', {}, m.leaveCopyHint)),
    h('p', { id: 'server-count', class: 'mono' }, m.onServer(pop.onServer())),
    h('div', { class: 'devices' }, deviceCard(m, 'laptop'), deviceCard(m, 'phone')),
    h('p', { id: 'pop-result', role: 'status', class: state.popEvent ? 'result' : undefined }, describePopEvent(m)),
    h('div', { class: 'actions' },
      h('button', { id: 'deliver', onclick: () => { pop.deliver(m.popSubjects); render(); } }, m.newMail),
      h('button', { id: 'pop-reset', onclick: async () => { await pop.start(t().popSubjects); state.popEvent = null; render(); } }, m.reset)));
}

function imapDevice(m, device) {
  const view = imap.view(device);
  const act = (work) => () => { work(); render(); };
  const target = h('select', { id: `imap-target-${device}`, 'aria-label': `${m[device]}: ${m.imapMoveTo}` },
    FOLDERS.filter((f) => f !== view.folder).map((f) => h('option', { value: f }, m.imapFolders[f])));
  return h('div', { class: 'device', id: `imap-${device}` },
    h('h3', {}, m[device]),
    h('ul', { class: 'folders', 'aria-label': m.imapFoldersLabel(m[device]) }, FOLDERS.map((folder) => {
      const { count, unread } = imap.count(folder);
      return h('li', {}, h('button', { id: `imap-folder-${device}-${folder}`, class: `imap-folder imap-folder-${folder}`, 'aria-pressed': String(folder === view.folder),
        onclick: act(() => imap.select(device, folder)) }, m.imapFolderCount(m.imapFolders[folder], count, unread)));
    })),
    h('p', { class: `imap-view-${device}` }, m.imapSees(m[device], view.count, view.unread)),
    view.messages.length
      ? h('ul', { class: 'imap-messages' }, view.messages.map((msg) => h('li', {}, `${m.imapSubjects[msg.subjectKey[0]][msg.subjectKey[1]]} (${msg.seen ? m.imapReadFlag : m.imapUnread})`)))
      : h('p', {}, m.imapEmpty),
    h('div', { class: 'actions' },
      h('button', { id: `imap-read-${device}`, class: `imap-read-${device}`, 'aria-label': `${m[device]}: ${m.imapRead}`, onclick: act(() => imap.markFirstRead(device)) }, m.imapRead),
      h('button', { id: `imap-delete-${device}`, class: `imap-delete-${device}`, 'aria-label': `${m[device]}: ${m.imapDelete}`, onclick: act(() => imap.deleteFirst(device)) }, m.imapDelete)),
    h('div', { class: 'actions' },
      h('button', { id: `imap-move-${device}`, class: `imap-move-${device}`, 'aria-label': `${m[device]}: ${m.imapMove}`, onclick: act(() => imap.moveFirst(device, target.value)) }, m.imapMove),
      h('label', { for: `imap-target-${device}`, class: 'inline-label' }, m.imapMoveTo), target));
}

function imapSection(m) {
  return h('section', { class: 'simulation', 'aria-labelledby': 'imap-heading' },
    h('h2', { id: 'imap-heading' }, m.imapHeading, ' ', h('span', { class: 'badge' }, m.imapBadge)),
    h('p', {}, m.imapIntro),
    h('div', { class: 'devices' }, imapDevice(m, 'laptop'), imapDevice(m, 'phone')),
    h('button', { id: 'imap-reset', onclick: () => { imap.reset(); render(); } }, m.reset));
}

function portsSection(m) {
  return h('section', { 'aria-labelledby': 'ports-heading' },
    h('h2', { id: 'ports-heading' }, m.portsHeading),
    h('p', {}, m.portsIntro),
    h('div', { class: 'table-scroll' }, h('table', {},
      h('thead', {}, h('tr', {}, m.portsColumns.map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, m.portsRows.map(([port, service, text]) => h('tr', {}, h('td', { class: 'mono' }, port), h('td', {}, service), h('td', {}, text)))))));
}

function historySection(m) {
  return h('section', { 'aria-labelledby': 'history-heading' },
    h('h2', { id: 'history-heading' }, m.historyHeading),
    h('dl', { class: 'headers timeline' }, m.history.map(([year, text]) => [h('dt', {}, year), h('dd', {}, text)])));
}

function textSection(id, heading, text) {
  return h('section', { 'aria-labelledby': id }, h('h2', { id }, heading), h('p', {}, text));
}

function listSection(id, heading, items) {
  return h('section', { 'aria-labelledby': id }, h('h2', { id }, heading), h('ul', {}, items.map((text) => h('li', {}, text))));
}

function compareSection(m) {
  return h('section', { 'aria-labelledby': 'compare-heading' },
    h('h2', { id: 'compare-heading' }, m.compareHeading),
    h('p', {}, m.compareIntro),
    h('div', { class: 'table-scroll' }, h('table', { id: 'compare' },
      h('thead', {}, h('tr', {}, m.compareColumns.map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, m.compareRows.map(([aspect, popText, imapText]) =>
        h('tr', {}, h('th', { scope: 'row' }, aspect), h('td', {}, popText), h('td', {}, imapText)))))));
}

async function fetchCombined() {
  if (state.busy) return;
  state.busy = true;
  state.combined = [];
  state.combinedShown = 0;
  render();
  try {
    await combine.fetchAll(t().combineMail, async (item) => {
      state.combined.push(item);
      render();
      // A pause as long as the arrival animation (styles.css), so that the eye can follow each
      // message into the inbox before the next render.
      if (!matchMedia('(prefers-reduced-motion: reduce)').matches) await new Promise((resolve) => setTimeout(resolve, 400));
    });
  } finally {
    state.busy = false;
    render();
    $('#combine-result')?.focus();
  }
}

function combineSection(m) {
  const fresh = state.combinedShown;
  state.combinedShown = state.combined.length;
  const done = !state.busy && state.combined.length > 0;
  return h('section', { 'aria-labelledby': 'combine-heading', id: 'combine' },
    h('h2', { id: 'combine-heading' }, m.combineHeading),
    h('p', {}, m.combineText),
    h('div', { class: 'combine' },
      h('div', { class: 'accounts' }, ACCOUNTS.map((account) =>
        h('div', { class: `account account-${account.id}` },
          h('h3', {}, m.combineAccounts[account.id]),
          h('p', { class: 'mono' }, account.address),
          h('p', {}, m.combineOnServer(m.combineMail[account.id].length))))),
      h('div', { class: 'arrow', 'aria-hidden': 'true' }, '\u2192'),
      h('div', { class: 'local-inbox', id: 'combine-local' },
        h('h3', {}, m.combineLocal),
        state.combined.length
          ? h('ul', {}, state.combined.map((item, index) =>
            h('li', { class: `account-${item.account}${index >= fresh ? ' arrive' : ''}` }, item.subject, ' ', h('small', {}, m.combineFrom(m.combineAccounts[item.account])))))
          : h('p', {}, m.combineLocalEmpty))),
    h('div', { class: 'actions' },
      h('button', { id: 'combine-fetch', onclick: fetchCombined, disabled: state.busy }, m.combineFetch),
      h('button', { id: 'combine-imap', 'aria-expanded': String(state.combineImap), 'aria-controls': 'combine-imap-view',
        onclick: () => { state.combineImap = !state.combineImap; render(); } }, m.combineImapShow)),
    h('p', { id: 'combine-result', tabindex: '-1', role: 'status' }, done ? m.combineDone(state.combined.length) : ''),
    h('div', { id: 'combine-imap-view', class: 'simulation', hidden: !state.combineImap },
      h('p', {}, h('span', { class: 'badge' }, m.combineImapBadge), ' ', m.combineImapText),
      h('div', { class: 'accounts' }, ACCOUNTS.map((account) =>
        h('div', { class: `account account-${account.id}` },
          h('h3', {}, `${m.combineAccounts[account.id]} (${account.address})`),
          h('p', {}, m.imapFolderCount(m.imapFolders.inbox, m.combineMail[account.id].length, m.combineMail[account.id].length)),
          h('ul', {}, m.combineMail[account.id].map((subject) => h('li', {}, subject))))))));
}

function quizSection(m) {
  const result = state.answers.done ? recommend(Object.fromEntries(Object.entries(state.answers).filter(([k]) => k !== 'done'))) : null;
  const form = h('form', { id: 'quiz', onsubmit: (event) => {
    event.preventDefault();
    const data = new FormData(form);
    state.answers = Object.fromEntries(data.entries());
    state.answers.done = true;
    render();
    $('#recommendation')?.focus();
  } },
    m.questions.map((q) => h('fieldset', {},
      h('legend', {}, q.text),
      q.options.map(([value, label]) => h('label', { class: 'option' },
        h('input', { type: 'radio', name: q.id, value, required: true, checked: state.answers[q.id] === value }), ' ', label, ' ')))),
    h('button', { type: 'submit', id: 'quiz-submit' }, m.quizSubmit));
  return h('section', { 'aria-labelledby': 'quiz-heading' },
    h('h2', { id: 'quiz-heading' }, m.quizHeading),
    h('p', {}, m.quizIntro),
    form,
    result && h('div', { id: 'recommendation', class: 'result', tabindex: '-1', role: 'status' },
      h('p', {}, h('strong', {}, result.clear ? (result.choice === 'pop' ? m.recommendPop : m.recommendImap) : m.recommendDefault)),
      h('ul', {}, result.reasons.map((key) => h('li', {}, m.reasons[key])))));
}

function render() {
  const m = t();
  document.documentElement.lang = m.lang;
  document.title = `${m.siteName}: ${m.title}`;
  // The page is rebuilt on every change: the focused control is found again by its id.
  const focused = document.activeElement?.id;
  fill(header, siteNav('explainer.html', m.nav));
  fill(app,
    languageSwitch(m),
    h('h1', {}, m.title),
    h('p', {}, m.intro),
    popSection(m),
    listSection('pop-rules-heading', m.popRulesHeading, m.popRules),
    imapSection(m),
    compareSection(m),
    portsSection(m),
    historySection(m),
    combineSection(m),
    textSection('offline-heading', m.offlineHeading, m.offlineText),
    textSection('local-store-heading', m.localStoreHeading, m.localStoreText),
    quizSection(m));
  if (focused) document.getElementById(focused)?.focus();
}

await pop.start(t().popSubjects);
render();
window.explainerReady = true;
