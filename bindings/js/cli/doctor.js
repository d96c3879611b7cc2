/**
 * `pop3-wasm doctor HOST`: diagnose() as a command. The password comes from POP3_PASSWORD or a
 * prompt, and only when --user is given.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

import { diagnose } from '../diagnose.js';
import { readPassword } from './support.js';

export const DOCTOR_USAGE = `usage:
  pop3-wasm doctor HOST [--user NAME] [--ca FILE] [--pop3-port N] [--pop3s-port N] [--json]

  Tries POP3S (995), STLS (110) and plain POP3 (110), says what each gives in words (certificate
  problems, capabilities, which login methods are safe on each link), tries the password with
  every method the best encrypted way offers when --user is given (password from POP3_PASSWORD
  or asked for), and recommends one setting.`;

export async function doctorCommand(args) {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      user: { type: 'string' },
      ca: { type: 'string' },
      'pop3-port': { type: 'string' },
      'pop3s-port': { type: 'string' },
      json: { type: 'boolean' },
    },
  });
  const [host] = positionals;
  if (!host) throw Object.assign(new Error(DOCTOR_USAGE), { usage: true });
  const port = (name) => (values[name] === undefined ? undefined : Number(values[name]));
  const diagnosis = await diagnose({
    host,
    user: values.user,
    password: values.user ? await readPassword(values.user) : undefined,
    ca: values.ca ? readFileSync(values.ca, 'utf8') : undefined,
    ports: { pop3: port('pop3-port'), pop3s: port('pop3s-port') },
  });
  process.stdout.write(values.json ? `${JSON.stringify(diagnosis, null, 2)}\n` : `${diagnosis.report}\n`);
  return diagnosis.recommendation ? 0 : 1;
}
