// `npm run bench`: every benchmark in one run, printed as `name  ours  peer  ratio` rows and
// saved as JSON under bench/results/. `--quick` runs each on tiny sizes in seconds, which
// `npm test` does (tests/js/bench-quick.test.mjs) so that no benchmark can break unnoticed; its
// figures mean nothing and go to bench/results/quick.json.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';

import { formatGoals, judgeGoals } from './goals.mjs';
import { wasmCodecThroughput } from './js/codec-throughput.mjs';
import { bridgeBenchmark, formatBridgeTable } from './js/bridge.mjs';
import { formatRows as formatMimeRows, mimeParseBenchmark } from './js/mime-parse.mjs';
import { retrAllBenchmark } from './js/retr-all.mjs';
import { syncMaildirBenchmark } from './js/sync-maildir.mjs';
import { tlsBenchmark } from './js/tls.mjs';

const quick = process.argv.includes('--quick');
const sizes = quick
  ? { codecMb: 2, retr: { count: 40, delayMs: 2 }, tls: { count: 2, size: 256 * 1024, handshakes: 3, aeadCount: 1 },
      bridge: { rounds: 1, bigCount: 2, bigSize: 256 * 1024, smallCount: 40 }, mime: { rounds: 1, huge: false },
      sync: { counts: [30, 60] } }
  : { codecMb: 50, retr: { count: 2000, delayMs: 10 }, tls: { count: 20 }, bridge: { rounds: 3 }, mime: { rounds: 3 },
      sync: { counts: [2000, 10000, 100000] } };
const rows = [];
const row = (name, ours, peerName, peer, unit, higherIsBetter) => {
  const ratio = higherIsBetter ? ours / peer : peer / ours;
  rows.push({ name, unit, ours, peer: peerName, peerValue: peer, ratio });
  console.log(
    `${name.padEnd(38)} ours ${ours.toFixed(2).padStart(9)} ${unit.padEnd(4)} ${peerName.padEnd(10)} ${peer
      .toFixed(2)
      .padStart(9)} ${unit.padEnd(4)} ratio ${ratio.toFixed(2)}x ${higherIsBetter ? '(ours/peer)' : '(peer time / ours)'}`,
  );
};

console.log(`pop3-wasm benchmarks${quick ? ' (quick mode: tiny sizes, figures meaningless)' : ''}, ${new Date().toISOString()}, ${os.cpus().length} x ${os.cpus()[0].model}, Node ${process.version}\n`);

const native = JSON.parse(execFileSync('build/native/bench/native/codec_throughput', [String(sizes.codecMb)], { encoding: 'utf8' }));
const wasm = await wasmCodecThroughput(sizes.codecMb);
row(`codec: ${sizes.codecMb} MB RETR stream (MB/s)`, wasm.mbPerS, 'native', native.mb_per_s, 'MB/s', true);

const retr = await retrAllBenchmark(sizes.retr);
const ours = retr.results.ours.seconds;
for (const peer of ['node-pop3', 'poplib']) {
  row(`RETR-all ${retr.count.toLocaleString('en')} msgs @ ${retr.rttMs} ms RTT (s)`, ours, peer, retr.results[peer].seconds, 's', false);
}
const bestPeer = ['node-pop3', 'poplib'].reduce((a, b) => (retr.results[a].seconds <= retr.results[b].seconds ? a : b));
row(`RETR-all ${retr.count.toLocaleString('en')} msgs @ ${retr.rttMs} ms, messages() loop (s)`, retr.results['ours-messages'].seconds, bestPeer, retr.results[bestPeer].seconds, 's', false);

const syncRun = await syncMaildirBenchmark(sizes.sync);
for (const r of syncRun.runs) {
  const label = `sync ${r.count.toLocaleString('en')} x ${syncRun.size} B into a Maildir (s)`;
  row(label, r.ours.seconds, 'python', r.python.seconds, 's', false);
  row(label, r.ours.seconds, 'raw fetch', r.raw.seconds, 's', false);
}

const tls = await tlsBenchmark(sizes.tls);
const tlsLabel = `RETR ${tls.count} x ${(tls.size / 1024 / 1024).toFixed(2).replace(/\.?0+$/, '')} MB over TLS (MB/s)`;
row('TLS handshake, implicit, median (ms)', tls.handshakeMs.wasm, 'node tls', tls.handshakeMs.node, 'ms', false);
row(tlsLabel, tls.retrieve.wasm.mbPerS, 'node tls', tls.retrieve.node.mbPerS, 'MB/s', true);
row(tlsLabel, tls.retrieve.wasm.mbPerS, 'curl', tls.retrieve.curl.mbPerS, 'MB/s', true);
row('WASM AEAD: ChaCha20 vs AES-128-GCM (MB/s)', tls.wasmAead.chacha20.mbPerS, 'aes-gcm', tls.wasmAead.aes128gcm.mbPerS, 'MB/s', true);
const size = tls.moduleSize;
console.log(`\nprotocol module (OpenSSL + core + glue): ${(size.raw / 1024).toFixed(0)} KB raw, ${(size.gzip / 1024).toFixed(0)} KB gzip`);
console.log(`WASM TLS cipher: ${tls.retrieve.wasm.cipher}; Node: ${tls.retrieve.node.cipher}`);

const bridge = await bridgeBenchmark(sizes.bridge);
console.log('');
for (const w of bridge.workloads) row(`bridge: ${w.name} (MB/s)`, w.bridge.mbPerS, 'direct', w.direct.mbPerS, 'MB/s', true);
console.log(`\n${formatBridgeTable(bridge)}`);

const mime = await mimeParseBenchmark(sizes.mime);
console.log('');
console.log(formatMimeRows(mime.rows));
rows.push(...mime.rows);

const goals = judgeGoals({ retr, tls, bridge, mime, wasmCodec: wasm, sync: syncRun });
console.log(`\n${formatGoals(goals, { quick })}`);

mkdirSync('bench/results', { recursive: true });
const record = { date: new Date().toISOString(), quick, node: process.version, cpu: os.cpus()[0].model, rows, goals, codec: { native, wasm }, retrAll: retr, syncMaildir: syncRun, tls, bridge, mime };
const file = `bench/results/${quick ? 'quick' : 'latest'}.json`;
writeFileSync(file, JSON.stringify(record, null, 2));
console.log(`\nsaved ${file}`);
