// The connection form of the mail app, prefilled from /demo-config.json for the demo's server.
import { h } from '../components/dom.js';

const LOGIN_METHODS = [
  ['SCRAM-SHA-256', 'SASL SCRAM-SHA-256 (password never sent)'],
  ['SCRAM-SHA-1', 'SASL SCRAM-SHA-1'],
  ['CRAM-MD5', 'SASL CRAM-MD5'],
  ['PLAIN', 'SASL PLAIN (password inside TLS)'],
  ['LOGIN', 'SASL LOGIN'],
  ['APOP', 'APOP (MD5 digest of the greeting)'],
  ['USER', 'USER / PASS'],
];

function field(id, label, input, hint) {
  return h('div', { class: 'field' },
    h('label', { for: id }, label),
    input,
    hint && h('small', { id: `${id}-hint` }, hint));
}

/**
 * @param {object} config what the demo server published (bridge, host, ports, ca, user, password)
 * @param {(options: object) => void} onSubmit
 */
export function connectionForm(config, onSubmit) {
  const portFor = (security) => (security === 'implicit' ? config.ports.implicitTls : config.ports.plain);
  const host = h('input', { id: 'host', name: 'host', value: config.host, required: true, autocomplete: 'off', 'aria-describedby': 'host-hint' });
  const port = h('input', { id: 'port', name: 'port', type: 'number', min: 1, max: 65535, value: portFor('implicit'), required: true });
  const security = h('select', { id: 'security', name: 'security', onchange: () => (port.value = portFor(security.value)) },
    h('option', { value: 'implicit' }, 'Implicit TLS (POP3S, like port 995)'),
    h('option', { value: 'starttls' }, 'STLS on the plain port (like port 110)'),
    h('option', { value: 'none' }, 'None (unencrypted; password logins refused)'));
  // Each choice is one mechanism, or 'auto': the library then picks the strongest the server
  // announced (the capability report after connecting lists them).
  const method = h('select', { id: 'method', name: 'method' },
    h('option', { value: 'auto' }, 'Best the server offers'),
    LOGIN_METHODS.map(([value, label]) => h('option', { value }, label)));
  const user = h('input', { id: 'user', name: 'user', value: config.user, autocomplete: 'username', required: true });
  const password = h('input', { id: 'password', name: 'password', type: 'password', value: config.password, autocomplete: 'current-password' });
  const bridge = h('input', { id: 'bridge', name: 'bridge', value: config.bridge, required: true });
  const ca = h('textarea', { id: 'ca', name: 'ca', rows: 3, 'aria-describedby': 'ca-hint' });
  ca.value = config.ca;
  const stepBox = h('input', { type: 'checkbox', id: 'step', name: 'step' });
  const form = h('form', { class: 'connection-form', 'aria-labelledby': 'connect-heading' },
    h('h2', { id: 'connect-heading' }, 'Connect'),
    h('div', { class: 'grid' },
      field('host', 'Server host', host, config.allowed?.length ? `The bridge also reaches: ${config.allowed.join(', ')}` : 'The bridge reaches only the demo server (npm start -- --allow HOST:PORT adds more).'),
      field('port', 'Port', port),
      field('security', 'Security', security),
      field('method', 'Login method', method),
      field('user', 'User', user),
      field('password', 'Password', password),
      field('bridge', 'Bridge URL', bridge)),
    field('ca', 'Trusted CA (PEM)', ca, 'The demo server\'s certificate comes from a CA made when npm start began.'),
    h('p', {}, stepBox, ' ', h('label', { for: 'step' }, 'Step mode: connect only, then send one command per click')),
    h('button', { type: 'submit', id: 'connect' }, 'Connect'));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    onSubmit({
      host: host.value.trim(),
      port: Number(port.value),
      tls: security.value,
      method: method.value,
      user: user.value,
      password: password.value,
      bridge: bridge.value.trim(),
      ca: ca.value.trim() ? [ca.value] : undefined,
      step: stepBox.checked,
    });
  });
  return form;
}
