/**
 * `pop3-wasm serve`: the embedded POP3 server on a Maildir or on the sample mailbox, for trying a
 * client or testing mail code by hand. Prints where it listens; stops on SIGINT or SIGTERM.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

import { createServer, MaildirMailboxStore, MemoryMailboxStore, sampleMessages, SAMPLE_PASSWORD, SAMPLE_USER } from '../server-node.js';

export const SERVE_USAGE = `usage:
  pop3-wasm serve [--sample | --maildir DIR] [--listen HOST:PORT] [--tls-listen HOST:PORT]
                  [--cert FILE --key FILE] [--user NAME:PASSWORD]... [--cleartext-login]

  --sample (the default) serves the sample mailbox to sample:sample; --maildir serves DIR's
  new/ and cur/ to every --user (QUIT deletes files). --listen defaults to 127.0.0.1:1110; with
  --cert and --key that port offers STLS, and --tls-listen adds an implicit-TLS port.
  --cleartext-login accepts USER/PASS, PLAIN and LOGIN before TLS. This is a test server:
  passwords on the command line are visible to other users of the machine.`;

const OPTIONS = {
  sample: { type: 'boolean' },
  maildir: { type: 'string' },
  listen: { type: 'string' },
  'tls-listen': { type: 'string' },
  cert: { type: 'string' },
  key: { type: 'string' },
  user: { type: 'string', multiple: true },
  'cleartext-login': { type: 'boolean' },
  help: { type: 'boolean' },
};

class UsageError extends Error {}

function hostPort(text, what) {
  const match = /^(?:(.*):)?(\d+)$/.exec(text);
  const port = match ? Number(match[2]) : NaN;
  if (!match || port > 65535) throw new UsageError(`${what} takes HOST:PORT or PORT, not '${text}'`);
  return { host: match[1]?.replace(/^\[|\]$/g, '') || '127.0.0.1', port };
}

/** Parses serve's arguments into createServer() options. Throws UsageError. */
export function serveOptions(args) {
  const { values } = parseArgs({ args, options: OPTIONS, allowPositionals: false });
  if (values.sample && values.maildir) throw new UsageError('choose --sample or --maildir');
  const users = {};
  for (const entry of values.user ?? []) {
    const colon = entry.indexOf(':');
    if (colon <= 0) throw new UsageError(`--user takes NAME:PASSWORD`);
    users[entry.slice(0, colon)] = entry.slice(colon + 1);
  }
  let store;
  if (values.maildir) {
    if (Object.keys(users).length === 0) throw new UsageError('--maildir needs at least one --user NAME:PASSWORD');
    store = new MaildirMailboxStore(values.maildir);
  } else {
    if (Object.keys(users).length === 0) users[SAMPLE_USER] = SAMPLE_PASSWORD;
    // Every user gets a copy of the sample on first login; deletions last until the server stops.
    const sample = new MemoryMailboxStore();
    const seeded = new Set();
    store = {
      open(user) {
        if (!seeded.has(user)) {
          seeded.add(user);
          for (const message of sampleMessages()) sample.add(user, message);
        }
        return sample.open(user);
      },
    };
  }
  if (Boolean(values.cert) !== Boolean(values.key)) throw new UsageError('--cert and --key go together');
  const tls = values.cert ? { cert: readFileSync(values.cert, 'utf8'), key: readFileSync(values.key, 'utf8') } : undefined;
  const plain = hostPort(values.listen ?? '127.0.0.1:1110', '--listen');
  let implicitTlsPort;
  if (values['tls-listen'] !== undefined) {
    if (!tls) throw new UsageError('--tls-listen needs --cert and --key');
    const secure = hostPort(values['tls-listen'], '--tls-listen');
    if (secure.host !== plain.host) throw new UsageError('--listen and --tls-listen must use the same host');
    implicitTlsPort = secure.port;
  }
  return {
    help: values.help,
    options: {
      users,
      store,
      tls,
      host: plain.host,
      port: plain.port,
      implicitTlsPort,
      capabilities: values['cleartext-login'] ? { allowCleartextWithoutTls: true } : undefined,
    },
  };
}

/** Runs `pop3-wasm serve`; `args` follow the word serve. */
export async function serveCommand(args) {
  let parsed;
  try {
    parsed = serveOptions(args);
  } catch (error) {
    process.stderr.write(`pop3-wasm: ${error.message}\n${SERVE_USAGE}\n`);
    process.exit(2);
  }
  if (parsed.help) {
    process.stdout.write(`${SERVE_USAGE}\n`);
    return;
  }
  const server = createServer(parsed.options);
  server.on('error', ({ error }) => process.stderr.write(`pop3-wasm serve: ${error.message}\n`));
  let addresses;
  try {
    addresses = await server.listen();
  } catch (error) {
    process.stderr.write(`pop3-wasm: ${error.code ? `${error.code}: ` : ''}${error.message}\n`);
    process.exit(1);
  }
  const where = [`pop3://${addresses.host}:${addresses.port}${parsed.options.tls ? ' (STLS)' : ''}`];
  if (addresses.implicitTlsPort !== undefined) where.push(`pop3s://${addresses.host}:${addresses.implicitTlsPort}`);
  process.stdout.write(`listening on ${where.join(' and ')}; users: ${Object.keys(parsed.options.users).join(', ')}\n`);
  const stop = () => server.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
