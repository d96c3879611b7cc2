// The project's speed and size goals, judged on one run's figures: each prints as met or missed
// with the measured value, so a report says where we stand without reading the tables.
// Ratios compare ours with peers measured in the same run; sizes are absolute.
import { RETR_PEERS } from './js/retr-all.mjs';

/**
 * @param {{ retr: object, tls: object, bridge: object, mime: object, wasmCodec: object, startup: object, sync: object, big: object }} run
 * @returns {{ goal: string, measured: string, met: boolean }[]}
 */
export function judgeGoals({ retr, tls, bridge, mime, wasmCodec, startup, sync, big }) {
  const goals = [];
  const goal = (text, measured, met) => goals.push({ goal: text, measured, met });
  const peers = RETR_PEERS.map((p) => retr.results[p].seconds);
  const best = Math.min(...peers);
  goal(`RETR-all ${retr.count} msgs @ ${retr.rttMs} ms RTT, Promise.all: >= 100x the best peer`, `${(best / retr.results.ours.seconds).toFixed(1)}x`, best / retr.results.ours.seconds >= 100);
  goal(`RETR-all ${retr.count} msgs @ ${retr.rttMs} ms RTT, messages() loop: >= 100x the best peer`, `${(best / retr.results['ours-messages'].seconds).toFixed(1)}x`, best / retr.results['ours-messages'].seconds >= 100);
  goals.push(...syncGoals(sync));
  // Memory of large messages: what a session adds to its own baseline (log in, STAT), per process.
  const added = (r) => r.peakRssMb - big.baseline.peakRssMb;
  goal(`one ${big.megabytes} MB message, retrieveStream: peak RSS <= 16 MB above one session`, `${added(big.ours).toFixed(1)} MB above`, added(big.ours) <= 16);
  goal(`one ${big.megabytes} MB message, retrieveStream with borrowChunks: peak RSS <= 16 MB above one session`, `${added(big.borrowed).toFixed(1)} MB above`, added(big.borrowed) <= 16);
  const many = big.many;
  const manyName = `${many.count} x ${(many.size / 1024 / 1024).toFixed(2).replace(/\.?0+$/, '')} MB plain, messages() loop`;
  goal(`${manyName}: within 1.05x of curl's time`, `${(many.ours.seconds / many.curl.seconds).toFixed(2)}x curl's time`, many.ours.seconds <= 1.05 * many.curl.seconds);
  goal(`${manyName}: peak RSS <= 16 MB above one session`, `${added(many.ours).toFixed(1)} MB above`, added(many.ours) <= 16);
  const curlRatio = tls.retrieve.curl.mbPerS / tls.retrieve.wasm.mbPerS;
  goal('RETR over TLS, WASM engine: within 1.3x of curl', `${curlRatio.toFixed(2)}x curl's time`, curlRatio <= 1.3);
  goal('codec in WASM: >= 1 GB/s', `${(wasmCodec.mbPerS / 1000).toFixed(2)} GB/s`, wasmCodec.mbPerS >= 1000);
  const { lite, full } = startup.sizes;
  goal('protocol module without TLS (pop3-core-lite): <= 80 KB gzip', `${(lite.gzip / 1024).toFixed(1)} KB`, lite.gzip <= 80 * 1024);
  goal('protocol module with TLS (pop3-core): <= 500 KB gzip', `${(full.gzip / 1024).toFixed(0)} KB`, full.gzip <= 500 * 1024);
  if (mime.sizes.wasm) goal('MIME module: <= 300 KB gzip', `${(mime.sizes.total.gzip / 1024).toFixed(0)} KB`, mime.sizes.total.gzip <= 300 * 1024);
  for (const [set, t] of Object.entries(mime.throughput)) {
    if (!t.wasm) continue;
    const fastest = Math.max(t['postal-mime'].mbPerS, t.mailparser.mbPerS);
    goal(`MIME ${set} messages: >= 1.5x the fastest of postal-mime and mailparser`, `${(t.wasm.mbPerS / fastest).toFixed(2)}x`, t.wasm.mbPerS / fastest >= 1.5);
  }
  for (const w of bridge.workloads) {
    goal(`bridge, ${w.name}: loss within 5% of direct TCP`, `${w.lossPercent.toFixed(1)}%`, w.lossPercent <= 5);
  }
  return goals;
}

/**
 * The sync goals alone (bench/js/sync-maildir.mjs prints them when run by itself).
 * @param {{ runs: { count: number, ours: { seconds: number }, python: { seconds: number }, raw: { seconds: number } }[] }} sync
 */
export function syncGoals(sync) {
  const goals = [];
  const goal = (text, measured, met) => goals.push({ goal: text, measured, met });
  for (const r of sync.runs) {
    const n = r.count.toLocaleString('en');
    goal(`sync ${n} msgs into a Maildir: faster than the Python script`, `${(r.python.seconds / r.ours.seconds).toFixed(2)}x faster`, r.ours.seconds < r.python.seconds);
    goal(`sync ${n} msgs into a Maildir: within 1.5x of the raw pipelined fetch`, `${(r.ours.seconds / r.raw.seconds).toFixed(2)}x its time`, r.ours.seconds <= 1.5 * r.raw.seconds);
  }
  // Linear: the largest mailbox takes at most 1.2x its share of the next one's time (100,000
  // within 12x of 10,000).
  if (sync.runs.length < 2) return goals;
  const [smaller, larger] = sync.runs.slice(-2);
  const growth = larger.count / smaller.count;
  const timeRatio = larger.ours.seconds / smaller.ours.seconds;
  goal(`sync time linear: ${larger.count.toLocaleString('en')} msgs within ${(1.2 * growth).toFixed(0)}x of ${smaller.count.toLocaleString('en')}`, `${timeRatio.toFixed(2)}x`, timeRatio <= 1.2 * growth);
  return goals;
}

export function formatGoals(goals, { quick }) {
  const lines = [`goals${quick ? ' (quick mode: not judged, the sizes are too small to mean anything)' : ''}:`];
  for (const g of goals) lines.push(`  ${quick ? '-     ' : g.met ? 'met   ' : 'MISSED'} ${g.goal.padEnd(78)} ${g.measured}`);
  return lines.join('\n');
}
