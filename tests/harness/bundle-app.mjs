// Builds an app with a real bundler, each run as its own process with no configuration of ours
// beyond what the bundler cannot do without (the output folder, and Rollup's resolver plugin,
// without which Rollup resolves no package at all). The bundlers are the project's dev
// dependencies (Vite under the aliases vite5, vite6, vite8), run on the app's own node_modules.
//
//   const { dir, files } = await bundleApp('vite5', appDir, 'src/index.js', 'dist-vite5');
import { execFile } from 'node:child_process';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';

import { ROOT } from './packed-package.mjs';

const run = promisify(execFile);
const modules = path.join(ROOT, 'node_modules');

/** The bundlers of the matrix, and whether each emits files named by `new URL(..., import.meta.url)`. */
export const BUNDLERS = {
  vite5: { emitsAssets: true, workers: true, page: 'own' },
  vite6: { emitsAssets: true, workers: true, page: 'own' },
  vite8: { emitsAssets: true, workers: true, page: 'own' },
  webpack: { emitsAssets: true, workers: true, page: 'classic' },
  esbuild: { emitsAssets: false, workers: false, page: 'module' },
  rollup: { emitsAssets: false, workers: false, page: 'module' },
};

const builders = {
  vite5: (app, entry, out) => vite('vite5', app, out),
  vite6: (app, entry, out) => vite('vite6', app, out),
  vite8: (app, entry, out) => vite('vite8', app, out),
  // The flags a user types for a browser bundle (the ones the bug report used).
  esbuild: (app, entry, out) =>
    node(app, ['--input-type=module', '-e', `
      import { build } from ${JSON.stringify(path.join(modules, 'esbuild', 'lib', 'main.js'))};
      await build({ entryPoints: [${JSON.stringify(entry)}], bundle: true, format: 'esm', platform: 'browser', outfile: ${JSON.stringify(`${out}/main.js`)}, logLevel: 'warning' });`]),
  // webpack's defaults: production mode, ./src/index.js in, main.js out.
  webpack: (app, entry, out) =>
    node(app, ['--input-type=module', '-e', `
      import webpack from ${JSON.stringify(path.join(modules, 'webpack', 'lib', 'index.js'))};
      webpack({ mode: 'production', context: process.cwd(), output: { path: ${JSON.stringify(path.join(app, out))} } }, (error, stats) => {
        if (error || stats.hasErrors()) { console.error(error ?? stats.toString('errors-only')); process.exit(1); }
        if (stats.hasWarnings()) console.log(stats.toString('errors-warnings'));
      });`]),
  rollup: async (app, entry, out) => {
    const config = path.join(app, 'rollup.config.mjs');
    await writeFile(config, `import { nodeResolve } from ${JSON.stringify(path.join(modules, '@rollup', 'plugin-node-resolve', 'dist', 'es', 'index.js'))};
export default { input: ${JSON.stringify(entry)}, output: { dir: ${JSON.stringify(out)}, format: 'es', entryFileNames: 'main.js' }, plugins: [nodeResolve({ browser: true })] };
`);
    return node(app, [path.join(modules, 'rollup', 'dist', 'bin', 'rollup'), '-c', config]);
  },
};

function vite(alias, app, out) {
  return node(app, [path.join(modules, alias, 'bin', 'vite.js'), 'build', '--outDir', out, '--emptyOutDir', '--logLevel', 'warn']);
}

async function node(cwd, args) {
  const { stdout, stderr } = await run(process.execPath, args, {
    cwd,
    env: { ...process.env, NODE_OPTIONS: '', NO_COLOR: '1' },
    maxBuffer: 64 * 1024 * 1024,
    timeout: 180_000,
  });
  return `${stdout}${stderr}`;
}

/**
 * Builds `entry` of the app in `app` with `bundler` into `app/out`, and writes the page that
 * loads the bundle (Vite writes its own from index.html).
 * @returns {Promise<{ dir: string, output: string, files: { name: string, bytes: number, gzip: number }[] }>}
 */
export async function bundleApp(bundler, app, entry, out) {
  const output = await builders[bundler](app, entry, out);
  const dir = path.join(app, out);
  const { page } = BUNDLERS[bundler];
  if (page !== 'own') {
    const script = page === 'module' ? '<script type="module" src="./main.js"></script>' : '<script src="./main.js"></script>';
    await writeFile(path.join(dir, 'index.html'), `<!doctype html><html lang="en"><meta charset="utf-8"><title>app</title><body>${script}</body></html>\n`);
  }
  return { dir, output, files: await listFiles(dir) };
}

/** Every file under `dir` with its size and gzip size. */
export async function listFiles(dir) {
  const files = [];
  for (const entry of await readdir(dir, { recursive: true })) {
    const file = path.join(dir, entry);
    if (!(await stat(file)).isFile()) continue;
    const bytes = await readFile(file);
    files.push({ name: entry, bytes: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length });
  }
  return files.sort((a, b) => a.name.localeCompare(b.name));
}
