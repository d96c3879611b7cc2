// A real browser for the tests: a static HTTP server on 127.0.0.1 serving the repository (so a
// page can import bindings/js/*.js as ES modules and fetch the .wasm) and Debian's Chromium,
// headless, driven through playwright-core. Never downloads a browser.
//
//   const { page, url, close } = await openBrowserPage({ path: 'tests/e2e/store-page.html' });
//   const result = await page.evaluate(async () => { ... });
//   await close();
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';

/** The repository's root: what the static server serves by default. */
export const REPOSITORY_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Debian's Chromium (apt package `chromium`). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

// Module scripts are refused unless served with a JavaScript MIME type, and
// WebAssembly.instantiateStreaming requires application/wasm.
const MIME_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.cjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/plain; charset=utf-8',
  '.ts': 'text/plain; charset=utf-8',
  '.eml': 'message/rfc822',
  '.pem': 'application/x-pem-file',
};

/** @param {string} file */
export function mimeType(file) {
  return MIME_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * Serves `root` read-only on 127.0.0.1 (an ephemeral port unless `port` is given).
 * @param {{ root?: string, port?: number, headers?: Record<string, string>, fallback?: string }} [options]
 *   `headers` are added to every response, e.g. COOP/COEP for cross-origin isolation.
 *   `fallback`: a file under `root` answered, with 200, for every path that has no file, as
 *   single-page-app servers and dev servers do.
 * @returns {Promise<{ url: string, origin: string, port: number, close(): Promise<void> }>}
 *   `url` is the root's URL, ending in '/'.
 */
export async function startStaticServer({ root = REPOSITORY_ROOT, port = 0, headers = {}, fallback } = {}) {
  const base = path.resolve(root);
  const server = http.createServer(async (request, response) => {
    const send = (status, text) => {
      response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers });
      response.end(text);
    };
    if (request.method !== 'GET' && request.method !== 'HEAD') return send(405, 'GET or HEAD only\n');
    let file;
    try {
      const { pathname } = new URL(request.url, 'http://127.0.0.1');
      file = path.resolve(base, `.${decodeURIComponent(pathname)}`);
    } catch {
      return send(400, 'bad URL\n');
    }
    if (file !== base && !file.startsWith(base + path.sep)) return send(403, 'outside the served root\n');
    let info = await stat(file).catch(() => null);
    if (info?.isDirectory()) {
      file = path.join(file, 'index.html');
      info = await stat(file).catch(() => null);
    }
    if (!info?.isFile() && fallback) {
      file = path.join(base, fallback);
      info = await stat(file).catch(() => null);
    }
    if (!info?.isFile()) return send(404, `not found: ${request.url}\n`);
    response.writeHead(200, {
      'content-type': mimeType(file),
      'content-length': info.size,
      'cache-control': 'no-store',
      ...headers,
    });
    if (request.method === 'HEAD') return response.end();
    createReadStream(file).on('error', () => response.destroy()).pipe(response);
  });
  const sockets = new Set();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const origin = `http://127.0.0.1:${server.address().port}`;
  return {
    url: `${origin}/`,
    origin,
    port: server.address().port,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** The flags every test browser gets: headless, no sandbox (root), nothing that calls home. */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/**
 * One headless Chromium for many pages: `open(url)` gives a page in a fresh context (its own
 * storage) with its console collected, for tests that load many small sites.
 * @returns {Promise<{ open(url: string): Promise<{ page: import('playwright-core').Page, logs: string[], close(): Promise<void> }>, close(): Promise<void> }>}
 */
export async function launchChromium() {
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, timeout: 30_000, args: CHROMIUM_ARGS });
  return {
    async open(url) {
      const context = await browser.newContext();
      const page = await context.newPage();
      const logs = [];
      page.on('console', (message) => logs.push(`[console.${message.type()}] ${message.text()}`));
      page.on('pageerror', (error) => logs.push(`[pageerror] ${error.message}`));
      await page.goto(url);
      return { page, logs, close: () => context.close().catch(() => {}) };
    },
    close: () => browser.close().catch(() => {}),
  };
}

/**
 * Launches headless Chromium with a fresh profile (deleted on close) and opens one page.
 * @param {object} [options]
 * @param {string} [options.path] a path under the served root to open, e.g. 'tests/e2e/store-page.html'
 * @param {string} [options.root] what to serve (default: the repository)
 * @param {Record<string, string>} [options.headers] extra response headers
 * @param {string[]} [options.args] extra Chromium flags
 * @returns {Promise<{
 *   page: import('playwright-core').Page,
 *   context: import('playwright-core').BrowserContext,
 *   url: string, origin: string,
 *   logs: string[],
 *   close(): Promise<void>,
 * }>} `url` is the served root's URL (ending in '/'); `logs` collects the page's console
 *   messages and uncaught errors, to print when a test fails.
 */
export async function openBrowserPage({ path: pagePath, root, headers, args = [] } = {}) {
  const server = await startStaticServer({ root, headers });
  const profile = await mkdtemp(path.join(os.tmpdir(), 'pop3-wasm-chromium-'));
  let context;
  try {
    context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, timeout: 30_000, args: [...CHROMIUM_ARGS, ...args] });
  } catch (error) {
    await server.close();
    await rm(profile, { recursive: true, force: true });
    throw error;
  }
  const page = context.pages()[0] ?? (await context.newPage());
  const logs = [];
  page.on('console', (message) => logs.push(`[console.${message.type()}] ${message.text()}`));
  page.on('pageerror', (error) => logs.push(`[pageerror] ${error.message}`));
  if (pagePath !== undefined) await page.goto(new URL(pagePath, server.url).href);
  return {
    page,
    context,
    url: server.url,
    origin: server.origin,
    logs,
    async close() {
      await context.close().catch(() => {});
      await server.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
