// The guided session's steps: what each one sends, and what it teaches about the session's state.
import { SAMPLE_PASSWORD, SAMPLE_USER } from 'pop3-wasm/server';

import { md5Hex } from '../protocol/md5.js';

/**
 * Each step: a label, an explanation, and run(session) returning a sentence about the result.
 * `session` holds { connect(), client, server, countOnServer() }.
 */
export const STEPS = [
  {
    id: 'greeting',
    label: 'Connect: read the greeting (and STLS)',
    explain: 'The server speaks first with +OK. The session is now in the AUTHORIZATION state (RFC 1939 §4). With STLS chosen, the client asks CAPA, sees STLS, sends it, and the two sides make a TLS handshake on the same connection (RFC 2595 §4).',
    async run(session) {
      const client = await session.connect();
      const stamp = client.greeting.apopTimestamp;
      const tls = client.tls ? ` STLS done: from here on everything is encrypted with ${client.tls.protocol}, by the WASM engine on both sides.` : ' No STLS: the session stays in clear text.';
      return `Greeting: "${client.greeting.text}". ${stamp ? `Its timestamp ${stamp} is unique to this connection: APOP will use it.` : ''}${tls}`;
    },
  },
  {
    id: 'capa',
    label: 'CAPA: ask what the server supports',
    explain: 'RFC 2449 added CAPA so a client can learn the extensions (TOP, UIDL, PIPELINING, SASL...) before using them.',
    async run({ client }) {
      const caps = await client.refreshCapabilities();
      return `The server announced: ${caps.lines.join(', ')}.`;
    },
  },
  {
    id: 'login',
    label: 'APOP: log in without sending the password',
    explain: 'APOP (RFC 1939 §7, first in RFC 1460) sends MD5(timestamp + password). The password never crosses the wire, and a recorded digest is useless with another greeting.',
    async run({ client }) {
      const stamp = client.greeting.apopTimestamp;
      const digest = md5Hex(stamp + SAMPLE_PASSWORD);
      await client.login({ user: SAMPLE_USER, password: SAMPLE_PASSWORD, method: 'apop' });
      return `MD5("${stamp}" + "${SAMPLE_PASSWORD}") = ${digest}. The server computed the same digest, so the session is now in TRANSACTION and the maildrop is locked for us.`;
    },
  },
  {
    id: 'stat',
    label: 'STAT: how many messages?',
    explain: 'STAT answers with the number of messages and their total size in octets.',
    async run({ client }) {
      const { count, size } = await client.stat();
      return `${count} messages, ${size} octets in all.`;
    },
  },
  {
    id: 'list',
    label: 'LIST and UIDL: sizes and lasting ids',
    explain: 'Numbers are valid for this session only; the UIDL id of a message stays the same in every session, so a client knows what it already has.',
    async run({ client }) {
      const list = await client.list();
      return list.map((m) => `#${m.number}: ${m.size} octets, id ${m.uid ?? '?'}`).join('; ');
    },
  },
  {
    id: 'retr',
    label: 'RETR 1: fetch a whole message',
    explain: 'RETR always sends the whole message, every MIME part: POP has no way to fetch one part, unlike IMAP.',
    async run({ client }) {
      const bytes = await client.retrieve(1);
      const subject = new TextDecoder().decode(bytes).match(/^Subject: (.*)$/m)?.[1] ?? '';
      return `Message 1 arrived: ${bytes.length} octets, subject "${subject.trim()}".`;
    },
  },
  {
    id: 'dele',
    label: 'DELE 1: mark message 1 as deleted',
    explain: 'DELE only marks the message. The server still holds it; RSET would unmark it.',
    async run(session) {
      await session.client.delete(1);
      return `Message 1 is marked. The server still stores ${session.countOnServer()} messages.`;
    },
  },
  {
    id: 'quit',
    label: 'QUIT: end the session',
    explain: 'QUIT moves the session to UPDATE (RFC 1939 §6): only now are marked messages removed, and the lock is released.',
    async run(session) {
      const before = session.countOnServer();
      await session.client.quit();
      await session.settled();
      return `Before QUIT the server stored ${before} messages; after QUIT it stores ${session.countOnServer()}.`;
    },
  },
];
