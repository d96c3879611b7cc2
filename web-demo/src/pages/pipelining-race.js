// A pipelined batch against one command at a time: the same TOP n 0 for every message, with
// the in-page server made to wait a little before each answer, as a distant server would.
import { Pop3Client } from 'pop3-wasm';
import { connectInMemory, SAMPLE_PASSWORD, SAMPLE_USER } from 'pop3-wasm/server';

const REPLY_DELAY_MS = 40;

async function timed(server, pipelining) {
  const client = await Pop3Client.connect({
    transport: connectInMemory(server, { tls: 'none' }), host: 'localhost', port: 110, tls: 'none', allowInsecureAuth: true, pipelining,
  });
  await client.login({ user: SAMPLE_USER, password: SAMPLE_PASSWORD, method: 'apop' });
  const list = await client.list();
  const start = performance.now();
  if (pipelining) await Promise.all(list.map((m) => client.top(m.number, 0)));
  else for (const m of list) await client.top(m.number, 0);
  const ms = performance.now() - start;
  await client.quit();
  return { ms, commands: list.length };
}

/** @param {import('pop3-wasm/server').EmbeddedServer} server */
export async function racePipelining(server) {
  const saved = server.faults;
  server.faults = { ...saved, delayMs: REPLY_DELAY_MS };
  try {
    const oneByOne = await timed(server, false);
    const batch = await timed(server, true);
    return { oneByOne, batch, delayMs: REPLY_DELAY_MS };
  } finally {
    server.faults = saved;
  }
}
