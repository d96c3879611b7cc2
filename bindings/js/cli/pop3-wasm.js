#!/usr/bin/env node
/**
 * pop3-wasm: command-line client.
 *
 *   pop3-wasm fetch pop3s://user@host[:port] --maildir DIR [--keep | --delete | --keep-days N]
 *   pop3-wasm probe pop3s://user@host[:port]
 *   pop3-wasm serve [--sample | --maildir DIR] ...   (serve.js)
 *   pop3-wasm doctor HOST [--user NAME] ...           (doctor.js)
 *
 * The password comes from the POP3_PASSWORD environment variable or a prompt, never from the
 * command line (argv is visible to every user of the machine and lands in shell histories).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

import '../platform-node.js';
import { Pop3Client } from '../pop3-client.js';
import { MaildirStore } from '../stores/maildir-store.js';
import { syncAccount } from '../sync.js';
import { parseAccountUrl, readPassword } from './support.js';
import { ProgressBar } from './progress.js';
import { SERVE_USAGE, serveCommand } from './serve.js';
import { DOCTOR_USAGE, doctorCommand } from './doctor.js';

const USAGE = `usage:
  pop3-wasm fetch <pop3s://user@host[:port] | pop3://user@host[:port]> --maildir DIR
                  [--keep | --delete | --keep-days N] [--max-size BYTES]
                  [--ca FILE] [--tls-engine wasm|node] [--insecure-auth] [--mechanism NAME]...
  pop3-wasm probe <url> [--ca FILE]

  pop3s:// is POP3 over TLS (port 995); pop3:// upgrades with STLS (port 110) and refuses a
  server without it, unless the URL ends in ?tls=none. The password is read from POP3_PASSWORD
  or asked for. --keep (the default) leaves mail on the server; --delete removes it once stored;
  --keep-days N removes it N days after it was first stored.

${SERVE_USAGE.replace(/^usage:\n/, '')}

${DOCTOR_USAGE.replace(/^usage:\n/, '')}`;

const OPTIONS = {
  maildir: { type: 'string' },
  keep: { type: 'boolean' },
  delete: { type: 'boolean' },
  'keep-days': { type: 'string' },
  'max-size': { type: 'string' },
  ca: { type: 'string' },
  'tls-engine': { type: 'string' },
  'insecure-auth': { type: 'boolean' },
  mechanism: { type: 'string', multiple: true },
  quiet: { type: 'boolean' },
  help: { type: 'boolean' },
};

function fail(message, code = 1) {
  process.stderr.write(`pop3-wasm: ${message}\n`);
  process.exit(code);
}

function connectOptions(url, values) {
  return {
    host: url.host,
    port: url.port,
    tls: url.tls,
    ca: values.ca ? readFileSync(values.ca, 'utf8') : undefined,
    tlsEngine: values['tls-engine'],
    allowInsecureAuth: Boolean(values['insecure-auth']),
    timeoutMs: 60_000,
  };
}

function policyFrom(values) {
  const chosen = ['keep', 'delete', 'keep-days'].filter((k) => values[k] !== undefined && values[k] !== false);
  if (chosen.length > 1) fail('choose one of --keep, --delete, --keep-days', 2);
  const policy = { retention: 'keep' };
  if (values.delete) policy.retention = 'delete';
  if (values['keep-days'] !== undefined) {
    const days = Number(values['keep-days']);
    if (!Number.isInteger(days) || days < 0) fail('--keep-days needs a whole number of days', 2);
    policy.retention = 'keep-days';
    policy.keepDays = days;
  }
  if (values['max-size'] !== undefined) policy.maxMessageSize = Number(values['max-size']);
  return policy;
}

async function fetchCommand(url, values) {
  if (!values.maildir) fail('fetch needs --maildir DIR', 2);
  const password = await readPassword(url.user);
  const store = new MaildirStore(values.maildir);
  const bar = values.quiet ? null : new ProgressBar(process.stderr);
  try {
    const result = await syncAccount(
      connectOptions(url, values),
      { user: url.user, password, mechanisms: values.mechanism },
      store,
      policyFrom(values),
      { onProgress: (p) => bar?.update(p) },
    );
    bar?.done();
    for (const warning of result.warnings) process.stderr.write(`warning: ${warning}\n`);
    process.stdout.write(
      `${result.fetched} message(s), ${result.bytes} bytes stored in ${values.maildir}; ${result.deleted} deleted on the server\n`,
    );
  } finally {
    await store.close?.();
  }
}

async function probeCommand(url, values) {
  const client = await Pop3Client.connect(connectOptions(url, values));
  const out = {
    greeting: client.greeting?.text,
    apop: Boolean(client.greeting?.apopTimestamp),
    tls: client.tls,
    capabilities: client.capabilities,
  };
  await client.quit();
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
}

async function main() {
  if (process.argv[2] === 'serve') return serveCommand(process.argv.slice(3));
  if (process.argv[2] === 'doctor') {
    try {
      process.exitCode = await doctorCommand(process.argv.slice(3));
    } catch (error) {
      fail(error.usage ? error.message : `${error.code ?? 'error'}: ${error.message}`, 2);
    }
    return undefined;
  }
  let parsed;
  try {
    parsed = parseArgs({ args: process.argv.slice(2), options: OPTIONS, allowPositionals: true });
  } catch (error) {
    fail(`${error.message}\n${USAGE}`, 2);
  }
  const { values, positionals } = parsed;
  const [command, target] = positionals;
  if (values.help || !command) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (!['fetch', 'probe'].includes(command) || !target) fail(USAGE, 2);
  let url;
  try {
    url = parseAccountUrl(target);
  } catch (error) {
    fail(error.message, 2);
  }
  try {
    if (command === 'fetch') await fetchCommand(url, values);
    else await probeCommand(url, values);
  } catch (error) {
    fail(`${error.code ? `${error.code}: ` : ''}${error.message}`);
  }
}

main();
