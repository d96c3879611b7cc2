// One message: its headers, its text, its HTML in the sandboxed frame, and its attachments.
import { h, formatSize } from '../components/dom.js';
import { messageFrame } from '../components/message-frame.js';

const names = (list) => list.map((a) => (a.name ? `${a.name} <${a.address}>` : a.address)).join(', ');

/** @param {import('pop3-wasm/mime').ParsedMessage} message @param {string[]} blobUrls collects URLs to revoke */
export function messageView(message, blobUrls) {
  const blobFor = (attachment) => {
    const url = URL.createObjectURL(new Blob([attachment.content()], { type: attachment.contentType }));
    blobUrls.push(url);
    return url;
  };
  const headers = [['From', names(message.from)], ['To', names(message.to)], ['Date', message.date ?? ''], ['Subject', message.subject ?? '']];
  const downloads = message.attachments.filter((a) => !a.related);
  return h('article', { class: 'message-view', id: 'message-view', 'aria-labelledby': 'message-subject' },
    h('h2', { id: 'message-subject' }, message.subject ?? '(no subject)'),
    h('dl', { class: 'headers' }, headers.map(([name, value]) => [h('dt', {}, name), h('dd', {}, value)])),
    message.html
      ? messageFrame(message.html, (cid) => {
          const part = message.resolveCid(cid);
          return part ? blobFor(part) : null;
        })
      : h('pre', { class: 'message-text' }, message.text ?? ''),
    message.html && message.text && h('details', {}, h('summary', {}, 'Plain-text version'), h('pre', { class: 'message-text' }, message.text)),
    downloads.length > 0 && h('section', { 'aria-label': 'Attachments' },
      h('h3', {}, 'Attachments'),
      h('ul', { class: 'attachments' }, downloads.map((a) =>
        h('li', {}, h('a', { href: blobFor(a), download: a.filename ?? `part-${a.partId}` }, a.filename ?? `part ${a.partId}`), ` (${a.contentType}, ${formatSize(a.size)})`)))));
}
