// The header every page shares: the three pages, the current one marked for screen readers.
import { h } from './dom.js';

const PAGES = [
  ['index.html', 'Mail app'],
  ['walkthrough.html', 'Protocol walkthrough'],
  ['explainer.html', 'POP or IMAP?'],
];

export function siteNav(current) {
  return h('nav', { 'aria-label': 'Demo pages', class: 'site-nav' },
    h('ul', {}, PAGES.map(([href, label]) =>
      h('li', {}, h('a', { href, 'aria-current': href === current ? 'page' : undefined }, label)))));
}
