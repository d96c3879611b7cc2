// A bridge in a child process of its own, for measurements an operator would take: its memory
// after a full garbage collection, its open file descriptors, its metrics and its log records.
// (The bridge CLI runs in a child process too, but cannot be asked to collect garbage, so its
// heap figures include whatever garbage a flood left behind.) Options must be JSON: no `log`,
// `lookup` or `onRelay` functions.
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const child = fileURLToPath(new URL('./bridge-process-child.mjs', import.meta.url));

/**
 * CPU time (user + system, ms) a process has used, from /proc (Linux); null elsewhere. Unlike
 * wall time it hardly depends on what else the machine is doing.
 */
export function cpuMs(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;  // clock ticks of 10 ms
  } catch {
    return null;
  }
}

/**
 * @param {object} options createBridge() options (JSON)
 * @param {{lookupDelayMs?: number}} [extra] every name resolves to 127.0.0.1 after this long
 * @returns {Promise<{port: number, url: string, pid: number, logs: object[], sessions(): object[],
 *   measure(): Promise<{memory: NodeJS.MemoryUsage, fds: number, metrics: object}>, stop(): Promise<void>}>}
 */
export async function startBridgeProcess(options, { lookupDelayMs = 0 } = {}) {
  const proc = fork(child, [], {
    execArgv: ['--expose-gc'],
    env: { ...process.env, NODE_OPTIONS: '', BRIDGE_OPTIONS: JSON.stringify(options), BRIDGE_LOOKUP_DELAY_MS: String(lookupDelayMs) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const logs = [];
  const waiting = new Map();
  let nextId = 1;
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  const port = await new Promise((resolve, reject) => {
    proc.on('message', (message) => {
      if (message.type === 'log') logs.push(message.record);
      else if (message.type === 'listening') resolve(message.port);
      else if (message.type === 'measure') {
        waiting.get(message.id)?.(message);
        waiting.delete(message.id);
      }
    });
    proc.once('exit', (code) => reject(new Error(`bridge process exited with ${code}`)));
  });
  return {
    port,
    url: `ws://127.0.0.1:${port}/pop3`,
    pid: proc.pid,
    logs,
    sessions: () => logs.filter((r) => r.event === 'session'),
    /** Memory after two full collections, open descriptors, metrics. */
    measure() {
      const id = nextId++;
      return new Promise((resolve) => {
        waiting.set(id, ({ memory, fds, metrics }) => resolve({ memory, fds, metrics }));
        proc.send({ type: 'measure', id });
      });
    },
    async stop() {
      if (proc.exitCode === null && proc.connected) proc.send({ type: 'close' });
      const timer = setTimeout(() => proc.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}
