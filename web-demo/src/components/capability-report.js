// The server's CAPA answer in words: what each capability means for the person using the mail app.
import { h } from './dom.js';

const MEANINGS = {
  top: ['TOP', 'Headers can be fetched without the body, so the list appears quickly.'],
  uidl: ['UIDL', 'Each message has a lasting id: the app can tell which mail it already has.'],
  pipelining: ['PIPELINING', 'Many commands can be sent at once, without waiting for each answer: faster on slow links.'],
  stls: ['STLS', 'A plain connection can be switched to TLS before logging in.'],
  user: ['USER', 'Login with user name and password is possible.'],
  respCodes: ['RESP-CODES', 'Errors come with a code (like IN-USE) that the app can explain.'],
  authRespCode: ['AUTH-RESP-CODE', 'A failed login says whether the password or something else was wrong.'],
  utf8: ['UTF8', 'User names and messages in UTF-8 are accepted.'],
};

/** @param {import('pop3-wasm').Capabilities} caps @param {{ apop?: boolean }} [extra] */
export function capabilityReport(caps, extra = {}) {
  const items = [];
  for (const [key, [name, meaning]] of Object.entries(MEANINGS)) {
    if (caps[key]) items.push([name, meaning]);
  }
  if (caps.sasl.length) items.push([`SASL ${caps.sasl.join(' ')}`, 'Login methods where the password is protected or never sent (SCRAM), or sent inside TLS (PLAIN, LOGIN).']);
  if (extra.apop) items.push(['APOP', 'The greeting has a timestamp: login by digest, without sending the password.']);
  if (caps.expire !== undefined) {
    items.push([`EXPIRE ${caps.expire}`, caps.expire === 'never' ? 'The server keeps mail until you delete it.' : `The server deletes mail ${caps.expire} days after you first fetched it, even if you leave it there.`]);
  }
  if (caps.loginDelay !== undefined) items.push([`LOGIN-DELAY ${caps.loginDelay}`, `Check for mail at most every ${caps.loginDelay} seconds.`]);
  if (caps.implementation) items.push(['IMPLEMENTATION', `The server software: ${caps.implementation}.`]);
  return h('dl', { class: 'capabilities' }, items.map(([name, meaning]) => [h('dt', {}, name), h('dd', {}, meaning)]));
}
