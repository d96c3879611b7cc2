// sync() plans with the capabilities the core's session learnt (EXPIRE here), read in the core
// from the client's own connection rather than from a JS copy: a server that expires retrieved
// mail after 3 days makes a "keep" or "keep 10 days" policy warn, a "keep 2 days" one not.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { syncAccount } from '../../bindings/js/node.js';
import { MaildirStore } from '../../bindings/js/stores/maildir-store.js';
import { startSampleServer } from '../harness/sample-server.mjs';

let work;
let server;
beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'pop3-wasm-expire-'));
  server = await startSampleServer({ capabilities: { expire: 3 } });
});
afterAll(async () => {
  await server?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

test.each([
  [{ retention: 'keep' }, true],
  [{ retention: 'keep-days', keepDays: 10 }, true],
  [{ retention: 'keep-days', keepDays: 2 }, false],
])('with EXPIRE 3 announced, policy %j warns: %s', async (policy, warns) => {
  const store = await MaildirStore.open(path.join(work, `maildir-${policy.retention}-${policy.keepDays ?? 0}`));
  try {
    const options = { host: 'localhost', port: server.port, tls: 'starttls', ca: server.pki.caPem };
    const result = await syncAccount(options, { user: 'sample', password: 'sample' }, store, policy);
    expect(result.fetched).toBeGreaterThan(0);
    const expireWarnings = result.warnings.filter((w) => /after 3 days \(EXPIRE\)/.test(w));
    expect(expireWarnings).toHaveLength(warns ? 1 : 0);
  } finally {
    await store.close();
  }
});
