// Copies in this browser: sync() saves the server's mail into IndexedDB under the chosen policy
// ("leave a copy on the server", "delete from the server after N days"), and the saved copies
// are listed and opened from IndexedDB alone, so they stay readable when the server is gone.
// "Pretend days have passed" hands sync() a clock that far ahead, so that a learner can watch
// "delete after N days" act without waiting N days.
import { sync } from 'pop3-wasm';
import { parseMessage } from 'pop3-wasm/mime';
import { IndexedDbStore } from 'pop3-wasm/stores/indexeddb';

import { fill, formatSize, h } from '../components/dom.js';

/**
 * @param {{ getClient(): import('pop3-wasm').Pop3Client | null, account(): string | null,
 *   progress: HTMLProgressElement, say(text: string): void, show(message: object): void,
 *   sessionEnded(): void }} app
 */
export function localCopies(app) {
  let store = null;
  const openStore = async () => (store ??= await IndexedDbStore.open('pop3-wasm-demo'));

  const leaveCopy = h('input', { type: 'checkbox', id: 'sync-leave-copy', checked: true });
  const days = h('input', { type: 'number', id: 'sync-days', min: 0, max: 3650, value: 0, 'aria-describedby': 'sync-days-hint' });
  const daysLater = h('input', { type: 'number', id: 'sync-days-later', min: 0, max: 3650, value: 0, 'aria-describedby': 'sync-days-later-hint' });
  const list = h('div', { id: 'local-list' });
  const syncButton = h('button', { id: 'sync', type: 'button', onclick: () => saveAll() }, 'Save the mailbox in this browser (sync)');

  async function saveAll() {
    const client = app.getClient();
    if (!client) return app.say('Connect first: saving needs the server.');
    const keepDays = Number(days.value);
    const shift = Number(daysLater.value) * 24 * 60 * 60 * 1000;
    const policy = leaveCopy.checked
      ? (keepDays > 0 ? { retention: 'keep-days', keepDays } : { retention: 'keep' })
      : { retention: 'delete' };
    app.progress.hidden = false;
    let outcome;
    try {
      const result = await sync(client, await openStore(), policy, {
        account: app.account(),
        now: () => Date.now() + shift,
        onProgress: ({ count, total }) => {
          app.progress.max = total || 1;
          app.progress.value = count;
        },
      });
      outcome = `Saved ${result.fetched} message(s) in this browser${result.deleted ? `; ${result.deleted} deleted from the server at QUIT` : ''}. The session has ended (sync QUITs).`;
    } catch (error) {
      outcome = `${error.code ?? 'ERROR'}: ${error.message}`;
    } finally {
      app.progress.hidden = true;
      app.sessionEnded();
    }
    // Said once the list below shows what was saved.
    await refresh();
    app.say(outcome);
  }

  async function refresh() {
    let saved;
    try {
      saved = await (await openStore()).list();
    } catch (error) {
      fill(list, h('p', {}, `This browser cannot keep copies: ${error.message}`));
      return;
    }
    if (saved.length === 0) {
      fill(list, h('p', {}, 'Nothing saved in this browser yet.'));
      return;
    }
    const rows = await Promise.all(saved.map(async (entry) => {
      const parsed = await parseMessage(await entry.read());
      const row = { entry, subject: parsed.subject ?? '(no subject)', from: parsed.from[0]?.name ?? parsed.from[0]?.address ?? '' };
      parsed.close();
      return row;
    }));
    fill(list, h('table', { id: 'local-messages' },
      h('caption', {}, `${rows.length} message(s) saved in this browser`),
      h('thead', {}, h('tr', {}, ['Account', 'From', 'Subject', 'Size'].map((name) => h('th', { scope: 'col' }, name)))),
      h('tbody', {}, rows.map(({ entry, subject, from }) => h('tr', { 'data-key': entry.key },
        h('td', {}, entry.account),
        h('td', {}, from),
        h('td', {}, h('button', { class: 'link open-local', type: 'button', onclick: async () => app.show(await parseMessage(await entry.read())) }, subject)),
        h('td', {}, formatSize(entry.size)))))));
  }

  const element = h('section', { id: 'local-copies', 'aria-labelledby': 'local-heading' },
    h('h2', { id: 'local-heading' }, 'Copies in this browser'),
    h('p', {}, 'POP is made for keeping mail on your own machine. Saved copies live in this browser\'s IndexedDB and can be read without the server.'),
    h('div', { class: 'field-inline' }, leaveCopy, ' ', h('label', { for: 'sync-leave-copy' }, 'Leave a copy on the server')),
    h('div', { class: 'field' }, h('label', { for: 'sync-days' }, 'Delete from the server after this many days (0: never)'), days,
      h('small', { id: 'sync-days-hint' }, 'Only with "leave a copy": the server copy is deleted by a later sync once it is this old.')),
    h('div', { class: 'field' }, h('label', { for: 'sync-days-later' }, 'Pretend this many days have passed (to watch the rule above act)'), daysLater,
      h('small', { id: 'sync-days-later-hint' }, 'The next sync runs with its clock this far ahead; nothing else changes.')),
    syncButton,
    list);
  return { element, refresh };
}
