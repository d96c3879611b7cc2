// Backpressure through the bridge: a slow reader on either side must slow the other side down,
// not fill the bridge's memory. The bridge's own gauge of the bytes it holds (WebSocket send
// buffers, TCP write buffers, early bytes) is the measure; a control run with backpressure
// effectively off (a high-water mark of 1 GiB) shows what the same transfer would hold without it.
import { Pop3Client } from '../../bindings/js/node.js';
import { openWs, startBridge, startTcpServer } from '../harness/bridge.mjs';
import { startDovecot } from '../harness/dovecot.mjs';
import { largeMessage } from '../fixtures/messages.mjs';

const SIZE = 20 * 1024 * 1024;
const READ_RATE = 10e6;  // bytes per second: Dovecot on loopback sends some 50 times faster
const HIGH_WATER_MARK = 512 * 1024;  // the default
let dovecot;

beforeAll(async () => {
  dovecot = await startDovecot({ users: { slow: { password: 'slow-reader-pw', messages: [largeMessage(SIZE, 5)] } } });
});
afterAll(() => dovecot?.stop());

// RETR of the 20 MB message through a bridge with this high-water mark, read at READ_RATE.
async function slowRetrieve(highWaterMark) {
  const { bridge, url, stop } = await startBridge({ allowPrivate: [`127.0.0.1:${dovecot.port}`], highWaterMark });
  try {
    const client = await Pop3Client.connect({ bridge: url, host: '127.0.0.1', port: dovecot.port, tls: 'none', allowInsecureAuth: true, timeoutMs: 20_000 });
    await client.login({ user: 'slow', password: 'slow-reader-pw', method: 'user' });
    const started = Date.now();
    let bytes = 0;
    let peakHeld = 0;
    for await (const chunk of client.retrieveStream(1, { highWaterMark: 256 * 1024 })) {
      bytes += chunk.length;
      peakHeld = Math.max(peakHeld, bridge.metrics().bufferedBytes);
      const wait = started + (bytes / READ_RATE) * 1000 - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    }
    await client.quit();
    return { bytes, seconds: (Date.now() - started) / 1000, peakHeld, peak: bridge.metrics().peakBufferedBytes, rss: process.memoryUsage().rss };
  } finally {
    await stop();
  }
}

const mb = (n) => `${(n / 1024 / 1024).toFixed(2)} MiB`;

test('a slow WebSocket reader of a 20 MB message: the bridge holds about one high-water mark, not the message', async () => {
  const bounded = await slowRetrieve(HIGH_WATER_MARK);
  const control = await slowRetrieve(2 ** 30);
  console.log(
    `slow reader, 20 MiB at ${READ_RATE / 1e6} MB/s: bridge held at most ${mb(bounded.peak)} with the default ` +
      `high-water mark (${mb(HIGH_WATER_MARK)}), ${mb(control.peak)} without backpressure; ` +
      `process RSS ${mb(bounded.rss)} / ${mb(control.rss)}; ${bounded.seconds.toFixed(1)} s per transfer`,
  );
  expect(bounded.bytes).toBeGreaterThan(SIZE);
  expect(bounded.seconds).toBeGreaterThan(SIZE / READ_RATE * 0.9);  // the reader really was slow
  // One TCP read (at most 64 KiB) can land on top of the mark before the target is paused.
  expect(bounded.peak).toBeLessThanOrEqual(HIGH_WATER_MARK + 64 * 1024);
  expect(bounded.peakHeld).toBeLessThanOrEqual(HIGH_WATER_MARK + 64 * 1024);
  // Without the byte mark the same transfer piles up megabytes in the bridge (bounded then only
  // by the 1,024 unsent frames of relay.js, each one TCP read of what Dovecot had sent so far).
  expect(control.peak).toBeGreaterThan(4 * HIGH_WATER_MARK);
});

test('a slow target reader: the bridge stops reading the WebSocket until the target drains', async () => {
  let reading;
  let received = 0;
  const done = new Promise((resolve) => (reading = resolve));
  // The target reads nothing for 700 ms, then everything.
  const target = await startTcpServer((socket) => {
    socket.pause();
    setTimeout(() => socket.resume(), 700);
    socket.on('data', (d) => {
      received += d.length;
      if (received >= SIZE) reading();
    });
  });
  // 20 MiB from one client is far beyond what a POP3 client sends: the rate limits are off here.
  const { bridge, url, stop } = await startBridge({
    allowPrivate: [`127.0.0.1:${target.port}`], maxFrameBytes: 64 * 1024, maxBytesPerSecond: 0, maxBytesPerSecondPerIp: 0,
  });
  try {
    const { ws } = await openWs(url, { target: `127.0.0.1:${target.port}` });
    const frame = Buffer.alloc(64 * 1024, 0x55);
    let peakHeld = 0;
    for (let sent = 0; sent < SIZE; sent += frame.length) {
      ws.send(frame);
      // The client too waits for its socket, as a well-behaved sender does.
      while (ws.bufferedAmount > 1024 * 1024) await new Promise((resolve) => setTimeout(resolve, 2));
      peakHeld = Math.max(peakHeld, bridge.metrics().bufferedBytes);
    }
    await done;
    ws.close(1000);
    const peak = bridge.metrics().peakBufferedBytes;
    console.log(`slow target, 20 MiB sent: bridge held at most ${mb(Math.max(peak, peakHeld))}`);
    expect(received).toBe(SIZE);
    // The TCP write buffer plus what ws had read before it paused: a few frames, not megabytes.
    expect(Math.max(peak, peakHeld)).toBeLessThan(1024 * 1024);
  } finally {
    await stop();
    await target.stop();
  }
});
