// Step mode of the mail app: after connecting, one button per command; each click sends that
// one command and says how the session's state changed (RFC 1939 §3: AUTHORIZATION, then
// TRANSACTION after a login, then UPDATE at QUIT).
import { h } from '../components/dom.js';
import { COMMAND_NOTES } from '../protocol/command-notes.js';

const STATE_MEANING = {
  AUTHORIZATION: 'AUTHORIZATION: the server waits for a login.',
  TRANSACTION: 'TRANSACTION: logged in; the maildrop is locked for this session.',
  UPDATE: 'UPDATE: the server removes the marked messages and closes.',
  CLOSED: 'CLOSED: the connection is over.',
};

/**
 * @param {import('pop3-wasm').Pop3Client} client
 * @param {{ user: string, password: string, method: string }} login
 * @param {(text: string) => void} say
 */
export function stepMode(client, login, say) {
  const log = h('ol', { class: 'steps', id: 'step-log' });
  const commands = [
    ['login', 'Log in', null, async () => {
      await client.login({ user: login.user, password: login.password, mechanisms: login.method === 'auto' ? undefined : [login.method] });
      return `Logged in with ${client.loginMechanism} (the transcript shows its commands).`;
    }],
    ['stat', 'STAT', 'STAT', async () => { const s = await client.stat(); return `${s.count} messages, ${s.size} octets.`; }],
    ['list', 'LIST', 'LIST', async () => `${(await client.list()).length} messages listed.`],
    ['top', 'TOP 1 0', 'TOP', async () => `${(await client.top(1, 0)).length} octets of headers.`],
    ['retr', 'RETR 1', 'RETR', async () => `${(await client.retrieve(1)).length} octets.`],
    ['dele', 'DELE 1', 'DELE', async () => { await client.delete(1); return 'Message 1 is marked; QUIT would remove it.'; }],
    ['rset', 'RSET', 'RSET', async () => { await client.reset(); return 'Every mark is gone; QUIT would remove nothing.'; }],
    ['noop', 'NOOP', 'NOOP', async () => { await client.noop(); return 'The server answered +OK.'; }],
    ['quit', 'QUIT', 'QUIT', async () => (await client.quit()) || 'Session closed.'],
  ];
  const buttons = commands.map(([id, label, command, run]) =>
    h('button', { id: `step-mode-${id}`, type: 'button', onclick: async () => {
      const before = client.state;
      try {
        const detail = (await run()) ?? '';
        const after = client.state === 'CLOSED' && command === 'QUIT' && before === 'TRANSACTION' ? 'UPDATE' : client.state;
        const change = before === after ? `State stays ${after}.` : `State: ${before} → ${after}. ${STATE_MEANING[after] ?? ''}`;
        log.append(h('li', {}, h('strong', {}, label), ` ${COMMAND_NOTES[command]?.[0] ?? ''} ${detail} ${change}`));
        say(`${label}: done.`);
      } catch (error) {
        log.append(h('li', {}, h('strong', {}, label), ` refused: ${error.code ?? ''} ${error.message} State stays ${client.state}.`));
      }
    } }, label));
  return h('section', { id: 'step-mode', 'aria-labelledby': 'step-mode-heading' },
    h('h2', { id: 'step-mode-heading' }, 'Step mode'),
    h('p', {}, `Connected; state ${client.state}. ${STATE_MEANING[client.state] ?? ''} Send one command at a time:`),
    h('div', { class: 'actions' }, buttons),
    log);
}
