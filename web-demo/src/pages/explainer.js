// The POP-vs-IMAP explainer: the two-device POP scenario live on an in-page server, IMAP as a
// labelled simulation, ports, history, and the questionnaire; every text from src/i18n/<lang>.js.
import { $, fill, h } from '../components/dom.js';
import { siteNav } from '../components/site-nav.js';
import { LANGUAGES } from '../i18n/index.js';
import { ImapSimulation } from './imap-simulation.js';
import { PopDevices } from './pop-devices.js';
import { recommend } from './questionnaire.js';

$('#site-header').append(siteNav('explainer.html'));
const app = $('#app');

const pop = new PopDevices();
const imap = new ImapSimulation();
const state = { lang: 'en', leaveCopy: false, popEvent: null, imapDevice: 'laptop', answers: {}, busy: false };
const t = () => LANGUAGES[state.lang].messages;

function languageSwitch(m) {
  const select = h('select', { id: 'language', onchange: () => { state.lang = select.value; render(); $('#language').focus(); } },
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
      h('button', { id: 'deliver', onclick: () => { pop.deliver(); render(); } }, m.newMail),
      h('button', { id: 'pop-reset', onclick: async () => { await pop.start(); state.popEvent = null; render(); } }, m.reset)));
}

function imapSection(m) {
  const view = imap.view();
  return h('section', { class: 'simulation', 'aria-labelledby': 'imap-heading' },
    h('h2', { id: 'imap-heading' }, m.imapHeading, ' ', h('span', { class: 'badge' }, m.imapBadge)),
    h('p', {}, m.imapIntro),
    h('h3', {}, m.imapInbox),
    h('ul', { id: 'imap-inbox' }, imap.inbox.map((msg) => h('li', {}, `${msg.subject} (${msg.seen ? m.imapReadFlag : m.imapUnread})`))),
    h('div', { class: 'devices' }, ['laptop', 'phone'].map((device) =>
      h('div', { class: 'device' },
        h('h3', {}, m[device]),
        h('p', { class: `imap-view-${device}` }, m.imapSees(m[device], view.count, view.unread)),
        h('div', { class: 'actions' },
          h('button', { class: `imap-read-${device}`, 'aria-label': `${m[device]}: ${m.imapRead}`, onclick: () => { imap.markFirstRead(); render(); } }, m.imapRead),
          h('button', { class: `imap-delete-${device}`, 'aria-label': `${m[device]}: ${m.imapDelete}`, onclick: () => { imap.deleteFirst(); render(); } }, m.imapDelete))))),
    h('button', { onclick: () => { imap.reset(); render(); } }, m.reset));
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
  document.title = `pop3-wasm demo: ${m.title}`;
  fill(app,
    languageSwitch(m),
    h('h1', {}, m.title),
    h('p', {}, m.intro),
    popSection(m),
    imapSection(m),
    portsSection(m),
    historySection(m),
    textSection('combine-heading', m.combineHeading, m.combineText),
    textSection('offline-heading', m.offlineHeading, m.offlineText),
    textSection('local-store-heading', m.localStoreHeading, m.localStoreText),
    quizSection(m));
}

await pop.start();
render();
window.explainerReady = true;
