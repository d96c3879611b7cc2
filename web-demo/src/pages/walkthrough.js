// The walkthrough: an EmbeddedServer and a Pop3Client in the page, joined by connectInMemory;
// one button per step, each enabled once the previous one has run.
import { Pop3Client } from 'pop3-wasm';
import { connectInMemory, createEmbeddedServer, sampleMailboxStore, SAMPLE_PASSWORD, SAMPLE_USER } from 'pop3-wasm/server';

import { $, fill, h } from '../components/dom.js';
import { makeSelfSignedCertificate } from '../protocol/self-signed-cert.js';
import { siteNav } from '../components/site-nav.js';
import en from '../i18n/en.js';
import { transcriptView } from '../components/transcript-view.js';
import { racePipelining } from './pipelining-race.js';
import { STEPS } from './walkthrough-steps.js';

$('#site-header').append(siteNav('walkthrough.html', en.nav));
const app = $('#app');
const status = h('p', { id: 'status', role: 'status' }, 'Loading the server into the page...');
const stateLine = h('p', { id: 'state' });
const transcript = transcriptView({ label: 'Walkthrough transcript' });
app.append(status, stateLine);

let server;
let store;
let certificate;
const useStls = h('input', { type: 'checkbox', id: 'use-stls', checked: true });
const session = {
  client: null,
  async connect() {
    const tls = useStls.checked ? 'starttls' : 'none';
    session.client = await Pop3Client.connect({
      transport: connectInMemory(server, { tls }), host: 'localhost', port: 110, tls,
      ca: [certificate.cert], defaultRoots: false,
      // Safe here even without TLS: the "connection" never leaves this page.
      allowInsecureAuth: true, capa: tls === 'starttls',
      onTranscript: (entry) => transcript.add(entry),
    });
    return session.client;
  },
  countOnServer: () => store.messages(SAMPLE_USER).length,
  // The server applies UPDATE as the session closes; wait until no session is left.
  async settled() {
    while (server.sessionCount > 0) await new Promise((resolve) => setTimeout(resolve, 10));
  },
};

async function newServer() {
  store = sampleMailboxStore(SAMPLE_USER);
  // The certificate is made here, by WebCrypto: the page fetches nothing to offer STLS.
  certificate ??= await makeSelfSignedCertificate('localhost');
  server = await createEmbeddedServer({ store, users: { [SAMPLE_USER]: SAMPLE_PASSWORD }, tls: certificate });
}

const buttons = [];
const stepList = h('ol', { class: 'steps' }, STEPS.map((step, index) => {
  const result = h('p', { class: 'result', id: `result-${step.id}`, hidden: true, 'aria-live': 'polite' });
  const button = h('button', { id: `step-${step.id}`, disabled: index !== 0, onclick: async () => {
    button.disabled = true;
    try {
      result.textContent = await step.run(session);
      result.hidden = false;
      // Enabled before it takes the focus: a disabled button cannot hold it.
      if (buttons[index + 1]) {
        buttons[index + 1].disabled = false;
        buttons[index + 1].focus();
      } else status.textContent = 'Session complete.';
    } catch (error) {
      result.textContent = `${error.code ?? 'Error'}: ${error.message}`;
      result.hidden = false;
      button.disabled = false;
    }
    stateLine.textContent = `Session state: ${session.client?.state ?? 'not connected'}`;
  } }, step.label);
  buttons.push(button);
  return h('li', {}, button, h('p', {}, step.explain), result);
}));

const raceResult = h('p', { id: 'race-result', class: 'result', hidden: true, 'aria-live': 'polite' });
const raceButton = h('button', { id: 'race', onclick: async () => {
  raceButton.disabled = true;
  const { oneByOne, batch, delayMs } = await racePipelining(server);
  raceResult.textContent = `${oneByOne.commands} TOP commands, server waiting ${delayMs} ms before each answer: one at a time ${Math.round(oneByOne.ms)} ms, pipelined ${Math.round(batch.ms)} ms.`;
  raceResult.hidden = false;
  raceButton.disabled = false;
} }, 'Compare: pipelined batch vs one at a time');

const resetButton = h('button', { id: 'restart', onclick: async () => {
  session.client?.close();
  await newServer();
  transcript.clear();
  buttons.forEach((button, index) => (button.disabled = index !== 0));
  for (const result of stepList.querySelectorAll('.result')) result.hidden = true;
  stateLine.textContent = '';
  status.textContent = 'A fresh server with the full sample mailbox.';
} }, 'Start again with a fresh mailbox');

app.append(
  h('section', { 'aria-labelledby': 'steps-heading' }, h('h2', { id: 'steps-heading' }, 'The session'),
    h('p', {}, useStls, ' ', h('label', { for: 'use-stls' }, 'Secure the session with STLS (a certificate made in this page)')),
    stepList, resetButton),
  h('section', { 'aria-labelledby': 'race-heading' }, h('h2', { id: 'race-heading' }, 'Pipelining (RFC 2449)'),
    h('p', {}, 'A server announcing PIPELINING lets the client send many commands without waiting for each answer. Over a slow link that saves one round trip per command.'),
    raceButton, raceResult),
  h('section', { 'aria-labelledby': 'wt-transcript-heading' }, h('h2', { id: 'wt-transcript-heading' }, 'Transcript'), transcript.element));

await newServer();
fill(status, 'Ready: the server runs in this page. Start with step 1.');
window.walkthroughReady = true;
