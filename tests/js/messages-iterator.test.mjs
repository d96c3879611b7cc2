// client.messages(): the for-await loop over a maildrop, pipelined within a window. Checked
// against Dovecot behind a proxy that adds latency, from the protocol transcript: RETRs go out
// ahead of the loop, never more than the window allows, in order, and an early break leaves a
// usable session.
import { Pop3Client } from '../../bindings/js/node.js';
import { startDelayProxy } from '../harness/delay-proxy.mjs';
import { startDovecot, toWire } from '../harness/dovecot.mjs';

const COUNT = 60;
const messages = Array.from({ length: COUNT }, (_, i) =>
  Buffer.from(`Subject: message ${i + 1}\nX-Pad: ${'x'.repeat(200 + 37 * i)}\n\nbody ${i + 1}\n`),
);
let dovecot;
let proxy;

beforeAll(async () => {
  dovecot = await startDovecot({ users: { alice: { password: 'pw', messages } } });
  proxy = await startDelayProxy({ targetHost: dovecot.host, targetPort: dovecot.port, delayMs: 5 });
});

afterAll(async () => {
  await proxy?.stop();
  await dovecot?.stop();
});

async function connect(transcript) {
  const client = await Pop3Client.connect({
    host: proxy.host, port: proxy.port, tls: 'none', allowInsecureAuth: true,
    onTranscript: (entry) => transcript.push(entry),
  });
  await client.login({ user: 'alice', password: 'pw', method: 'user' });
  return client;
}

/** The most RETRs on the wire unanswered at once, from the transcript's order of lines. */
function mostRetrsInFlight(transcript) {
  let sent = 0;
  let answered = 0;
  let most = 0;
  let waiting = false;
  for (const { direction, line } of transcript) {
    if (direction === 'client' && line.startsWith('RETR ')) {
      sent += 1;
      waiting = true;
      most = Math.max(most, sent - answered);
    } else if (direction === 'server' && waiting && /^[+-]/.test(line) && sent > answered) {
      answered += 1;
    }
  }
  return most;
}

test('yields every message in listing order, byte-identical, with RETRs pipelined ahead', async () => {
  const transcript = [];
  const client = await connect(transcript);
  const seen = [];
  for await (const message of client.messages()) seen.push(message);
  await client.quit();
  expect(seen.map((m) => m.number)).toEqual(messages.map((_, i) => i + 1));
  expect(seen.every((m, i) => Buffer.from(m.bytes).equals(toWire(messages[i])) && m.size > 0 && m.uid)).toBe(true);
  expect(mostRetrsInFlight(transcript)).toBeGreaterThan(10);  // ahead of the loop, not one per round trip
});

test('never has more than the window on the wire: by count and by listed bytes', async () => {
  const transcript = [];
  const client = await connect(transcript);
  let count = 0;
  for await (const message of client.messages({ windowMessages: 4 })) {
    count += 1;
    await new Promise((resolve) => setTimeout(resolve, 2));  // a slow consumer
    expect(message.bytes.length).toBeGreaterThan(0);
  }
  expect(count).toBe(COUNT);
  expect(mostRetrsInFlight(transcript)).toBe(4);

  const sizes = (await client.list()).map((m) => m.size);
  const windowBytes = sizes[0] + sizes[1] + sizes[2];  // the first three fit, never a fourth
  const byBytes = [];
  for await (const message of client.messages({ windowBytes, numbers: [1, 2, 3, 4, 5, 6] })) byBytes.push(message.number);
  expect(byBytes).toEqual([1, 2, 3, 4, 5, 6]);
  const second = transcript.slice(transcript.findLastIndex((e) => e.line.startsWith('LIST')));
  expect(mostRetrsInFlight(second)).toBeLessThanOrEqual(3);
  await client.quit();
});

test('a message larger than the window is fetched alone, and the loop goes on', async () => {
  const transcript = [];
  const client = await connect(transcript);
  const numbers = [];
  for await (const message of client.messages({ windowBytes: 1, numbers: [5, 6, 7] })) numbers.push(message.number);
  expect(numbers).toEqual([5, 6, 7]);
  expect(mostRetrsInFlight(transcript)).toBe(1);
  await client.quit();
});

test('leaving the loop early cancels what is queued and leaves the session usable', async () => {
  const transcript = [];
  const client = await connect(transcript);
  const taken = [];
  for await (const message of client.messages({ windowMessages: 8 })) {
    taken.push(message.number);
    if (taken.length === 3) break;
  }
  expect(taken).toEqual([1, 2, 3]);
  await client.noop();
  const last = await client.retrieve(COUNT);  // the session still answers in order
  expect(Buffer.from(last).equals(toWire(messages[COUNT - 1]))).toBe(true);
  await client.quit();
  const retrs = transcript.filter((e) => e.direction === 'client' && e.line.startsWith('RETR ')).length;
  expect(retrs).toBeLessThan(3 + 8 + 2);  // the window at most, never the whole maildrop
});

test('an aborted signal ends the loop with ABORTED', async () => {
  const client = await connect([]);
  const controller = new AbortController();
  const loop = (async () => {
    const numbers = [];
    for await (const message of client.messages({ signal: controller.signal, windowMessages: 2 })) {
      numbers.push(message.number);
      if (numbers.length === 2) controller.abort();
    }
    return numbers;
  })();
  await expect(loop).rejects.toMatchObject({ name: 'Pop3Error', code: 'ABORTED' });
  client.close();
});
