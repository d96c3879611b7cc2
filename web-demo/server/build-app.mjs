// Builds the web app with Vite when the build is missing or older than its sources.
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const DEMO_ROOT = fileURLToPath(new URL('..', import.meta.url));
export const OUT_DIR = path.join(DEMO_ROOT, '..', 'build', 'web-demo');

function newest(dir) {
  let time = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'server' || entry.name === 'node_modules') continue;
    const file = path.join(dir, entry.name);
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
  if (!force && builtAt() >= newest(DEMO_ROOT)) return false;
  log('building the web demo (vite build)...');
  const { build } = await import('vite8');
  await build({ configFile: path.join(DEMO_ROOT, 'vite.config.mjs'), logLevel: 'warn' });
  return true;
}
