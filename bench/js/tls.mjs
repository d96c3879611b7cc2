// TLS benchmarks, in one run against local Dovecot servers over implicit TLS:
//  - handshake time: the WASM engine vs Node's tls (connect + greeting, no CAPA)
//  - RETR of 20 x 5 MB: the WASM engine vs Node's tls vs curl (pop3s://, one connection)
//  - AEAD speed in WASM: ChaCha20-Poly1305 vs AES-128-GCM (the server forces the suite), which
//    decides the client's preference order (core/src/tls/ssl_context.cpp)
// (The modules' sizes are measured by wasm-startup.mjs.)
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

import { Pop3Client } from '../../bindings/js/node.js';
import { startDovecot } from '../../tests/harness/dovecot.mjs';
import { testPki } from '../../tests/harness/test-pki.mjs';
import { largeMessage } from '../../tests/fixtures/messages.mjs';

const run = promisify(execFile);

async function handshakeMs(port, tlsEngine, ca, rounds = 40) {
  const times = [];
  for (let i = 0; i < rounds; i++) {
    const start = performance.now();
    const client = await Pop3Client.connect({ host: 'localhost', port, tls: 'implicit', tlsEngine, ca, capa: false });
    times.push(performance.now() - start);
    client.close();
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];  // median
}

async function retrieveAll(port, tlsEngine, ca, count) {
  const start = performance.now();
  const client = await Pop3Client.connect({ host: 'localhost', port, tls: 'implicit', tlsEngine, ca, timeoutMs: 120_000 });
  await client.login({ user: 'bench', password: 'bench-pw', method: 'user' });
  let bytes = 0;
  for (let n = 1; n <= count; n++) {
    for await (const chunk of client.retrieveStream(n)) bytes += chunk.length;
  }
  const cipher = client.tls.cipher;
  await client.quit();
  return { seconds: (performance.now() - start) / 1000, bytes, cipher };
}

async function curlAll(port, caFile, count) {
  const urls = Array.from({ length: count }, (_, i) => `pop3s://localhost:${port}/${i + 1}`);
  const start = performance.now();
  const { stdout } = await run(
    'curl',
    ['-s', '--cacert', caFile, '-u', 'bench:bench-pw', '-w', '%{size_download}\n', ...urls.flatMap((u) => [u, '-o', '/dev/null'])],
    { maxBuffer: 1 << 20 },
  );
  const bytes = stdout.trim().split('\n').reduce((n, line) => n + Number(line), 0);
  return { seconds: (performance.now() - start) / 1000, bytes };
}

export async function tlsBenchmark({ count = 20, size = 5 * 1024 * 1024, handshakes = 40, aeadCount = 4 } = {}) {
  const pki = testPki();
  const messages = Array.from({ length: count }, (_, i) => largeMessage(size, 100 + i));
  const users = { bench: { password: 'bench-pw', messages } };
  const forced = (suite, list) =>
    `ssl_prefer_server_ciphers = yes\nssl_cipher_suites = ${suite}\nssl_cipher_list = ${list}`;
  const [plain, chacha, aes] = await Promise.all([
    startDovecot({ users, tls: pki.server }),
    startDovecot({ users, tls: { ...pki.server, extra: forced('TLS_CHACHA20_POLY1305_SHA256', 'ECDHE-ECDSA-CHACHA20-POLY1305') } }),
    startDovecot({ users, tls: { ...pki.server, extra: forced('TLS_AES_128_GCM_SHA256', 'ECDHE-ECDSA-AES128-GCM-SHA256') } }),
  ]);
  try {
    const ca = pki.caPem;
    const result = {
      count,
      size,
      handshakeMs: {
        wasm: await handshakeMs(plain.pop3sPort, 'wasm', ca, handshakes),
        node: await handshakeMs(plain.pop3sPort, 'node', ca, handshakes),
      },
      retrieve: {
        wasm: await retrieveAll(plain.pop3sPort, 'wasm', ca, count),
        node: await retrieveAll(plain.pop3sPort, 'node', ca, count),
        curl: await curlAll(plain.pop3sPort, pki.file('ca.pem'), count),
      },
      wasmAead: {
        chacha20: await retrieveAll(chacha.pop3sPort, 'wasm', ca, aeadCount),
        aes128gcm: await retrieveAll(aes.pop3sPort, 'wasm', ca, aeadCount),
      },
    };
    for (const [name, r] of Object.entries({ ...result.retrieve, ...result.wasmAead })) {
      r.mbPerS = r.bytes / r.seconds / 1e6;
      // A sanity check against a cut-short run (curl's count differs from ours by its line ends).
      if (r.bytes < 0.98 * (name.startsWith('chacha') || name.startsWith('aes') ? aeadCount : count) * size) {
        throw new Error(`${name} fetched only ${r.bytes} bytes`);
      }
    }
    return result;
  } finally {
    await Promise.all([plain.stop(), chacha.stop(), aes.stop()]);
  }
}
