// Builds the web app with Vite when the build is missing or older than its sources: the demo's
// own files and the package it bundles (bindings/js, the WASM included).
import { readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const DEMO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const PACKAGE_JS = path.join(DEMO_ROOT, '..', 'bindings', 'js');
export const OUT_DIR = path.join(DEMO_ROOT, '..', 'build', 'web-demo');

// The newest modification time under `dir`, leaving out `skip` (the demo's Node server is not
// part of the app).
function newest(dir, skip = null) {
  let time = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (file === skip || entry.name === 'node_modules') continue;
    time = Math.max(time, entry.isDirectory() ? newest(file) : statSync(file).mtimeMs);
  }
  return time;
}

function builtAt() {
  try {
    return statSync(path.join(OUT_DIR, 'index.html')).mtimeMs;
  } catch {
    return 0;
  }
}

/** @param {{ force?: boolean, log?: (line: string) => void }} [options] */
export async function buildAppIfNeeded({ force = false, log = () => {} } = {}) {
  if (!force && builtAt() >= Math.max(newest(DEMO_ROOT, path.join(DEMO_ROOT, 'server')), newest(PACKAGE_JS))) return false;
  log('building the web demo (vite build)...');
  const { build } = await import('vite8');
  // Built beside the output and moved in whole: two demos starting at once (parallel test
  // files) never serve a half-written build, and the second one to finish keeps the first's.
  const staging = `${OUT_DIR}.staging-${process.pid}`;
  await build({ configFile: path.join(DEMO_ROOT, 'vite.config.mjs'), logLevel: 'warn', build: { outDir: staging, emptyOutDir: true } });
  rmSync(OUT_DIR, { recursive: true, force: true });
  try {
    renameSync(staging, OUT_DIR);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    if (builtAt() === 0) throw error;
  }
  return true;
}
