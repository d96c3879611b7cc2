// The cost of the WebSocket bridge: RETR of every message from Dovecot through the bridge
// (node-bridge/cli.js in its own process, as deployed) and over direct TCP, in one run, for
// 20 x 5 MB and for 2,000 small messages. Rounds alternate between the two paths and the median
// of each is kept, with the spread of the per-round losses (each round's bridge session against
// the direct session next to it) and the CPU time each path costs: the client's (this process)
// and the bridge process's, steadier than wall time on a busy machine. Goal: the bridge within 5%
// of direct TCP (docs/bridge.md, "Throughput", has the profile).
//
//   node bench/js/bridge.mjs            prints the table
//   import { bridgeBenchmark } ...      returns the figures (bench/run.mjs)
import { fileURLToPath } from 'node:url';

import { Pop3Client } from '../../bindings/js/node.js';
import { cpuMs } from '../../tests/harness/bridge-process.mjs';
import { startBridgeCli } from '../../tests/harness/bridge.mjs';
import { startDovecot, toWire } from '../../tests/harness/dovecot.mjs';
import { testPki } from '../../tests/harness/test-pki.mjs';
import { fixtureMessages, largeMessage } from '../../tests/fixtures/messages.mjs';

function smallMessages(count) {
  const fixtures = fixtureMessages().map((f) => f.bytes);
  return Array.from({ length: count }, (_, i) => Buffer.concat([Buffer.from(`X-Sequence: ${i + 1}\n`), fixtures[i % fixtures.length]]));
}

// One RETR-all session: connect, log in, LIST (+UIDL), every RETR pipelined, QUIT.
async function retrieveAll({ bridge, port, user, tls, ca }) {
  const start = performance.now();
  const client = await Pop3Client.connect({
    host: tls ? 'localhost' : '127.0.0.1', port, bridge, timeoutMs: 120_000, ...(tls ? { tls: 'implicit', tlsEngine: 'wasm', ca } : { tls: 'none', allowInsecureAuth: true }),
  });
  await client.login({ user, password: `${user}-pw`, method: 'user' });
  const list = await client.list();
  const bodies = await Promise.all(list.map((m) => client.retrieve(m.number)));
  await client.quit();
  return { seconds: (performance.now() - start) / 1000, bytes: bodies.reduce((n, b) => n + b.length, 0), count: bodies.length };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/**
 * @param {{rounds?: number, bigCount?: number, bigSize?: number, smallCount?: number, tls?: boolean}} [options]
 *   `tls`: also measure POP3S with TLS in the WASM engine on both paths
 * @returns {Promise<{rounds: number, workloads: {name: string, messages: number, bytes: number,
 *   direct: {seconds: number, mbPerS: number}, bridge: {seconds: number, mbPerS: number}, lossPercent: number,
 *   lossSpread: {min: number, max: number}, clientCpuMs: {direct: number, bridge: number},
 *   bridgeCpuMs: number | null, bridgeCpuMsPer100MB: number | null, cpuOverheadPercent: number | null}[],
 *   bridgeMemory: {rssBytes: number, peakBufferedBytes: number}}>} medians; `lossSpread`: the
 *   lowest and highest loss of one round; `clientCpuMs`: this process's CPU time per session on
 *   each path; `bridgeCpuMs`: the bridge process's CPU time per session (Linux);
 *   `cpuOverheadPercent`: the client's and the bridge's CPU through the bridge against the
 *   client's direct
 */
export async function bridgeBenchmark({ rounds = 7, bigCount = 20, bigSize = 5 * 1024 * 1024, smallCount = 2000, tls = true } = {}) {
  const pki = testPki();
  const big = Array.from({ length: bigCount }, (_, i) => largeMessage(bigSize, 300 + i));
  const small = smallMessages(smallCount);
  const dovecot = await startDovecot({
    users: { big: { password: 'big-pw', messages: big }, small: { password: 'small-pw', messages: small } },
    tls: pki.server,
  });
  const cli = await startBridgeCli([
    '--allow-private', `127.0.0.1:${dovecot.port}`, '--allow-private', `localhost:${dovecot.pop3sPort}`,
  ]);
  const wire = (messages) => messages.reduce((n, m) => n + toWire(m).length, 0);
  const workloads = [
    { name: `RETR-all ${bigCount} x ${bigSize / 1024 / 1024} MB`, user: 'big', count: bigCount, bytes: wire(big), tls: false },
    { name: `RETR-all ${smallCount.toLocaleString('en')} small msgs`, user: 'small', count: smallCount, bytes: wire(small), tls: false },
  ];
  if (tls) workloads.push(...workloads.map((w) => ({ ...w, name: `${w.name}, POP3S (WASM TLS)`, tls: true })));
  try {
    const results = [];
    for (const w of workloads) {
      const port = w.tls ? dovecot.pop3sPort : dovecot.port;
      const times = { direct: [], bridge: [] };
      const clientCpu = { direct: [], bridge: [] };
      const bridgeCpu = [];
      // One unmeasured session per path warms up the WASM module, the bridge and Dovecot's cache.
      for (const round of [-1, ...Array.from({ length: rounds }, (_, i) => i)]) {
        for (const path of round % 2 ? ['bridge', 'direct'] : ['direct', 'bridge']) {
          const cpuBefore = cpuMs(cli.child.pid);
          const clientBefore = process.cpuUsage();
          const r = await retrieveAll({ bridge: path === 'bridge' ? cli.url : undefined, port, user: w.user, tls: w.tls, ca: pki.caPem });
          if (r.count !== w.count || r.bytes !== w.bytes) throw new Error(`${w.name} via ${path}: ${r.count} messages, ${r.bytes} bytes; expected ${w.count}, ${w.bytes}`);
          if (round < 0) continue;
          const client = process.cpuUsage(clientBefore);
          clientCpu[path].push((client.user + client.system) / 1000);
          times[path].push(r.seconds);
          if (path === 'bridge' && cpuBefore !== null) bridgeCpu.push(cpuMs(cli.child.pid) - cpuBefore);
        }
      }
      const figure = (seconds) => ({ seconds, mbPerS: w.bytes / 1e6 / seconds });
      const direct = figure(median(times.direct));
      const bridge = figure(median(times.bridge));
      const cpu = bridgeCpu.length ? median(bridgeCpu) : null;
      const roundLosses = times.bridge.map((t, i) => (1 - times.direct[i] / t) * 100);
      const clientCpuMs = { direct: median(clientCpu.direct), bridge: median(clientCpu.bridge) };
      // The CPU both paths cost this machine (Dovecot's, the same on both, left out): wall time
      // on shared cores follows it when they are busy, and it varies far less than wall time.
      const cpuOverheadPercent = cpu === null ? null : ((clientCpuMs.bridge + cpu) / clientCpuMs.direct - 1) * 100;
      results.push({
        name: w.name, messages: w.count, bytes: w.bytes, direct, bridge, lossPercent: (1 - bridge.mbPerS / direct.mbPerS) * 100,
        lossSpread: { min: Math.min(...roundLosses), max: Math.max(...roundLosses) },
        clientCpuMs, bridgeCpuMs: cpu, bridgeCpuMsPer100MB: cpu === null ? null : (cpu / (w.bytes / 1e6)) * 100, cpuOverheadPercent,
      });
    }
    const metrics = await cli.metrics();
    return { rounds, workloads: results, bridgeMemory: { rssBytes: metrics.process_resident_memory_bytes, peakBufferedBytes: metrics.pop3_bridge_buffered_bytes_peak } };
  } finally {
    await cli.stop();
    await dovecot.stop();
  }
}

/** The table: name, bridge, direct, ratio and loss, one row per workload. */
export function formatBridgeTable(result) {
  const lines = [`bridge vs direct TCP, median of ${result.rounds} rounds (goal: loss within 5%)`];
  for (const w of result.workloads) {
    lines.push(
      `${w.name.padEnd(44)} bridge ${w.bridge.mbPerS.toFixed(1).padStart(7)} MB/s  direct ${w.direct.mbPerS.toFixed(1).padStart(7)} MB/s  ` +
        `ratio ${(w.bridge.mbPerS / w.direct.mbPerS).toFixed(2)}x  loss ${w.lossPercent.toFixed(1).padStart(5)}%  ` +
        `(${w.bridge.seconds.toFixed(2)} s vs ${w.direct.seconds.toFixed(2)} s` +
        `; rounds ${w.lossSpread.min.toFixed(1)}..${w.lossSpread.max.toFixed(1)}%; CPU: client ${w.clientCpuMs.bridge.toFixed(0)} vs ${w.clientCpuMs.direct.toFixed(0)} ms` +
        `${w.bridgeCpuMs === null ? '' : `, bridge process ${w.bridgeCpuMs.toFixed(0)} ms (${(w.bridgeCpuMsPer100MB / 100).toFixed(2)} ms/MB), client + bridge ${w.cpuOverheadPercent >= 0 ? '+' : ''}${w.cpuOverheadPercent.toFixed(0)}%`})`,
    );
  }
  lines.push(`bridge process: RSS ${(result.bridgeMemory.rssBytes / 1024 / 1024).toFixed(1)} MiB after the runs, ` +
    `at most ${(result.bridgeMemory.peakBufferedBytes / 1024).toFixed(0)} KiB buffered for one session`);
  return lines.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = await bridgeBenchmark();
  console.log(formatBridgeTable(result));
}
