// The header every page shares: the three pages, the current one marked for screen readers. Its
// words come from a message file (src/i18n), so that it follows the page's language.
import { h } from './dom.js';

const PAGES = [
  ['index.html', 'mail'],
  ['walkthrough.html', 'walkthrough'],
  ['explainer.html', 'explainer'],
];

/** @param {string} current the page's file @param {{ label: string, mail: string, walkthrough: string, explainer: string }} words */
export function siteNav(current, words) {
  return h('nav', { 'aria-label': words.label, class: 'site-nav' },
    h('ul', {}, PAGES.map(([href, key]) =>
      h('li', {}, h('a', { href, 'aria-current': href === current ? 'page' : undefined }, words[key])))));
}
