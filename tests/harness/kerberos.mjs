// A throwaway MIT Kerberos realm on 127.0.0.1 (Debian's krb5-kdc): a database in a temporary
// directory created with kdb5_util, principals and keytabs made with kadmin.local, and krb5kdc
// on a free port. Nothing outside the directory is read or written: every command gets
// KRB5_CONFIG and KRB5_KDC_PROFILE pointing into it. Used by tests/js/gssapi.test.mjs.
//
//   const realm = await startKdc();
//   await realm.addUser('alice', 'secret');
//   const keytab = await realm.addService('pop/localhost');
//   const ccache = await realm.kinit('alice', 'secret');   // FILE:<dir>/...
//   await realm.stop();
import { spawn, execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, writeFile, readFile, chmod, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import { freePort } from './dovecot.mjs';
import { stopChild } from './child-process.mjs';

const run = promisify(execFile);
const SBIN = '/usr/sbin';

export const REALM = 'POP3WASM.TEST';

async function waitForPort(port, child, logFile, timeoutMs = 10000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && child.exitCode === null) {
    const up = await new Promise((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (up) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  const log = await readFile(logFile, 'utf8').catch(() => '(no log)');
  throw new Error(`krb5kdc did not start (exit ${child.exitCode})\n${log}`);
}

/**
 * Creates the realm and starts its KDC.
 * @param {{realm?: string}} [options]
 */
export async function startKdc({ realm = REALM } = {}) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'pop3-wasm-kdc-'));
  await chmod(dir, 0o755);  // Dovecot's auth process reads the client configuration and keytab
  const port = await freePort();
  const krb5Conf = path.join(dir, 'krb5.conf');
  const kdcConf = path.join(dir, 'kdc.conf');
  const logFile = path.join(dir, 'kdc.log');
  // TCP only (udp_preference_limit = 1), no DNS, no reverse lookups: everything on loopback.
  await writeFile(
    krb5Conf,
    `[libdefaults]
  default_realm = ${realm}
  dns_lookup_kdc = false
  dns_lookup_realm = false
  dns_canonicalize_hostname = false
  rdns = false
  udp_preference_limit = 1
  default_ccache_name = FILE:${dir}/ccache-default
[realms]
  ${realm} = {
    kdc = 127.0.0.1:${port}
  }
[domain_realm]
  localhost = ${realm}
`,
    { mode: 0o644 },
  );
  await writeFile(
    kdcConf,
    `[kdcdefaults]
  kdc_listen = 127.0.0.1:${port}
  kdc_tcp_listen = 127.0.0.1:${port}
[realms]
  ${realm} = {
    database_name = ${dir}/principal
    key_stash_file = ${dir}/stash
    acl_file = ${dir}/kadm5.acl
    supported_enctypes = aes256-cts-hmac-sha1-96:normal aes128-cts-hmac-sha1-96:normal
    max_life = 1h
  }
[logging]
  kdc = FILE:${logFile}
`,
  );
  await writeFile(path.join(dir, 'kadm5.acl'), '');
  const env = { ...process.env, KRB5_CONFIG: krb5Conf, KRB5_KDC_PROFILE: kdcConf };
  delete env.KRB5CCNAME;
  delete env.KRB5_KTNAME;
  await run(`${SBIN}/kdb5_util`, ['create', '-s', '-r', realm, '-P', randomBytes(16).toString('hex')], { env });
  const kadmin = (query) => run(`${SBIN}/kadmin.local`, ['-r', realm, '-q', query], { env });

  const child = spawn(`${SBIN}/krb5kdc`, ['-n', '-r', realm], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  try {
    await waitForPort(port, child, logFile);
  } catch (err) {
    child.kill('SIGKILL');
    err.message += `\n${output}`;
    await rm(dir, { recursive: true, force: true });
    throw err;
  }

  let caches = 0;
  return {
    realm,
    port,
    dir,
    /** The client configuration: point KRB5_CONFIG here (Dovecot, kinit, the Kerberos binding). */
    krb5Conf,
    /** The environment the realm's tools and clients need. */
    env,
    async addUser(name, password) {
      await kadmin(`addprinc -pw ${password} ${name}`);
    },
    /** Creates a service principal with a random key and returns its keytab (readable by all). */
    async addService(principal) {
      const keytab = path.join(dir, `${principal.replace(/[^a-z0-9]/gi, '_')}.keytab`);
      await kadmin(`addprinc -randkey ${principal}`);
      await kadmin(`ktadd -k ${keytab} ${principal}`);
      await chmod(keytab, 0o644);
      return keytab;
    },
    /** Gives a principal a new random key without updating any keytab (stale service keys). */
    async rekey(principal) {
      await kadmin(`cpw -randkey ${principal}`);
    },
    /**
     * Gets a ticket-granting ticket with kinit into a new credentials cache; returns its name.
     * @param {string[]} [flags] more kinit flags, e.g. ['-l', '5s'] for a short-lived ticket
     */
    async kinit(name, password, flags = []) {
      const ccache = `FILE:${path.join(dir, `ccache-${++caches}`)}`;
      await new Promise((resolve, reject) => {
        const kinit = spawn('/usr/bin/kinit', [...flags, '-c', ccache, name], { env, stdio: ['pipe', 'pipe', 'pipe'] });
        let err = '';
        kinit.stderr.on('data', (d) => (err += d));
        kinit.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`kinit ${name} failed (${code}): ${err}`))));
        kinit.stdin.end(`${password}\n`);
      });
      return ccache;
    },
    log: () => readFile(logFile, 'utf8').catch(() => ''),
    async stop() {
      await stopChild(child);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
