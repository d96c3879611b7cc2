// The benchmarks' maildrop of small messages: the test fixtures in turn (plain, multipart,
// encoded), each numbered and padded with X-Padding header lines to `size` bytes on the wire, so
// that "2,000 x 4 KB" means what it says whatever the fixtures' own sizes.
import { toWire } from '../../tests/harness/dovecot.mjs';
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
