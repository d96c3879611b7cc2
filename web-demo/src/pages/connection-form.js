// The connection form of the mail app, prefilled from /demo-config.json for the demo's server.
// Its login-method list is what the server offers on the chosen link: the form asks the server
// (connect, greeting, CAPA, QUIT) whenever host, port, security, bridge or CA change.
import { fill, h } from '../components/dom.js';
import { probeLoginMethods } from '../protocol/login-methods.js';

function field(id, label, input, hint) {
  return h('div', { class: 'field' },
    h('label', { for: id }, label),
    input,
    hint instanceof Node ? hint : hint && h('small', { id: `${id}-hint` }, hint));
}

/**
 * @param {object} config what the demo server published (bridge, host, ports, ca, user, password)
 * @param {(options: object) => void} onSubmit
 */
export function connectionForm(config, onSubmit) {
  const portFor = (security) => (security === 'implicit' ? config.ports.implicitTls : config.ports.plain);
  const host = h('input', { id: 'host', name: 'host', value: config.host, required: true, autocomplete: 'off', 'aria-describedby': 'host-hint' });
  const port = h('input', { id: 'port', name: 'port', type: 'number', min: 1, max: 65535, value: portFor('implicit'), required: true });
  // Listens before probe() does, so the probe sees the new port.
  const security = h('select', { id: 'security', name: 'security', onchange: () => (port.value = portFor(security.value)) },
    h('option', { value: 'implicit' }, 'Implicit TLS (POP3S, like port 995)'),
    h('option', { value: 'starttls' }, 'STLS on the plain port (like port 110)'),
    h('option', { value: 'none' }, 'None (unencrypted; password logins refused)'));
  // Each choice is one mechanism, or 'auto': the library then picks the strongest the server
  // announced. Filled in by probe().
  const method = h('select', { id: 'method', name: 'method', 'aria-describedby': 'method-hint' });
  const offers = h('small', { id: 'method-hint', 'aria-live': 'polite' });
  const user = h('input', { id: 'user', name: 'user', value: config.user, autocomplete: 'username', required: true });
  const password = h('input', { id: 'password', name: 'password', type: 'password', value: config.password, autocomplete: 'current-password' });
  const bridge = h('input', { id: 'bridge', name: 'bridge', value: config.bridge, required: true });
  const ca = h('textarea', { id: 'ca', name: 'ca', rows: 3, 'aria-describedby': 'ca-hint' });
  ca.value = config.ca;
  const stepBox = h('input', { type: 'checkbox', id: 'step', name: 'step' });
  const link = () => ({ host: host.value.trim(), port: Number(port.value), tls: security.value, bridge: bridge.value.trim(), ca: ca.value.trim() ? [ca.value] : undefined });

  // Only the newest probe may fill the list: an older one can finish later.
  let probes = 0;
  async function probe() {
    const ticket = ++probes;
    const target = link();
    const chosen = method.value;
    fill(method, h('option', { value: 'auto' }, 'Best the server offers'));
    method.setAttribute('aria-busy', 'true');
    offers.textContent = `Asking ${target.host}:${target.port} which login methods it offers...`;
    let result;
    try {
      result = await probeLoginMethods(target);
    } catch (error) {
      if (ticket === probes) offers.textContent = `Could not ask the server: ${error.code ?? 'ERROR'}: ${error.message}`;
      return;
    } finally {
      if (ticket === probes) method.removeAttribute('aria-busy');
    }
    if (ticket !== probes) return;
    method.append(...result.methods.map((m) =>
      h('option', { value: m.name, disabled: !m.usable, class: m.unsafe ? 'unsafe' : undefined, selected: m.name === chosen && m.usable }, `${m.name} (${m.description})`)));
    offers.textContent = `${target.host}:${target.port} offers ${result.methods.map((m) => m.name).join(', ') || 'no login method'}`
      + (result.secure ? ' (asked over TLS).' : '. This link is not encrypted: methods that would send the password are marked unsafe.');
  }
  for (const input of [host, port, security, bridge, ca]) input.addEventListener('change', probe);

  const form = h('form', { class: 'connection-form', 'aria-labelledby': 'connect-heading' },
    h('h2', { id: 'connect-heading' }, 'Connect'),
    h('div', { class: 'grid' },
      field('host', 'Server host', host, config.allowed?.length ? `The bridge also reaches: ${config.allowed.join(', ')}` : 'The bridge reaches only the demo server (npm start -- --allow HOST:PORT adds more).'),
      field('port', 'Port', port),
      field('security', 'Security', security),
      field('method', 'Login method', method, offers),
      field('user', 'User', user),
      field('password', 'Password', password),
      field('bridge', 'Bridge URL', bridge)),
    field('ca', 'Trusted CA (PEM)', ca, 'The demo server\'s certificate comes from a CA made when npm start began.'),
    h('p', {}, stepBox, ' ', h('label', { for: 'step' }, 'Step mode: connect only, then send one command per click')),
    h('button', { type: 'submit', id: 'connect' }, 'Connect'));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    onSubmit({ ...link(), method: method.value, user: user.value, password: password.value, step: stepBox.checked });
  });
  probe();
  return form;
}
