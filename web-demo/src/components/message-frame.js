// A message's HTML, sanitised with DOMPurify and shown in a sandboxed iframe: no scripts (neither
// the sandbox nor the CSP allows them), and no remote content, since the CSP lets images come
// only from blob: URLs, which is how the inline cid: images are handed in.
import DOMPurify from 'dompurify';

import { h } from './dom.js';

const CSP = "default-src 'none'; img-src blob: data:; style-src 'unsafe-inline'; script-src 'none'; form-action 'none'";

/**
 * @param {string} html
 * @param {(cid: string) => string | null} resolveCid a blob: URL for a Content-ID, or null
 */
export function messageFrame(html, resolveCid, title = 'Message content') {
  const clean = DOMPurify.sanitize(html, { WHOLE_DOCUMENT: false, FORBID_TAGS: ['form', 'base', 'meta'] });
  const doc = new DOMParser().parseFromString(clean, 'text/html');
  for (const img of doc.querySelectorAll('img[src]')) {
    const src = img.getAttribute('src');
    if (/^cid:/i.test(src)) {
      const url = resolveCid(src.slice(4));
      if (url) img.setAttribute('src', url);
      else img.removeAttribute('src');
    }
  }
  const srcdoc = `<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${CSP}"></head><body>${doc.body.innerHTML}</body></html>`;
  // allow-same-origin without allow-scripts: the frame can show the page's blob: images, and
  // nothing in it can run.
  return h('iframe', { class: 'message-html', sandbox: 'allow-same-origin', title, srcdoc });
}
