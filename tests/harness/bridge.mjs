// Helpers for the bridge tests and benchmark: an in-process bridge with captured logs, the
// bridge CLI as a child process (its own memory, its own event loop), raw WebSocket clients
// that report how the bridge closed them, a TCP server of the test's own that counts the
// connections it gets, and a reader of the Prometheus text format.
import { spawn } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import { fileURLToPath } from 'node:url';

import WebSocket from 'ws';

import { createBridge } from '../../node-bridge/index.js';

const cli = fileURLToPath(new URL('../../node-bridge/cli.js', import.meta.url));

/**
 * A bridge in this process on a free loopback port, with its /metrics and /healthz on another
 * (`metricsPort`, `metricsBase`); its log records are kept in `logs`.
 * @param {import('../../node-bridge/index.js').BridgeOptions} options
 * @param {{port?: number}} [listen] a fixed port (a restarted instance takes its old one)
 */
export async function startBridge(options, { port: listenPort = 0 } = {}) {
  const logs = [];
  const bridge = createBridge({ log: (r) => logs.push(r), metricsListen: '127.0.0.1:0', ...options });
  const { port } = await bridge.listen(listenPort, '127.0.0.1');
  const metricsPort = bridge.metricsServer?.address().port ?? null;
  return {
    bridge,
    port,
    metricsPort,
    metricsBase: `http://127.0.0.1:${metricsPort}`,
    url: `ws://127.0.0.1:${port}/pop3`,
    logs,
    /** The session records logged so far. */
    sessions: () => logs.filter((r) => r.event === 'session'),
    /** Waits until `count` sessions have logged their end. */
    async sessionsEnded(count, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (logs.filter((r) => r.event === 'session').length < count) {
        if (Date.now() > deadline) throw new Error(`only ${logs.filter((r) => r.event === 'session').length} of ${count} sessions ended`);
        await new Promise((r) => setTimeout(r, 10));
      }
      return logs.filter((r) => r.event === 'session');
    },
    stop: (drainMs = 0) => bridge.close({ drainMs }),
  };
}

/**
 * The bridge CLI (node-bridge/cli.js) as a child process on a free loopback port.
 * @param {string[]} args flags, without --listen
 * @param {{env?: object, nodeArgs?: string[]}} [options] `nodeArgs`: flags for node itself (e.g. --cpu-prof,
 *   which NODE_OPTIONS does not take)
 * @returns {Promise<{port: number, metricsPort: number | null, url: string, child: import('node:child_process').ChildProcess,
 *   lines: object[], metrics(): Promise<Record<string, number>>, stop(signal?: string): Promise<number>}>}
 */
export async function startBridgeCli(args, { env, nodeArgs = [] } = {}) {
  const internal = args.includes('--metrics-listen') ? [] : ['--metrics-listen', '127.0.0.1:0'];
  const child = spawn(process.execPath, [...nodeArgs, cli, '--listen', '127.0.0.1:0', ...internal, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_OPTIONS: '', ...env },
  });
  const lines = [];
  let stderr = '';
  let buffered = '';
  child.stderr.on('data', (d) => (stderr += d));
  const listening = new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => {
      buffered += d;
      let newline;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        const record = JSON.parse(line);
        lines.push(record);
        if (record.event === 'listening') resolve(record);
      }
    });
    child.once('exit', (code) => reject(new Error(`pop3-bridge exited with ${code}: ${stderr}`)));
  });
  const { port, metrics: internalAddress } = await listening;
  const exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    port,
    url: `ws://127.0.0.1:${port}/pop3`,
    child,
    lines,
    metricsPort: internalAddress?.port ?? null,
    metrics: () => fetchMetrics(`http://127.0.0.1:${internalAddress?.port ?? port}/metrics`),
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}

/**
 * GET /metrics, parsed: { 'name{labels}': value }. A new connection per request: polling over a
 * kept-alive one races the server's keep-alive time-out ("fetch failed") on a busy machine.
 */
export async function fetchMetrics(url) {
  const text = await new Promise((resolve, reject) => {
    http.get(url, { agent: false }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (d) => (body += d));
      response.on('end', () => resolve(body));
    }).on('error', reject);
  });
  return parsePrometheus(text);
}

export function parsePrometheus(text) {
  const samples = {};
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    samples[line.slice(0, space)] = Number(line.slice(space + 1));
  }
  return samples;
}

/**
 * Opens a raw WebSocket to the bridge.
 * @param {string} url the bridge URL, without query
 * @param {{target?: string, token?: string, origin?: string, protocols?: string[], wsOptions?: object}} options
 * @returns {Promise<{ws: WebSocket, closed: Promise<{code: number, reason: string}>, received: Buffer[]}>}
 *   resolves once open
 */
export function openWs(url, { target, token, origin, protocols, wsOptions = {} } = {}) {
  const u = new URL(url);
  if (target !== undefined) u.searchParams.set('target', target);
  const offered = protocols ?? ['pop3-bridge', ...(token ? [`pop3-bridge.token.${token}`] : [])];
  const ws = new WebSocket(u, offered, { ...(origin ? { origin } : {}), ...wsOptions });
  const received = [];
  ws.on('message', (data) => received.push(data));
  const closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ ws, closed, received }));
    ws.once('error', reject);
  });
}

/**
 * A TCP server of the test's own on 127.0.0.1: counts connections, keeps the sockets, and runs
 * `onConnection(socket)` (default: nothing, the connection stays idle).
 */
export async function startTcpServer(onConnection = () => {}) {
  const sockets = new Set();
  let accepted = 0;
  const server = net.createServer((socket) => {
    accepted++;
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
    onConnection(socket);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: server.address().port,
    get accepted() {
      return accepted;
    },
    sockets,
    async stop() {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
