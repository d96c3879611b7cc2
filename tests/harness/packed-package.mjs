// The package as a user gets it: `npm pack` of this repository, installed into an empty app in a
// temporary folder. The install uses an npm cache of its own, created empty for the occasion, so
// that it behaves the same on a fresh machine as on one whose ~/.npm is warm (with the shared
// cache, installs that could only work from cached registry metadata passed here and failed
// on a fresh machine).
//
//   const app = await installPackedPackage();          // { dir, work, tarball, files, npm, cleanup }
//   await app.writeFile('fetch.mjs', '...');
//   await app.cleanup();
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Runs npm with the given arguments in `cwd` and returns its standard output. */
export function npm(args, cwd, env = {}) {
  return execFileSync('npm', args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
    maxBuffer: 64 * 1024 * 1024,
  });
}

/**
 * Packs the repository and installs the tarball into a new, empty app.
 * @param {{ packageJson?: object }} [options] extra fields of the app's package.json
 * @returns {Promise<{ dir: string, work: string, tarball: string, files: string[],
 *   writeFile(name: string, text: string): Promise<string>, cleanup(): Promise<void> }>}
 */
export async function installPackedPackage({ packageJson = {} } = {}) {
  const work = await mkdtemp(path.join(os.tmpdir(), 'pop3-wasm-pack-'));
  try {
    const packed = JSON.parse(npm(['pack', '--json', '--pack-destination', work], ROOT));
    const tarball = path.join(work, packed[0].filename);
    const dir = path.join(work, 'app');
    await mkdir(dir);
    await writeFile(
      path.join(dir, 'package.json'),
      JSON.stringify({ name: 'app', version: '1.0.0', private: true, type: 'module', ...packageJson }, null, 2),
    );
    // Its own empty cache: the install fetches `ws` from the registry as a new user's would.
    const cache = path.join(work, 'npm-cache');
    npm(['install', '--no-audit', '--no-fund', '--cache', cache, tarball], dir);
    return {
      dir,
      work,
      tarball,
      files: packed[0].files.map((f) => f.path),
      async writeFile(name, text) {
        const file = path.join(dir, name);
        await mkdir(path.dirname(file), { recursive: true });
        await writeFile(file, text);
        return file;
      },
      async cleanup() {
        await rm(work, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(work, { recursive: true, force: true });
    throw error;
  }
}
