// `npm start` for now: starts a throwaway Dovecot on 127.0.0.1 with a few sample messages, reads
// them with pop3-wasm (the WASM core, over plain TCP) and prints what a mail client would show.
// No mail account is needed. The web demo replaces this once it exists.
import { Pop3Client } from '../bindings/js/node.js';
import { startDovecot } from '../tests/harness/dovecot.mjs';
import { fixtureMessages } from '../tests/fixtures/messages.mjs';

const messages = fixtureMessages();
console.log('Starting a throwaway local Dovecot POP3 server with sample messages (nothing leaves this machine)...');
const server = await startDovecot({ users: { demo: { password: 'demo', messages: messages.map((m) => m.bytes) } } });
try {
  const client = await Pop3Client.connect({
    host: server.host,
    port: server.port,
    tls: 'none',
    allowInsecureAuth: true,  // loopback only
    onTranscript: ({ direction, line }) => console.log(`  ${direction === 'client' ? 'C:' : 'S:'} ${line}`),
  });
  await client.login({ user: 'demo', password: 'demo' });
  const list = await client.list();
  const bodies = await Promise.all(list.map((m) => client.retrieve(m.number)));  // pipelined
  await client.quit();

  console.log(`\n${list.length} messages on ${server.host}:${server.port}:`);
  list.forEach((m, i) => {
    const text = Buffer.from(bodies[i]).toString('latin1');
    const subject = /^Subject: (.*)$/m.exec(text)?.[1] ?? '(no subject)';
    const from = /^From: (.*)$/m.exec(text)?.[1] ?? '';
    console.log(`  #${m.number}  ${String(m.size).padStart(6)} octets  uid ${m.uid}  ${from}  "${subject}"`);
  });
} finally {
  await server.stop();
}
