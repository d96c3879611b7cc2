#!/usr/bin/env node
// `npm start`: the embedded POP3 server with the sample mailbox (plain+STLS and implicit TLS),
// the WebSocket bridge allowed to reach only that server (and any --allow HOST:PORT), and the
// web demo with its config, all on loopback. Prints one URL; Ctrl-C stops everything.
//
//   node web-demo/server/start.mjs [--port N] [--allow HOST:PORT ...] [--allow-private HOST:PORT ...] [--rebuild]
//
// --allow rules are the bridge's: their targets must resolve to public addresses. A server on
// this machine or the local network needs --allow-private (the bridge CLI's flag of that name).
import { parseArgs } from 'node:util';

import { createBridge } from 'pop3-wasm/bridge';
import { createServer, sampleMailboxStore, SAMPLE_USER, SAMPLE_PASSWORD } from 'pop3-wasm/server';

import { buildAppIfNeeded, OUT_DIR } from './build-app.mjs';
import { startStaticSite } from './static-site.mjs';
import { makeThrowawayPki } from './throwaway-pki.mjs';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    allow: { type: 'string', multiple: true, default: [] },
    'allow-private': { type: 'string', multiple: true, default: [] },
    rebuild: { type: 'boolean', default: false },
  },
});
const note = (line) => process.stderr.write(`${line}\n`);

await buildAppIfNeeded({ force: values.rebuild, log: note });

const pki = makeThrowawayPki();
const pop3 = createServer({
  store: sampleMailboxStore(SAMPLE_USER),
  users: { [SAMPLE_USER]: SAMPLE_PASSWORD },
  tls: { cert: pki.cert, key: pki.key },
  host: '127.0.0.1',
  port: 0,
  implicitTlsPort: 0,
});
const { port: plainPort, implicitTlsPort } = await pop3.listen();

let bridge;
const site = await startStaticSite({
  root: OUT_DIR,
  port: Number(values.port),
  config: () => ({
    bridge: `ws://127.0.0.1:${bridge.server.address().port}/`,
    host: '127.0.0.1',
    ports: { plain: plainPort, implicitTls: implicitTlsPort },
    ca: pki.ca,
    user: SAMPLE_USER,
    password: SAMPLE_PASSWORD,
    allowed: [...values.allow, ...values['allow-private']],
  }),
});
bridge = createBridge({
  // Loopback is private: the embedded server needs allowPrivate, and nothing else gets it.
  allow: [{ host: '127.0.0.1', ports: [plainPort, implicitTlsPort], allowPrivate: true }, ...values.allow],
  allowPrivate: values['allow-private'],
  origins: [site.origin, site.origin.replace('127.0.0.1', 'localhost')],
  log: (record) => {
    if (record.event === 'error') note(`bridge: ${JSON.stringify(record)}`);
  },
});
await bridge.listen(0, '127.0.0.1');

process.stdout.write(`pop3-wasm demo: ${site.origin}/\n`);

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  await Promise.allSettled([bridge.close({ drainMs: 0 }), pop3.close(), site.close()]);
  pki.dispose();
  process.exit(0);
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
