// `npm run bench`: every benchmark in one run, printed as `name  ours  peer  ratio` rows, saved as
// JSON under bench/results/ and drawn as one SVG bar chart per row name into docs/benchmarks/
// (docs/benchmarks.md embeds them). `--quick` runs each on tiny sizes in seconds, which
// `npm test` does (tests/js/bench-quick.test.mjs) so that no benchmark can break unnoticed; its
// figures mean nothing and go to bench/results/quick.json, its charts to bench/results/quick/.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';

import { formatGoals, judgeGoals } from './goals.mjs';
import { wasmCodecThroughput } from './js/codec-throughput.mjs';
import { bridgeBenchmark, formatBridgeTable } from './js/bridge.mjs';
import { formatRows as formatMimeRows, mimeParseBenchmark } from './js/mime-parse.mjs';
import { bigMessageBenchmark } from './js/big-message.mjs';
import { browserFetchBenchmark } from './js/browser-fetch.mjs';
import { loginLatencyBenchmark } from './js/login-latency.mjs';
import { RETR_PEERS, retrAllBenchmark } from './js/retr-all.mjs';
import { syncMaildirBenchmark } from './js/sync-maildir.mjs';
import { renderBarChart } from './js/svg-chart.mjs';
import { tlsBenchmark } from './js/tls.mjs';
import { wasmStartupBenchmark } from './js/wasm-startup.mjs';

const quick = process.argv.includes('--quick');
const sizes = quick
  ? { codecMb: 2, retr: { count: 40, delaysMs: [0, 2, 5] }, login: { rounds: 3 }, browser: { count: 40, delayMs: 1 }, big: { megabytes: 2, count: 3, size: 256 * 1024 }, startup: { samples: 1 }, tls: { count: 2, size: 256 * 1024, handshakes: 3, aeadCount: 1 },
      bridge: { rounds: 1, bigCount: 2, bigSize: 256 * 1024, smallCount: 40 }, mime: { rounds: 1, huge: false },
      sync: { counts: [30, 60] } }
  : { codecMb: 50, retr: { count: 2000, delaysMs: [0, 10, 50] }, login: { rounds: 50 }, browser: { count: 2000, delayMs: 10 }, big: { megabytes: 100, count: 20, size: 5 * 1024 * 1024 }, startup: { samples: 5 }, tls: { count: 20 }, bridge: { rounds: 7 }, mime: { rounds: 3 },
      sync: { counts: [2000, 10000, 100000], rounds: 3 } };
const rows = [];
// `oursLabel`: what the chart calls our bar when it is not simply pop3-wasm (a flavour, a route).
const row = (name, ours, peerName, peer, unit, higherIsBetter, oursLabel = 'pop3-wasm') => {
  const ratio = higherIsBetter ? ours / peer : peer / ours;
  rows.push({ name, unit, ours, peer: peerName, peerValue: peer, ratio, higherIsBetter, oursLabel });
  console.log(
    `${name.padEnd(38)} ours ${ours.toFixed(2).padStart(9)} ${unit.padEnd(4)} ${peerName.padEnd(10)} ${peer
      .toFixed(2)
      .padStart(9)} ${unit.padEnd(4)} ratio ${ratio.toFixed(2)}x ${higherIsBetter ? '(ours/peer)' : '(peer/ours: lower is better)'}`,
  );
};

console.log(`pop3-wasm benchmarks${quick ? ' (quick mode: tiny sizes, figures meaningless)' : ''}, ${new Date().toISOString()}, ${os.cpus().length} x ${os.cpus()[0].model}, Node ${process.version}\n`);

const native = JSON.parse(execFileSync('build/native/bench/native/codec_throughput', [String(sizes.codecMb)], { encoding: 'utf8' }));
const wasm = await wasmCodecThroughput(sizes.codecMb);
row(`codec: ${sizes.codecMb} MB RETR stream (MB/s)`, wasm.mbPerS, 'native', native.mb_per_s, 'MB/s', true);

// 2,000 small messages at each RTT; the goals are judged at 20 ms (the middle one).
const retrRuns = [];
for (const delayMs of sizes.retr.delaysMs) {
  const retr = await retrAllBenchmark({ count: sizes.retr.count, delayMs });
  retrRuns.push(retr);
  const label = `RETR-all ${retr.count.toLocaleString('en')} msgs @ ${retr.rttMs} ms RTT`;
  for (const peer of RETR_PEERS) row(`${label} (s)`, retr.results.ours.seconds, peer, retr.results[peer].seconds, 's', false);
  const bestPeer = RETR_PEERS.reduce((a, b) => (retr.results[a].seconds <= retr.results[b].seconds ? a : b));
  row(`${label}, messages() loop (s)`, retr.results['ours-messages'].seconds, bestPeer, retr.results[bestPeer].seconds, 's', false);
}
const retr = retrRuns[1];

const browserFetch = await browserFetchBenchmark(sizes.browser);
{
  const label = `Chromium via the bridge: ${browserFetch.count.toLocaleString('en')} msgs @ ${browserFetch.rttMs} ms RTT`;
  const r = browserFetch.results;
  row(`${label}, Promise.all (s)`, r['chromium-all'].seconds, 'Node direct', r['node-all'].seconds, 's', false);
  row(`${label}, messages() loop (s)`, r['chromium-loop'].seconds, 'Node direct', r['node-loop'].seconds, 's', false);
  row(`${label}, messages() + parse each (s)`, r['chromium-parse'].seconds, 'fetch alone', r['chromium-loop'].seconds, 's', false);
}

const login = await loginLatencyBenchmark(sizes.login);
for (const peer of ['node-pop3', 'poplib']) {
  row('connect+login+STAT+QUIT, median (ms)', login.results.ours.ms, peer, login.results[peer].ms, 'ms', false);
}

const big = await bigMessageBenchmark(sizes.big);
const manyLabel = `${big.many.count} x ${(big.many.size / 1024 / 1024).toFixed(2).replace(/\.?0+$/, '')} MB, messages() loop`;
row(`one ${big.megabytes} MB message, retrieveStream (s)`, big.ours.seconds, 'curl', big.curl.seconds, 's', false);
row(`one ${big.megabytes} MB message, peak RSS (MB)`, big.ours.peakRssMb, 'curl', big.curl.peakRssMb, 'MB', false);
row(`one ${big.megabytes} MB message, borrowChunks (s)`, big.borrowed.seconds, 'curl', big.curl.seconds, 's', false);
row(`one ${big.megabytes} MB message, borrowChunks, peak RSS (MB)`, big.borrowed.peakRssMb, 'curl', big.curl.peakRssMb, 'MB', false);
row(`${manyLabel} (s)`, big.many.ours.seconds, 'curl', big.many.curl.seconds, 's', false);
row(`${manyLabel}, peak RSS (MB)`, big.many.ours.peakRssMb, 'curl', big.many.curl.peakRssMb, 'MB', false);
console.log(
  `  one-session baseline (log in, STAT): peak RSS ${big.baseline.peakRssMb.toFixed(1)} MB; streaming the ${big.megabytes} MB message added ${(big.ours.peakRssMb - big.baseline.peakRssMb).toFixed(1)} MB (borrowed chunks ${(big.borrowed.peakRssMb - big.baseline.peakRssMb).toFixed(1)} MB), the messages() loop ${(big.many.ours.peakRssMb - big.baseline.peakRssMb).toFixed(1)} MB; WASM heap ${big.baseline.wasmHeapMb.toFixed(1)} MB before, ${big.ours.wasmHeapMb.toFixed(1)} and ${big.many.ours.wasmHeapMb.toFixed(1)} MB after`,
);

const startup = await wasmStartupBenchmark(sizes.startup);
const kb = (n) => n / 1024;
row('protocol module download, gzip -9 (KB)', kb(startup.sizes.lite.gzip), 'pop3-core', kb(startup.sizes.full.gzip), 'KB', false, 'pop3-core-lite');
row('WASM compile+instantiate, Node loadCore() (ms)', startup.node.lite.ms, 'pop3-core', startup.node.full.ms, 'ms', false, 'pop3-core-lite');
row('WASM compile+instantiate, Chromium streaming (ms)', startup.chromium.lite.ms, 'pop3-core', startup.chromium.full.ms, 'ms', false, 'pop3-core-lite');
for (const [name, size] of Object.entries(startup.sizes)) {
  console.log(`  ${name.padEnd(5)} module: .wasm ${kb(size.wasmRaw).toFixed(0)} KB raw / ${kb(size.wasmGzip).toFixed(1)} KB gzip, glue ${kb(size.glueRaw).toFixed(0)} KB raw / ${kb(size.glueGzip).toFixed(1)} KB gzip, together ${kb(size.gzip).toFixed(1)} KB gzip`);
}

const syncRun = await syncMaildirBenchmark(sizes.sync);
for (const r of syncRun.runs) {
  const label = `sync ${r.count.toLocaleString('en')} x ${syncRun.size} B into a Maildir (s)`;
  row(label, r.ours.seconds, 'python', r.python.seconds, 's', false);
  row(label, r.ours.seconds, 'raw fetch', r.raw.seconds, 's', false);
}
const range = (r) => `${r.min.toFixed(2)}-${r.max.toFixed(2)} s`;
console.log(`  sync: medians of ${syncRun.rounds} round(s); ranges: ${syncRun.runs.map((r) => `${r.count}: ours ${range(r.ours)}, python ${range(r.python)}, raw ${range(r.raw)}`).join('; ')}`);

const tls = await tlsBenchmark(sizes.tls);
const tlsLabel = `RETR ${tls.count} x ${(tls.size / 1024 / 1024).toFixed(2).replace(/\.?0+$/, '')} MB over TLS (MB/s)`;
row('TLS handshake, implicit, median (ms)', tls.handshakeMs.wasm, 'node tls', tls.handshakeMs.node, 'ms', false);
row(tlsLabel, tls.retrieve.wasm.mbPerS, 'node tls', tls.retrieve.node.mbPerS, 'MB/s', true);
row(tlsLabel, tls.retrieve.wasm.mbPerS, 'curl', tls.retrieve.curl.mbPerS, 'MB/s', true);
row('WASM AEAD: ChaCha20 vs AES-128-GCM (MB/s)', tls.wasmAead.chacha20.mbPerS, 'aes-gcm', tls.wasmAead.aes128gcm.mbPerS, 'MB/s', true);
console.log(`\nWASM TLS cipher: ${tls.retrieve.wasm.cipher}; Node: ${tls.retrieve.node.cipher}`);

const bridge = await bridgeBenchmark(sizes.bridge);
console.log('');
for (const w of bridge.workloads) row(`bridge: ${w.name} (MB/s)`, w.bridge.mbPerS, 'direct', w.direct.mbPerS, 'MB/s', true);
console.log(`\n${formatBridgeTable(bridge)}`);

const mime = await mimeParseBenchmark(sizes.mime);
console.log('');
console.log(formatMimeRows(mime.rows));
rows.push(...mime.rows);

const goals = judgeGoals({ retr, tls, bridge, mime, wasmCodec: wasm, startup, sync: syncRun, big });
console.log(`\n${formatGoals(goals, { quick })}`);

mkdirSync('bench/results', { recursive: true });
const record = { date: new Date().toISOString(), quick, node: process.version, cpu: os.cpus()[0].model, rows, goals, codec: { native, wasm }, retrAll: retrRuns, browserFetch, syncMaildir: syncRun, login, bigMessage: big, startup, tls, bridge, mime };
const file = `bench/results/${quick ? 'quick' : 'latest'}.json`;
writeFileSync(file, JSON.stringify(record, null, 2));
console.log(`\nsaved ${file}`);

// One chart per row name: our figure and every peer's from the rows of that name.
const chartDir = quick ? 'bench/results/quick' : 'docs/benchmarks';
rmSync(chartDir, { recursive: true, force: true });
mkdirSync(chartDir, { recursive: true });
const charts = new Map();
for (const r of rows) {
  const chart = charts.get(r.name) ?? { title: r.name, unit: r.unit, higherIsBetter: r.higherIsBetter ?? true, bars: [{ label: r.oursLabel ?? 'pop3-wasm', value: r.ours, ours: true }] };
  chart.bars.push({ label: r.peer, value: r.peerValue });
  charts.set(r.name, chart);
}
for (const [name, chart] of charts) writeFileSync(`${chartDir}/${chartFileName(name)}`, renderBarChart(chart));
console.log(`drew ${charts.size} charts in ${chartDir}/`);

/** A stable file name for a row name, e.g. 'RETR-all 2,000 msgs @ 20 ms RTT (s)' -> 'retr-all-2000-msgs-20-ms-rtt.svg'. */
function chartFileName(name) {
  return `${name.toLowerCase().replace(/\([^)]*\)$/, '').replace(/,(?=\d)/g, '').replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')}.svg`;
}
