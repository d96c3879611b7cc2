// Compiled by tsc (no emit) in `npm test`: the package's declarations describe its real API.
import {
  Pop3Client, Pop3Error, ErrorCode, sync, syncAccount, configureWasm, loadCore, diagnose,
  type MessageInfo, type Capabilities, type MessageStore, type SessionState, type GssapiProvider,
} from 'pop3-wasm';
import {
  ParsedMessage, parseMessage, retrieveMessage, loadMime, type Attachment, type MimeDamageKind,
} from 'pop3-wasm/mime';
import { MaildirStore } from 'pop3-wasm/stores/maildir';
import { IndexedDbStore } from 'pop3-wasm/stores/indexeddb';
import {
  createServer, createEmbeddedServer, connectInMemory, deriveScramKeys, sampleMailboxStore, sampleMessages,
  MemoryMailboxStore, MaildirMailboxStore, type ServerFaults,
} from 'pop3-wasm/server';

async function example(): Promise<void> {
  const controller = new AbortController();
  const client = await Pop3Client.connect({
    host: 'pop.example.com',
    port: 995,
    tls: 'implicit',
    tlsEngine: 'wasm',
    ca: '-----BEGIN CERTIFICATE-----\n...',
    pins: ['sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA='],
    minVersion: 'TLSv1.2',
    timeoutMs: 10_000,
    signal: controller.signal,
    onTranscript: ({ direction, line }) => console.log(direction, line),
  });
  const caps: Capabilities | null = client.capabilities;
  if (client.secure) console.log(client.tls?.protocol, client.tls?.cipher, client.tls?.engine);
  if (caps?.pipelining) console.log('pipelining', caps.sasl.join(' '));
  await client.login({ user: 'alice', password: 'secret', method: 'auto' });
  const { count, size } = await client.stat();
  const list: MessageInfo[] = await client.list();
  const one = await client.list(1);
  const uids = await client.uidl();
  const bytes: Uint8Array = await client.retrieve(list[0].number, { timeoutMs: 5000 });
  for await (const chunk of client.retrieveStream(1, { highWaterMark: 1 << 16 })) console.log(chunk.length);
  const head: Uint8Array = await client.top(1, 0);
  await client.delete(1);
  await client.reset();
  const langs: { tag: string; description: string }[] = await client.languages();
  const switched: string = await client.setLanguage(langs[0]?.tag ?? '*');
  await client.utf8();
  console.log(switched);
  await client.noop();
  const bye: string = await client.quit();
  console.log(count, size, one.size, uids[0]?.uid, bytes.length, head.length, bye);
  client.on('error', (e: Pop3Error) => console.log(e.code, e.responseCode, e.offset));
  try {
    await client.stat();
  } catch (e) {
    if (e instanceof Pop3Error && e.code === ErrorCode.TIMEOUT) console.log('timed out');
    if (e instanceof Pop3Error) console.log(e.serverRefused, e.attempts?.map((a) => `${a.mechanism} ${a.responseCode ?? ''}`));
  }
}
async function kerberos(provider: GssapiProvider): Promise<void> {
  const client = await Pop3Client.connect({ host: 'pop.example.com', port: 995 });
  try {
    await client.login({ user: 'alice', gssapi: { hostname: 'pop.example.com', service: 'pop' } });
  } catch (e) {
    if (e instanceof Pop3Error && e.code === ErrorCode.UNSUPPORTED_IN_BROWSER) {
      await client.login({ user: 'alice', gssapi: { provider }, authzid: 'shared-mailbox' });
    }
  }
  const { token, complete } = await provider.initSecContext(new Uint8Array(0));
  console.log(token?.length, complete, (await provider.wrap(new Uint8Array([1, 0, 0, 0]))).length);
}
async function syncing(store: MessageStore): Promise<void> {
  const client = await Pop3Client.connect({ host: 'pop.example.com', port: 995 });
  await client.login({ user: 'alice', accessToken: 'token', mechanisms: ['OAUTHBEARER'] });
  await client.login({ user: 'alice', password: 'pw', mechanisms: ['SCRAM-SHA-512-PLUS', 'SCRAM-SHA-256-PLUS'], forbid: ['SCRAM-SHA-1'] });
  const result = await sync(client, store, { retention: 'keep-days', keepDays: 14 }, {
    onProgress: ({ count, total, rate, etaSeconds }) => console.log(count, total, rate, etaSeconds),
  });
  console.log(result.fetched, result.warnings.join('\n'));
  const raw3 = new Uint8Array(3);
  await syncAccount({ host: 'pop.example.com', port: 995 }, { user: 'a', password: 'b', sdps: { domain: 'example.org' } },
    new MaildirStore('./Mail'), { retention: 'delete' });
  const browserStore = await IndexedDbStore.open('mail');
  console.log((await browserStore.list()).length);
  await browserStore.putBatch('alice@example.com', [{ record: { key: 'u1', storedAt: 1, partial: false, size: 3 }, content: raw3 }]);
}
async function parsing(client: Pop3Client, raw: Uint8Array): Promise<void> {
  const message: ParsedMessage = await retrieveMessage(client, 1, { highWaterMark: 1 << 16 });
  if (message instanceof ParsedMessage) console.log('a ParsedMessage');
  console.log(message.subject, message.from[0]?.name ?? message.from[0]?.address, message.date, message.text?.length);
  for (const a of message.attachments) console.log(a.filename, a.contentType, a.size, a.content().length);
  const logo: Attachment | null = message.resolveCid('cid:logo@example.org');
  for (const d of message.damage) {
    const kind: MimeDamageKind = d.kind;
    // @ts-expect-error: damage kinds are a closed union
    const wrong: MimeDamageKind = 'no-such-kind';
    console.log(kind, wrong, d.partId, d.offset);
  }
  console.log(logo?.sha256, message.parts.children.map((p) => p.partId), JSON.stringify(message.toJSON()));
  message.close();
  const streamed = await parseMessage(client.retrieveStream(2));
  console.log((await parseMessage(raw)).html, streamed.content('1').length);
}
async function doctor(): Promise<void> {
  const d = await diagnose({ host: 'pop.example.com', user: 'alice', password: 'secret' });
  for (const p of d.probes) console.log(p.name, p.ok, p.tlsInfo?.protocol, p.methods?.filter((m) => !m.safe).map((m) => m.why));
  console.log(d.recommendation?.tls, d.recommendation?.mechanism, d.report);
}
void doctor;

async function loading(): Promise<void> {
  configureWasm({ core: '/static/pop3-core.wasm', mime: (defaultUrl) => new URL('pop3-mime.wasm', defaultUrl) });
  const core = await loadCore({ wasm: { core: new Uint8Array(8) } });
  console.log(core.heapInUse(), (await loadMime()).HEAPU8.length);
  const client = await Pop3Client.connect({ host: 'h', port: 995, wasm: { core: new URL('https://cdn.example/pop3-core.wasm') } });
  const state: SessionState = client.state;
  // @ts-expect-error: states are a closed union
  const notAState: SessionState = 'LOGGED-IN';
  try {
    await parseMessage('Subject: x\r\n\r\n', { wasm: { mime: new ArrayBuffer(8) } });
  } catch (e) {
    if (e instanceof Pop3Error && e.code === 'WASM_LOAD_FAILED') console.log(e.url, state, notAState);
  }
}
async function serving(): Promise<void> {
  const keys = await deriveScramKeys('SCRAM-SHA-256', 'secret', { iterations: 8192 });
  const keys512 = await deriveScramKeys('SCRAM-SHA-512', 'secret');
  const server = createServer({
    users: { sample: 'sample', bob: { scramSha256: keys, scramSha512: keys512 } },
    store: sampleMailboxStore(),
    tls: { cert: '-----BEGIN CERTIFICATE-----', key: '-----BEGIN PRIVATE KEY-----' },
    implicitTlsPort: 0,
    capabilities: { allowCleartextWithoutTls: true, sasl: ['PLAIN'] },
    delays: { replyMs: 10 },
  });
  const { port, implicitTlsPort } = await server.listen();
  server.on('close', ({ session, reason }) => console.log(session.id, reason));
  const faults: ServerFaults = { inUse: true, cutRetrAfterBytes: 100 };
  server.faults = faults;
  // @ts-expect-error: faults are a closed set
  server.faults = { explode: true };
  await server.close();
  const inPage = await createEmbeddedServer({ users: { a: 'b' }, mailboxes: { a: ['Subject: x\r\n\r\nhi\r\n'] } });
  const client = await Pop3Client.connect({ transport: connectInMemory(inPage, { tls: 'none' }), host: 'memory', port: 110, tls: 'none' });
  const store = new MemoryMailboxStore();
  const uid: string = store.add('a', new Uint8Array(3));
  console.log(port, implicitTlsPort, sampleMessages()[0].bytes.length, uid, new MaildirMailboxStore('./Mail'), client.state);
}
void serving;
void example;
void loading;
void syncing;
void parsing;
