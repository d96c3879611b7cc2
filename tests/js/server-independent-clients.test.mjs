// The embedded server against clients we did not write: Python's poplib (USER/PASS, APOP, STLS,
// POP3_SSL, LIST, UIDL, RETR, DELE then QUIT applied) and curl (pop3://, pop3s://, STLS with
// --ssl-reqd, listing, RETR by number, SASL PLAIN with --sasl-ir, LOGIN, CRAM-MD5, APOP). Every
// message they fetch must be byte-identical to the mailbox's wire form.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

import { MemoryMailboxStore, sampleMessages } from '../../bindings/js/server-node.js';
import { sameBytes, startSampleServer } from '../harness/sample-server.mjs';

const run = promisify(execFile);
const SAMPLE = sampleMessages();

let env;
beforeAll(async () => {
  env = await startSampleServer({ capabilities: { allowCleartextWithoutTls: true } });
});
afterAll(() => env?.close());

// poplib returns a message as lines without their CRLF (dot-unstuffed): joined back with CRLF
// they are the wire form again. The script prints JSON: messages in base64, listings, uids.
const POPLIB = String.raw`
import base64, json, poplib, ssl, sys
mode, port, cafile, login = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
ctx = ssl.create_default_context(cafile=cafile)
if mode == 'implicit':
    p = poplib.POP3_SSL('localhost', port, context=ctx)
else:
    p = poplib.POP3('localhost', port)
    if mode == 'stls':
        p.stls(context=ctx)
if login == 'apop':
    p.apop('sample', 'sample')
else:
    p.user('sample')
    p.pass_('sample')
count, size = p.stat()
listing = [l.decode() for l in p.list()[1]]
uids = [l.decode() for l in p.uidl()[1]]
messages = []
for n in range(1, count + 1):
    lines = p.retr(n)[1]
    messages.append(base64.b64encode(b''.join(l + b'\r\n' for l in lines)).decode())
if len(sys.argv) > 5:
    for n in sys.argv[5].split(','):
        p.dele(int(n))
p.quit()
print(json.dumps({'count': count, 'size': size, 'list': listing, 'uids': uids, 'messages': messages}))
`;

async function poplib(mode, port, login = 'user', dele) {
  const args = ['-c', POPLIB, mode, String(port), env.pki.file('ca.pem'), login];
  if (dele) args.push(dele);
  const { stdout } = await run('python3', args, { maxBuffer: 64 << 20 });
  return JSON.parse(stdout);
}

function expectWholeSample(result) {
  expect(result.count).toBe(SAMPLE.length);
  expect(result.list).toEqual(SAMPLE.map((m, i) => `${i + 1} ${m.bytes.length}`));
  expect(result.uids).toEqual(SAMPLE.map((m, i) => `${i + 1} ${m.uid}`));
  result.messages.forEach((b64, i) => expect(sameBytes(Buffer.from(b64, 'base64'), SAMPLE[i].bytes)).toBe(true));
}

describe('python3 poplib', () => {
  test('USER/PASS in clear: LIST, UIDL, every RETR byte-identical', async () => {
    expectWholeSample(await poplib('plain', env.port));
  });

  test('APOP', async () => {
    expectWholeSample(await poplib('plain', env.port, 'apop'));
  });

  test('stls() then USER/PASS', async () => {
    expectWholeSample(await poplib('stls', env.port));
  });

  test('POP3_SSL (implicit TLS) with APOP', async () => {
    expectWholeSample(await poplib('implicit', env.implicitTlsPort, 'apop'));
  });

  test('DELE then QUIT: a new session sees the deletions applied', async () => {
    const own = await startSampleServer({ store: new MemoryMailboxStore({ sample: SAMPLE }) });
    try {
      const first = await poplib('implicit', own.implicitTlsPort, 'user', '1,3');
      expect(first.count).toBe(SAMPLE.length);
      const second = await poplib('implicit', own.implicitTlsPort);
      expect(second.count).toBe(SAMPLE.length - 2);
      expect(second.uids.map((l) => l.split(' ')[1])).toEqual(SAMPLE.filter((_, i) => i !== 0 && i !== 2).map((m) => m.uid));
    } finally {
      await own.close();
    }
  });
});

describe('curl', () => {
  async function curl(url, extra = []) {
    const { stdout } = await run('curl', ['-sS', '--max-time', '20', '-u', 'sample:sample', ...extra, url], {
      encoding: 'buffer',
      maxBuffer: 64 << 20,
    });
    return stdout;
  }

  test('pop3:// listing', async () => {
    const listing = (await curl(`pop3://127.0.0.1:${env.port}/`)).toString();
    expect(listing).toBe(SAMPLE.map((m, i) => `${i + 1} ${m.bytes.length}\r\n`).join(''));
  });

  test.each(SAMPLE.map((_, i) => i + 1))('pop3:// RETR %i byte-identical', async (n) => {
    expect(sameBytes(await curl(`pop3://127.0.0.1:${env.port}/${n}`), SAMPLE[n - 1].bytes)).toBe(true);
  });

  test.each([1, 6, 7])('pop3s:// RETR %i byte-identical (implicit TLS, --cacert)', async (n) => {
    const out = await curl(`pop3s://localhost:${env.implicitTlsPort}/${n}`, ['--cacert', env.pki.file('ca.pem')]);
    expect(sameBytes(out, SAMPLE[n - 1].bytes)).toBe(true);
  });

  test('pop3:// with --ssl-reqd upgrades with STLS', async () => {
    const out = await curl(`pop3://localhost:${env.port}/5`, ['--ssl-reqd', '--cacert', env.pki.file('ca.pem')]);
    expect(sameBytes(out, SAMPLE[4].bytes)).toBe(true);
  });

  test.each([
    ['AUTH=PLAIN with --sasl-ir', ['--login-options', 'AUTH=PLAIN', '--sasl-ir']],
    ['AUTH=PLAIN', ['--login-options', 'AUTH=PLAIN']],
    ['AUTH=LOGIN', ['--login-options', 'AUTH=LOGIN']],
    ['AUTH=CRAM-MD5', ['--login-options', 'AUTH=CRAM-MD5']],
    ['APOP', ['--login-options', 'AUTH=+APOP']],
  ])('login %s', async (_, options) => {
    const out = await curl(`pop3://127.0.0.1:${env.port}/2`, options);
    expect(sameBytes(out, SAMPLE[1].bytes)).toBe(true);
  });

  test('custom commands: UIDL and TOP', async () => {
    const uidl = (await curl(`pop3://127.0.0.1:${env.port}/`, ['-X', 'UIDL'])).toString();
    expect(uidl).toBe(SAMPLE.map((m, i) => `${i + 1} ${m.uid}\r\n`).join(''));
    const top = (await curl(`pop3://127.0.0.1:${env.port}/`, ['-X', 'TOP 1 0'])).toString('latin1');
    const message = Buffer.from(SAMPLE[0].bytes).toString('latin1');
    expect(top).toBe(message.slice(0, message.indexOf('\r\n\r\n') + 4));
  });

  test('a wrong password fails (exit code 67, login denied)', async () => {
    await expect(run('curl', ['-sS', '-u', 'sample:wrong', `pop3://127.0.0.1:${env.port}/1`])).rejects.toMatchObject({ code: 67 });
  });
});
