// Two devices fetching by POP3 from one in-page server: each downloads what it does not have,
// keeps it locally, and deletes it from the server unless "leave a copy" is set. The mail's
// subjects come from the page's message file: new mail arrives in the page's language.
import { Pop3Client } from 'pop3-wasm';
import { connectInMemory, createEmbeddedServer, MemoryMailboxStore } from 'pop3-wasm/server';

const USER = 'family';
const PASSWORD = 'shared-secret';

function message(n, subject) {
  return `From: Amina <amina@example.org>\r\nTo: family@example.org\r\nSubject: ${subject}\r\nDate: Mon, 2 Jun 2025 0${n}:00:00 +0300\r\nMessage-ID: <m${n}@example.org>\r\n\r\nHello!\r\n`;
}

export class PopDevices {
  constructor() {
    this.devices = { laptop: new Map(), phone: new Map() };
    this.sent = 0;
  }

  /** @param {string[]} subjects what new mail is about, in turn */
  async start(subjects) {
    this.store = new MemoryMailboxStore({ [USER]: [] });
    this.server = await createEmbeddedServer({ store: this.store, users: { [USER]: PASSWORD } });
    this.devices.laptop.clear();
    this.devices.phone.clear();
    this.sent = 0;
    this.deliver(subjects);
    this.deliver(subjects);
  }

  /** A new message reaches the server. */
  deliver(subjects) {
    const n = this.sent++ % subjects.length;
    this.store.add(USER, message(n + 1, subjects[n]));
  }

  onServer() {
    return this.store.messages(USER).length;
  }

  /** POP's workflow for one device; returns { got, deleted }. */
  async check(device, leaveCopy) {
    const local = this.devices[device];
    const client = await Pop3Client.connect({
      transport: connectInMemory(this.server, { tls: 'none' }), host: 'localhost', port: 110, tls: 'none', allowInsecureAuth: true,
    });
    await client.login({ user: USER, password: PASSWORD, method: 'apop' });
    let got = 0;
    let deleted = 0;
    for (const { number, uid } of await client.list()) {
      if (!local.has(uid)) {
        const text = new TextDecoder().decode(await client.retrieve(number));
        local.set(uid, text.match(/^Subject: (.*)$/m)?.[1].trim() ?? '');
        got++;
      }
      // Stored locally first, then deleted: nothing is lost if the session breaks.
      if (!leaveCopy) {
        await client.delete(number);
        deleted++;
      }
    }
    await client.quit();
    while (this.server.sessionCount > 0) await new Promise((resolve) => setTimeout(resolve, 5));
    return { got, deleted };
  }
}
