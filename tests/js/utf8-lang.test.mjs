// RFC 6856 in the API: login() sends UTF8 before USER/PASS or APOP when the name or password is
// not ASCII and the server announces UTF8 USER, and refuses to send such credentials otherwise
// (a SASL mechanism carries UTF-8 by itself); client.utf8(), languages() and setLanguage().
import { Pop3Client } from '../../bindings/js/node.js';
import { startSampleServer } from '../harness/sample-server.mjs';
import { startScriptedServer } from '../harness/scripted-server.mjs';

const USER = 'jürgen';
const PASSWORD = 'pässwörd-ß';
const mailboxes = { [USER]: ['Subject: Grüße\r\n\r\nHallo\r\n'] };

async function server(capabilities) {
  return startSampleServer({ users: { [USER]: PASSWORD }, mailboxes, capabilities: { allowCleartextWithoutTls: true, ...capabilities } });
}

async function login(env, credentials) {
  const transcript = [];
  const client = await Pop3Client.connect({
    host: 'localhost', port: env.port, tls: 'none', allowInsecureAuth: true, onTranscript: (e) => transcript.push(e),
  });
  const outcome = await client.login({ user: USER, password: PASSWORD, ...credentials }).then(() => null, (e) => e);
  return { client, transcript, outcome, sent: transcript.filter((e) => e.direction === 'client').map((e) => e.line.split(' ')[0]) };
}

test('USER/PASS with a non-ASCII name and password: UTF8 first, then login works', async () => {
  const env = await server({ utf8: true, sasl: [], apop: false });
  try {
    const { client, outcome, sent } = await login(env, { method: 'user' });
    expect(outcome).toBeNull();
    expect(sent.slice(sent.indexOf('UTF8'))).toEqual(['UTF8', 'USER', 'PASS']);
    expect((await client.list()).length).toBe(1);
    await client.quit();
  } finally {
    await env.close();
  }
});

test('APOP with a non-ASCII password goes through UTF8 too', async () => {
  const env = await server({ utf8: true, sasl: [], userPass: false });
  try {
    const { client, outcome, sent } = await login(env, { method: 'apop' });
    expect(outcome).toBeNull();
    expect(sent.slice(sent.indexOf('UTF8'))).toEqual(['UTF8', 'APOP']);
    await client.quit();
  } finally {
    await env.close();
  }
});

test('without UTF8 USER, non-ASCII credentials are not sent with USER/PASS: a clear error', async () => {
  const env = await server({ utf8: false, sasl: [], apop: false });
  try {
    const { client, outcome, sent } = await login(env, {});
    expect(outcome).toMatchObject({ name: 'Pop3Error', code: 'UNSUPPORTED' });
    expect(outcome.message).toMatch(/does not announce UTF8 USER \(RFC 6856\); use a SASL mechanism/);
    expect(sent).not.toContain('USER');
    expect(sent).not.toContain('PASS');
    client.close();
  } finally {
    await env.close();
  }
});

test('without UTF8 USER, a SASL mechanism the server offers carries them instead', async () => {
  const env = await server({ utf8: false, sasl: ['PLAIN'], apop: false });
  try {
    const { client, outcome, sent } = await login(env, {});
    expect(outcome).toBeNull();
    expect(client.loginMechanism).toBe('PLAIN');
    expect(sent).not.toContain('UTF8');
    await client.quit();
  } finally {
    await env.close();
  }
});

test('ASCII credentials never send UTF8', async () => {
  const env = await startSampleServer({ capabilities: { allowCleartextWithoutTls: true, utf8: true, sasl: [] } });
  try {
    const transcript = [];
    const client = await Pop3Client.connect({ host: 'localhost', port: env.port, tls: 'none', allowInsecureAuth: true, onTranscript: (e) => transcript.push(e) });
    await client.login({ user: 'sample', password: 'sample', method: 'user' });
    expect(transcript.some((e) => e.direction === 'client' && e.line === 'UTF8')).toBe(false);
    await client.quit();
  } finally {
    await env.close();
  }
});

test('languages() lists what LANG offers and setLanguage() switches (a scripted RFC 6856 server)', async () => {
  const scripted = await startScriptedServer(async (socket, { lines }) => {
    socket.write('+OK ready\r\n');
    for await (const line of lines) {
      if (line === 'CAPA') socket.write('+OK\r\nUSER\r\nLANG\r\nUTF8 USER\r\n.\r\n');
      else if (line === 'LANG') socket.write('+OK Language listing follows\r\nen English\r\nsw Kiswahili\r\ni-default Default language\r\n.\r\n');
      else if (line === 'LANG sw') socket.write('+OK sw Lugha ya majibu imebadilishwa\r\n');
      else if (line === 'QUIT') socket.end('+OK kwaheri\r\n');
    }
  });
  try {
    const client = await Pop3Client.connect({ host: scripted.host, port: scripted.port, tls: 'none' });
    expect(client.capabilities.lang).toBe(true);
    expect(await client.languages()).toEqual([
      { tag: 'en', description: 'English' },
      { tag: 'sw', description: 'Kiswahili' },
      { tag: 'i-default', description: 'Default language' },
    ]);
    expect(await client.setLanguage('sw')).toBe('sw Lugha ya majibu imebadilishwa');
    expect(await client.quit()).toBe('kwaheri');
  } finally {
    await scripted.stop();
  }
});

test('a server without LANG refuses it with SERVER_ERROR', async () => {
  const env = await startSampleServer({ capabilities: { allowCleartextWithoutTls: true } });
  try {
    const client = await Pop3Client.connect({ host: 'localhost', port: env.port, tls: 'none', allowInsecureAuth: true });
    await expect(client.languages()).rejects.toMatchObject({ code: 'SERVER_ERROR' });
    await client.quit();
  } finally {
    await env.close();
  }
});
