// Two accounts on two in-page POP3 servers, fetched in turn into one local inbox: what a POP mail
// program does when it collects several accounts. Each message arrives through the library, one
// RETR at a time, and is reported as it lands so the page can show it moving in. The servers are
// made afresh for each run, holding mail in the page's language.
import { Pop3Client } from 'pop3-wasm';
import { connectInMemory, createEmbeddedServer, MemoryMailboxStore } from 'pop3-wasm/server';

const PASSWORD = 'demo-secret';

function message(from, to, subject, hour) {
  return `From: ${from}\r\nTo: ${to}\r\nSubject: ${subject}\r\nDate: Tue, 3 Jun 2025 ${String(hour).padStart(2, '0')}:00:00 +0300\r\n\r\nHello!\r\n`;
}

/** The two accounts: an id (the message file's key for its name and mail) and the address. */
export const ACCOUNTS = [
  { id: 'work', user: 'juma', address: 'juma@work.example' },
  { id: 'home', user: 'juma', address: 'juma@home.example' },
];

export class CombineAccounts {
  /**
   * Fetches every account's mail from its own server, one account after the other.
   * @param {Record<string, string[]>} mail each account's subjects, by account id
   * @param {(item: { account: string, subject: string }) => Promise<void> | void} onMessage called as each lands; awaited
   */
  async fetchAll(mail, onMessage) {
    for (const account of ACCOUNTS) {
      const store = new MemoryMailboxStore({ [account.user]: mail[account.id].map((subject, i) => message('Amina <amina@example.org>', account.address, subject, 9 + i)) });
      const server = await createEmbeddedServer({ store, users: { [account.user]: PASSWORD } });
      const client = await Pop3Client.connect({
        transport: connectInMemory(server, { tls: 'none' }), host: 'localhost', port: 110, tls: 'none',
      });
      await client.login({ user: account.user, password: PASSWORD, method: 'apop' });
      for (const { number } of await client.list()) {
        const text = new TextDecoder().decode(await client.retrieve(number));
        await onMessage({ account: account.id, subject: text.match(/^Subject: (.*)$/m)?.[1].trim() ?? '' });
      }
      await client.quit();
    }
  }
}
