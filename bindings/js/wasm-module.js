/**
 * Loads the WASM modules: the protocol module in two flavours, pop3-core (client, server and the
 * OpenSSL TLS engine) and pop3-core-lite (the client without a TLS engine), and the MIME module
 * (pop3-mime). Which protocol flavour a connection gets is decided up front
 * (docs/architecture.md, "Module flavours"): the full one when TLS must run in WASM or for the
 * server, the lite one otherwise (Node's TLS, `tls: 'none'`, a TLS-terminating bridge).
 *
 * Where a module's .wasm comes from, in order: the `wasm` option of the call that loads it, then
 * configureWasm(), then the file next to this package. The default is written as
 * `new URL('./wasm/....wasm', import.meta.url)`, literally at each call site, because that is the
 * form Vite, webpack 5 and Rollup plugins recognise to emit the file with the bundle; Node reads
 * it from disk. Every way of failing to load ends in one typed error, WASM_LOAD_FAILED, which names
 * the URL, what came back, and the likely fix (docs/bundlers.md).
 *
 * The module is compiled here, not by Emscripten's glue, so that the bytes can be checked first
 * and a Content Security Policy refusal recognised; the glue gets the compiled module through its
 * `instantiateWasm` hook.
 */
import { Pop3Error } from './errors.js';
import { platform } from './platform.js';
import createPop3Core from './wasm/pop3-core.mjs';
import createPop3CoreLite from './wasm/pop3-core-lite.mjs';

/** @typedef {import('./index.js').WasmSource} WasmSource */

const WASM_MAGIC = [0x00, 0x61, 0x73, 0x6d];
const MODULES = ['core', 'coreLite', 'mime'];
const BUNDLER_GUIDE = 'see docs/bundlers.md in the pop3-wasm package';
const DEFAULT_SOURCE = Symbol('the file next to the package');

/** What configureWasm() set, per module. */
const configured = { core: undefined, coreLite: undefined, mime: undefined };

/**
 * Sets where the WASM modules are loaded from when a call does not say: a URL (e.g. a CDN, or
 * where your build copied the files), the bytes, a compiled `WebAssembly.Module`, or a function
 * `(defaultUrl) => any of these`. Takes effect for modules not yet loaded. `core` is the full
 * protocol module (pop3-core.wasm), `coreLite` the one without a TLS engine
 * (pop3-core-lite.wasm); naming `core` alone makes it serve every connection.
 * @param {{ core?: WasmSource, coreLite?: WasmSource, mime?: WasmSource }} sources
 */
export function configureWasm(sources) {
  if (sources === null || typeof sources !== 'object') {
    throw new Pop3Error('INVALID_ARGUMENT', 'configureWasm takes { core, coreLite, mime }');
  }
  for (const [which, source] of Object.entries(sources)) {
    if (!MODULES.includes(which)) {
      throw new Pop3Error('INVALID_ARGUMENT', `configureWasm: unknown module '${which}' (expected 'core', 'coreLite' or 'mime')`);
    }
    checkSource(source, `configureWasm: ${which}`);
    configured[which] = source;
  }
}

function checkSource(source, what) {
  const ok =
    source === undefined ||
    typeof source === 'string' ||
    source instanceof URL ||
    source instanceof WebAssembly.Module ||
    source instanceof ArrayBuffer ||
    ArrayBuffer.isView(source) ||
    typeof source === 'function';
  if (!ok) {
    throw new Pop3Error(
      'INVALID_ARGUMENT',
      `${what}: expected a URL, a string, bytes, a WebAssembly.Module or a function returning one`,
    );
  }
}

/**
 * Returns `load(source)` memoised per source: each distinct source is loaded at most once per
 * realm, a call without a source reuses whichever module is loaded, and a failed load is
 * forgotten so that a later call retries (a network error).
 * @template T
 * @param {'core' | 'coreLite' | 'mime'} which
 * @param {(source: WasmSource | undefined) => Promise<T>} load
 * @returns {((options?: { wasm?: { core?: WasmSource, coreLite?: WasmSource, mime?: WasmSource } }) => Promise<T>) & { started: () => boolean }}
 */
export function loadOncePerSource(which, load) {
  const loads = new Map();
  const loadOnce = (options) => {
    const wanted = options?.wasm?.[which];
    checkSource(wanted, `wasm.${which}`);
    // A call that names no source takes the module already loaded, whatever its source: sync()
    // must not load a second copy from the default URL after connect({ wasm }) loaded one.
    if (wanted === undefined && loads.size > 0) return loads.values().next().value;
    const source = wanted ?? configured[which];
    const key = source ?? DEFAULT_SOURCE;
    let promise = loads.get(key);
    if (!promise) {
      promise = load(source);
      loads.set(key, promise);
      promise.catch(() => loads.delete(key));
    }
    return promise;
  };
  loadOnce.started = () => loads.size > 0;
  return loadOnce;
}

/**
 * Compiles the WASM that `source` designates (`defaultUrl` when there is none) and instantiates
 * it with Emscripten's glue `createModule`.
 * @param {(moduleArg: object) => Promise<any>} createModule
 * @param {URL} defaultUrl
 * @param {WasmSource | undefined} source
 * @param {(module: WebAssembly.Module) => void} [checkModule] may throw before instantiation
 */
export async function instantiate(createModule, defaultUrl, source, checkModule) {
  const compiled = await compile(defaultUrl, source);
  checkModule?.(compiled);
  return new Promise((resolve, reject) => {
    createModule({
      instantiateWasm(imports, receiveInstance) {
        WebAssembly.instantiate(compiled, imports).then(
          (instance) => receiveInstance(instance, compiled),
          (error) => reject(loadFailed(defaultUrl.href, `could not instantiate it: ${error.message}`, '', error)),
        );
        return {};  // exports arrive through receiveInstance
      },
    }).then(resolve, reject);
  });
}

/** @returns {Promise<WebAssembly.Module>} */
async function compile(defaultUrl, source) {
  if (typeof source === 'function') {
    source = await source(defaultUrl);
    checkSource(source, 'the wasm locator\'s result');
  }
  if (source instanceof WebAssembly.Module) return source;
  if (source instanceof ArrayBuffer || ArrayBuffer.isView(source)) {
    const bytes = source instanceof ArrayBuffer ? new Uint8Array(source) : new Uint8Array(source.buffer, source.byteOffset, source.byteLength);
    return compileBytes(bytes, 'the bytes passed as `wasm`');
  }
  const url = source === undefined ? defaultUrl : new URL(String(source), globalThis.location?.href ?? defaultUrl);
  let fetched = await fetchWasm(url);
  const retry = fetched.ok ? null : viteDepsFallback(url);
  if (retry) {
    const second = await fetchWasm(retry);
    if (second.ok) fetched = second;
  }
  if (!fetched.ok) throw fetched.error;
  return compileBytes(fetched.bytes, fetched.url.href);
}

/**
 * The bytes at `url`, checked to be WebAssembly.
 * @returns {Promise<{ ok: true, url: URL, bytes: Uint8Array } | { ok: false, error: Pop3Error }>}
 */
async function fetchWasm(url) {
  const where = url.href;
  if (url.protocol === 'file:' && platform.readFileUrl) {
    try {
      return checked(url, await platform.readFileUrl(url), '');
    } catch (error) {
      return { ok: false, error: loadFailed(where, `could not read the file: ${error.message}`, 'reinstall the package, or build it (npm run build)', error) };
    }
  }
  let response;
  try {
    response = await fetch(url);
  } catch (error) {
    return {
      ok: false,
      error: loadFailed(
        where,
        `the request failed (${error.message})`,
        "check that the URL is reachable from the page; a Content Security Policy must allow it in connect-src, and another origin must send CORS headers",
        error,
      ),
    };
  }
  if (!response.ok) {
    return {
      ok: false,
      error: loadFailed(
        where,
        `the server answered HTTP ${response.status}`,
        `the bundler did not emit the file, or it is not served there: serve node_modules/pop3-wasm/bindings/js/wasm/ beside your bundle, or call configureWasm() with its URL (${BUNDLER_GUIDE})`,
      ),
    };
  }
  const bytes = new Uint8Array(await response.arrayBuffer());
  return checked(url, bytes, response.headers.get('content-type') ?? '');
}

function checked(url, bytes, contentType) {
  if (WASM_MAGIC.every((byte, i) => bytes[i] === byte)) return { ok: true, url, bytes };
  const head = new TextDecoder().decode(bytes.subarray(0, 256)).trimStart();
  const html = contentType.includes('text/html') || head.startsWith('<');
  const what = html
    ? 'an HTML page came back instead of WebAssembly'
    : `the ${bytes.length} bytes that came back are not WebAssembly (they do not start with \\0asm)`;
  const hint = html
    ? `a dev server answers unknown paths with index.html, so the file is not where the code looks for it; with Vite 5 or 6, add optimizeDeps: { exclude: ['pop3-wasm'] } to vite.config, or call configureWasm() with the file's URL (${BUNDLER_GUIDE})`
    : 'the file is damaged or is not the module: reinstall the package';
  return { ok: false, error: loadFailed(url.href, what, hint) };
}

async function compileBytes(bytes, where) {
  try {
    return await WebAssembly.compile(bytes);
  } catch (error) {
    if (/Content Security Policy|unsafe-eval/i.test(error.message)) {
      throw loadFailed(
        where,
        "the page's Content Security Policy forbids compiling WebAssembly",
        "add 'wasm-unsafe-eval' to the policy's script-src (it allows WebAssembly only, not JavaScript eval)",
        error,
      );
    }
    throw loadFailed(where, `it is not valid WebAssembly: ${error.message}`, 'the file is damaged or from another version: reinstall the package', error);
  }
}

/**
 * Vite 5 and 6 pre-bundle dependencies into node_modules/.vite/deps/ and point the package's
 * `new URL('./wasm/…', import.meta.url)` there, where the dev server has no such file. The
 * package's own copy is still served from node_modules, so one retry there finds it.
 */
function viteDepsFallback(url) {
  const match = /^(.*\/node_modules\/)\.vite\/deps[^/]*\/(?:wasm\/)?([^/]+\.wasm)$/.exec(url.pathname);
  if (!match) return null;
  return new URL(`${match[1]}pop3-wasm/bindings/js/wasm/${match[2]}`, url);
}

function loadFailed(url, what, hint, cause) {
  const message = `could not load the WebAssembly module from ${url}: ${what}${hint ? `. Fix: ${hint}` : ''}`;
  return new Pop3Error('WASM_LOAD_FAILED', message, { url, cause });
}

// Each protocol module names its flavour in a custom section (scripts/tag-wasm-flavour.mjs): the
// two link differently, so the full module's glue cannot instantiate the lite .wasm at all.
const flavourOf = (module) => {
  const [section] = WebAssembly.Module.customSections(module, 'pop3-wasm-flavour');
  return section === undefined ? undefined : new TextDecoder().decode(section);
};
class OtherFlavour extends Error {}
const expectFlavour = (wanted) => (module) => {
  const found = flavourOf(module);
  if (found !== undefined && found !== wanted) throw new OtherFlavour(found);
};

const loadFull = loadOncePerSource('core', (source) =>
  instantiate(createPop3Core, new URL('./wasm/pop3-core.wasm', import.meta.url), source, expectFlavour('full')),
);
const loadLite = loadOncePerSource('coreLite', (source) =>
  instantiate(createPop3CoreLite, new URL('./wasm/pop3-core-lite.wasm', import.meta.url), source, expectFlavour('lite')),
);

/**
 * Loads (once per source) the protocol module. `options.wasm.core` / `options.wasm.coreLite`
 * override where each flavour comes from.
 *
 * `need.wasmTls`: true when TLS will run in WASM, `need.server`: true for the server; either
 * takes the full module (pop3-core.wasm). `wasmTls: false`: a client whose TLS does not run in
 * WASM, which gets the lite module (pop3-core-lite.wasm) unless the full one is loaded or is the
 * only one named (it does everything the lite one does). Neither: work without a connection
 * (sync planning): whichever is loaded, else the full one.
 * @param {{ wasm?: { core?: WasmSource, coreLite?: WasmSource } }} [options]
 * @param {{ wasmTls?: boolean, server?: boolean }} [need]
 */
export async function loadCore(options, need = {}) {
  const named = options?.wasm ?? {};
  let lite;
  if (need.wasmTls === true || need.server === true) lite = false;
  else if (named.coreLite !== undefined) lite = true;
  else if (named.core !== undefined) lite = false;  // a full module named for this call serves it
  else if (loadFull.started()) lite = false;  // already here: no second download
  else if (loadLite.started()) lite = true;
  else if (need.wasmTls === false) lite = configured.coreLite !== undefined || configured.core === undefined;
  else lite = false;
  const core = await (lite ? loadLite(options) : loadFull(options)).catch((error) => {
    if (!(error instanceof OtherFlavour)) throw error;
    // A full module named as `coreLite` serves everything; a lite one named as `core` serves a
    // connection without TLS in WASM. Either way, with its own glue.
    if (lite) return loadFull({ wasm: { core: named.coreLite ?? configured.coreLite } });
    if (need.wasmTls || need.server) return { hasTlsEngine: false };  // refused just below
    return loadLite({ wasm: { coreLite: named.core ?? configured.core } });
  });
  if ((need.wasmTls || need.server) && !core.hasTlsEngine) {
    throw new Pop3Error(
      need.server ? 'INVALID_ARGUMENT' : 'TLS_UNAVAILABLE',
      `the protocol module given as \`core\` is the lite flavour, which has no ${need.server ? 'server' : 'TLS engine'}; ${need.server ? 'the server' : 'TLS in WebAssembly'} needs pop3-core.wasm (docs/bundlers.md)`,
    );
  }
  return core;
}
