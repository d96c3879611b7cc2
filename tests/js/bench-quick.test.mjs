// Every benchmark of `npm run bench`, in its quick mode (tiny sizes, seconds): a benchmark that
// breaks (a renamed binding, a peer that no longer installs, a workload that fetches the wrong
// bytes) fails the suite instead of rotting until someone runs the full bench. The figures of a
// quick run mean nothing and are not checked; that each row was measured is.
import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

import { ROOT } from '../harness/packed-package.mjs';

const run = promisify(execFile);

test('npm run bench -- --quick runs every benchmark to the end and records every row', async () => {
  const { stdout } = await run(process.execPath, ['bench/run.mjs', '--quick'], {
    cwd: ROOT,
    env: { ...process.env, NODE_OPTIONS: '' },
    timeout: 240_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  const record = JSON.parse(await readFile(path.join(ROOT, 'bench', 'results', 'quick.json'), 'utf8'));
  expect(record.quick).toBe(true);
  const measured = (row) => Number.isFinite(row.ours) && row.ours > 0 && Number.isFinite(row.peerValue) && row.peerValue > 0;
  expect(record.rows.filter((row) => !measured(row))).toEqual([]);
  // One row or more from each benchmark, against the peers it names.
  const peersOf = (pattern) => record.rows.filter((row) => pattern.test(row.name)).map((row) => row.peer);
  expect(peersOf(/^codec/)).toEqual(['native']);
  const retrPeers = ['node-pop3', 'npm poplib', 'poplib', 'curl', expect.stringMatching(/^(node-pop3|npm poplib|poplib|curl)$/)];
  expect(peersOf(/^RETR-all/)).toEqual([...retrPeers, ...retrPeers, ...retrPeers]);  // at three RTTs
  expect(record.rows.filter((row) => /^RETR-all/.test(row.name)).map((row) => /@ (\d+) ms RTT/.exec(row.name)[1])).toEqual(['0', '0', '0', '0', '0', '4', '4', '4', '4', '4', '10', '10', '10', '10', '10']);
  expect(peersOf(/^Chromium via the bridge/)).toEqual(['Node direct', 'Node direct', 'fetch alone']);
  expect(peersOf(/^connect\+login\+STAT\+QUIT/)).toEqual(['node-pop3', 'poplib']);
  expect(peersOf(/^one \d+ MB message/)).toEqual(['curl', 'curl', 'curl', 'curl']);  // chunks of ours and borrowed ones
  expect(peersOf(/^\d+ x [\d.]+ MB, messages\(\) loop/)).toEqual(['curl', 'curl']);
  expect(peersOf(/^protocol module download|^WASM compile\+instantiate/)).toEqual(['pop3-core', 'pop3-core', 'pop3-core']);
  expect(record.bigMessage.ours.wasmHeapMb).toBeGreaterThan(0);
  expect(peersOf(/over TLS/)).toEqual(['node tls', 'curl']);
  expect(peersOf(/^sync/)).toEqual(['python', 'raw fetch', 'python', 'raw fetch']);
  expect(peersOf(/^bridge/)).toEqual(['direct', 'direct', 'direct', 'direct']);
  expect(peersOf(/^parse/)).toEqual(expect.arrayContaining(['postal-mime', 'mailparser', 'native']));
  // Every goal was computed from a measured figure (met or not does not matter in quick mode).
  expect(record.goals.length).toBeGreaterThanOrEqual(10);
  expect(record.goals.filter((g) => typeof g.met !== 'boolean' || /NaN|Infinity/.test(g.measured))).toEqual([]);
  expect(stdout).toMatch(/saved bench\/results\/quick\.json/);
  // One SVG chart per row name, each with a bar for us and one per peer of that name.
  const names = [...new Set(record.rows.map((row) => row.name))];
  const charts = (await readdir(path.join(ROOT, 'bench', 'results', 'quick'))).filter((f) => f.endsWith('.svg'));
  expect(charts).toHaveLength(names.length);
  for (const file of charts) {
    const svg = await readFile(path.join(ROOT, 'bench', 'results', 'quick', file), 'utf8');
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[^>]*>[\s\S]*<\/svg>\n$/);
    const title = /aria-label="([^"]*)"/.exec(svg)[1].replace(/&amp;/g, '&');
    const bars = record.rows.filter((row) => row.name === title).length + 1;
    expect(svg.match(/<rect x=/g)).toHaveLength(bars);
  }
}, 300_000);
