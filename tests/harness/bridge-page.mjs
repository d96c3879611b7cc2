// The browser tests' stack: headless Chromium on tests/e2e/bridge-page.html (pop3-wasm loaded,
// `window.ready` once it is) and a bridge that lets only that page's origin reach `ports` on
// localhost (private addresses allowed: the servers run on loopback).
import { startBridge } from './bridge.mjs';
import { openBrowserPage } from './browser.mjs';

/** @param {number[]} ports the target ports the page may reach */
export async function openBridgePage(ports) {
  const browser = await openBrowserPage({ path: 'tests/e2e/bridge-page.html' });
  try {
    await browser.page.waitForFunction(() => window.ready === true);
    const bridge = await startBridge({
      allow: [{ host: 'localhost', ports, allowPrivate: true }],
      origins: [new URL(browser.url).origin],
    });
    return { browser, bridge };
  } catch (error) {
    await browser.close();
    throw error;
  }
}
