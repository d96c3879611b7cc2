// The cross-language contract (error codes, session states, event kinds) has one source,
// scripts/contract/contract.json; C++, JS, the types and docs/error-codes.md are generated from
// it. These tests fail when a generated file is stale or something bypasses the generated lists.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

import { ErrorCode, Pop3Client } from '../../bindings/js/node.js';
import { startSampleServer } from '../harness/sample-server.mjs';

const read = (path) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
const contract = JSON.parse(read('scripts/contract/contract.json'));

test('every generated file is current', () => {
  const script = new URL('../../scripts/generate-contract.mjs', import.meta.url).pathname;
  expect(() => execFileSync(process.execPath, [script, '--check'], { stdio: 'pipe' })).not.toThrow();
});

test('ErrorCode, the ErrorCodeName type and the docs list exactly the contract codes', () => {
  const names = contract.errorCodes.map((c) => c.name);
  expect(new Set(names).size).toBe(names.length);
  expect(Object.keys(ErrorCode)).toEqual(names);
  expect(Object.entries(ErrorCode).filter(([key, value]) => key !== value)).toEqual([]);
  const union = /export type ErrorCodeName =([\s\S]+?)export type/.exec(read('bindings/js/generated/contract.d.ts'))[1];
  expect([...union.matchAll(/'([A-Z_]+)'/g)].map((m) => m[1])).toEqual(names);
  const docs = read('docs/error-codes.md');
  for (const name of names) expect(docs).toContain(`| \`${name}\` |`);
  // index.d.ts takes the generated types instead of a list of its own.
  expect(read('bindings/js/index.d.ts')).not.toMatch(/\|\s*'INVALID_ARGUMENT'/);
});

test('the core names its codes and states only through the generated X-macros', () => {
  expect(read('core/src/error.cpp')).not.toMatch(/return "(?!UNKNOWN")[A-Z_]{4,}";/);
  expect(read('core/src/protocol/client_state.cpp')).not.toMatch(/return "(GREETING|TRANSACTION)";/);
  expect(read('core/include/pop3/error.hpp')).toContain('#include "pop3/generated/error_codes.inc"');
});

test('a live session reports its states by the contract names', async () => {
  const server = await startSampleServer();
  try {
    const client = await Pop3Client.connect({ host: 'localhost', port: server.port, tls: 'starttls', ca: server.pki.caPem });
    const states = contract.sessionStates.map((s) => s.name);
    expect(states).toContain(client.state);
    expect(client.state).toBe('AUTHORIZATION');
    await client.login({ user: 'sample', password: 'sample' });
    expect(client.state).toBe('TRANSACTION');
    await client.quit();
    expect(states).toContain(client.state);
  } finally {
    await server.close();
  }
});
