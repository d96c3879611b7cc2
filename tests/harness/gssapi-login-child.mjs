// One Kerberos login in a process of its own, for tests/js/gssapi.test.mjs: the GSS-API library
// reads KRB5_CONFIG and KRB5CCNAME from the real process environment, which Jest's sandbox does
// not change, so each login runs here with the environment it is given.
//   node gssapi-login-child.mjs '{"host":..,"port":..,"login":{..}}'  -> one JSON line on stdout
import { createRequire } from 'node:module';

import { Pop3Client } from '../../bindings/js/node.js';

const { host, port, login, useKerberosPackage = true } = JSON.parse(process.argv[2]);
const kerberos = createRequire(new URL('../kerberos/package.json', import.meta.url))('kerberos');
const transcript = [];
let client;
try {
  // Plain POP3 on purpose: GSSAPI sends no secret, so no allowInsecureAuth is needed.
  client = await Pop3Client.connect({ host, port, tls: 'none', timeoutMs: 10_000 });
  client.on('transcript', ({ direction, line }) => transcript.push(`${direction === 'client' ? 'C' : 'S'}: ${line}`));
  await client.login({ ...login, gssapi: { ...login.gssapi, ...(useKerberosPackage ? { kerberos } : {}) } });
  const stat = await client.stat();
  await client.quit();
  console.log(JSON.stringify({ mechanism: client.loginMechanism, stat, transcript }));
} catch (error) {
  const { name, code, message, serverText, responseCode, serverRefused, attempts } = error;
  console.log(JSON.stringify({ error: { name, code, message, serverText, responseCode, serverRefused, attempts }, transcript }));
  client?.close();
}
