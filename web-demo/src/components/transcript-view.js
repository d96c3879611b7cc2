// The live transcript: every C:/S: line as the library reports it (secrets already redacted by
// the library), each client command followed by what it does and where the RFC defines it.
import { h } from './dom.js';
import { noteFor } from '../protocol/command-notes.js';

export function transcriptView({ label = 'Transcript' } = {}) {
  // role=log: screen readers announce new lines without rereading the whole list. It wraps the
  // list, so that the list keeps its own role.
  const list = h('ol', {});
  const box = h('div', { class: 'transcript', role: 'log', 'aria-label': label, tabindex: '0' }, list);
  return {
    element: box,
    /** @param {{ direction: 'client' | 'server', line: string }} entry */
    add({ direction, line }) {
      const who = direction === 'client' ? 'C' : 'S';
      const note = direction === 'client' ? noteFor(line) : null;
      list.append(h('li', { class: `line ${direction}` },
        h('code', {}, `${who}: ${line}`),
        note && h('span', { class: 'note' }, ` ${note.text} `, h('cite', {}, note.rfc))));
      box.scrollTop = box.scrollHeight;
    },
    clear() {
      list.replaceChildren();
    },
    lines() {
      return [...list.querySelectorAll('code')].map((code) => code.textContent);
    },
  };
}
