// The benchmarks' maildrop of small messages: the test fixtures in turn (plain, multipart,
// encoded), each numbered and padded with X-Padding header lines to `size` bytes on the wire, so
// that "2,000 x 4 KB" means what it says whatever the fixtures' own sizes; and a Dovecot serving
// it behind a delay proxy.
import { startDelayProxy } from '../../tests/harness/delay-proxy.mjs';
import { startDovecot, toWire } from '../../tests/harness/dovecot.mjs';
import { fixtureMessages } from '../../tests/fixtures/messages.mjs';

/** @returns {Buffer[]} `count` messages of `size` bytes each once CRLF-terminated on the wire */
export function smallMessages(count, size = 4096) {
  const fixtures = fixtureMessages().map((f) => f.bytes);
  return Array.from({ length: count }, (_, i) => {
    const message = Buffer.concat([Buffer.from(`X-Sequence: ${i + 1}\n`), fixtures[i % fixtures.length]]);
    const padding = [];
    // Each padding line costs its text plus "X-Padding: " (11) and CRLF (2) on the wire.
    for (let missing = size - toWire(message).length; missing > 13; ) {
      const text = Math.min(missing - 13, 900);
      padding.push(`X-Padding: ${'x'.repeat(text)}\n`);
      missing -= text + 13;
    }
    return Buffer.concat([Buffer.from(padding.join('')), message]);
  });
}

/**
 * Dovecot holding `count` such messages for one user, behind a proxy that delays each direction
 * by `delayMs`. `target` is where clients connect; `expectedBytes` the maildrop's size on the wire.
 */
export async function startMaildropServer({ count, delayMs }) {
  const messages = smallMessages(count);
  const expectedBytes = messages.reduce((n, m) => n + toWire(m).length, 0);
  const user = 'bench';
  const password = 'bench-pw';
  const dovecot = await startDovecot({ users: { [user]: { password, messages } } });
  const proxy = await startDelayProxy({ targetHost: dovecot.host, targetPort: dovecot.port, delayMs }).catch(async (error) => {
    await dovecot.stop();
    throw error;
  });
  return {
    expectedBytes,
    target: { host: proxy.host, port: proxy.port, user, password, count },
    async stop() {
      await proxy.stop();
      await dovecot.stop();
    },
  };
}
