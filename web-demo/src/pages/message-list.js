// The message table: from, subject, date and size from TOP n 0, with open and delete buttons.
import { h, formatSize } from '../components/dom.js';

// Number and size give way first on a phone-sized screen (styles.css).
const COLUMNS = [['#', 'col-number'], ['From'], ['Subject'], ['Date'], ['Size', 'col-size'], ['Actions']];

/**
 * @param {{ number: number, size: number, from: string, subject: string, date: string | null }[]} rows
 * @param {{ onOpen(n: number): void, onToggleDelete(n: number): void, isDeleted(n: number): boolean }} actions
 */
export function messageList(rows, actions) {
  return h('table', { class: 'messages', id: 'messages' },
    h('caption', {}, `${rows.length} message(s) on the server`),
    h('thead', {}, h('tr', {}, COLUMNS.map(([name, className]) => h('th', { scope: 'col', class: className }, name)))),
    h('tbody', {}, rows.map((row) => {
      const deleted = actions.isDeleted(row.number);
      return h('tr', { 'data-number': row.number, class: deleted ? 'deleted' : undefined },
        h('td', { class: 'col-number' }, String(row.number)),
        h('td', {}, row.from),
        h('td', { class: 'col-subject' }, h('button', { class: 'link open', onclick: () => actions.onOpen(row.number), disabled: deleted }, row.subject || '(no subject)')),
        h('td', {}, row.date ? new Date(row.date).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'short' }) : ''),
        h('td', { class: 'col-size' }, formatSize(row.size)),
        h('td', {}, h('button', { class: 'toggle-delete', onclick: () => actions.onToggleDelete(row.number), 'aria-pressed': String(deleted) },
          deleted ? 'Marked for deletion' : 'Delete')));
    })));
}
