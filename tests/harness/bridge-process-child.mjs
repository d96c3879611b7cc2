// The child side of bridge-process.mjs: a bridge in a process of its own (run with --expose-gc),
// its options from BRIDGE_OPTIONS, its log records and measurements sent to the parent over IPC.
import { readdirSync } from 'node:fs';

import { createBridge } from '../../node-bridge/index.js';

const options = JSON.parse(process.env.BRIDGE_OPTIONS);
// BRIDGE_LOOKUP_DELAY_MS: every name resolves to 127.0.0.1 after this long (a target slow to
// connect, whose sessions hold their early bytes meanwhile).
const delay = Number(process.env.BRIDGE_LOOKUP_DELAY_MS ?? 0);
const lookup = delay
  ? () => new Promise((resolve) => setTimeout(() => resolve([{ address: '127.0.0.1', family: 4 }]), delay))
  : undefined;
const bridge = createBridge({ ...options, ...(lookup ? { lookup } : {}), log: (record) => process.send({ type: 'log', record }) });
const { port } = await bridge.listen(0, '127.0.0.1');
process.send({ type: 'listening', port });

process.on('message', async (message) => {
  if (message.type === 'measure') {
    // Twice: the first collection can leave work (weak callbacks, finalizers) to the second.
    global.gc();
    await new Promise((resolve) => setImmediate(resolve));
    global.gc();
    process.send({
      type: 'measure',
      id: message.id,
      memory: process.memoryUsage(),
      fds: readdirSync('/proc/self/fd').length,
      metrics: bridge.metrics(),
    });
  } else if (message.type === 'close') {
    await bridge.close({ drainMs: 0 });
    process.send({ type: 'closed' });
    process.disconnect();
  }
});
