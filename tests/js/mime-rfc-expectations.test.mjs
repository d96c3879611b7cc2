// The MIME module against the RFCs: every corpus message that has one unambiguous reading
// (`expect` in tests/fixtures/mime-corpus.mjs) must be read that way, except for the misses
// listed here with their reason. The list is exact: a new miss fails, and so does a fixed one
// (then remove it here and from docs/mime.md).
import { parseMessage } from '../../bindings/js/mime-node.js';
import { mimeCorpus } from '../fixtures/mime-corpus.mjs';
import { checkExpectation, fromOracleJson } from '../fixtures/mime-view.mjs';

const KNOWN_MISSES = {
  // RFC 2045 5.2: an unparsable Content-Type means text/plain; GMime makes the body an
  // unnamed attachment instead, so `text` is null.
  'header/content-type-garbage.eml': ['text'],
  // RFC 2045 6.7 (3): trailing white space of an encoded line is padding to be deleted; GMime's
  // quoted-printable decoder keeps it.
  'cte/qp-trailing-whitespace.eml': ['text'],
  'cte/qp-soft-break-trailing-whitespace.eml': ['text'],
  // RFC 5322 4.3 obsolete dates, as GMime's date parser reads them: a three-digit year (1900 is
  // to be added) and the year 1900 give no date; the military zone "A" gets RFC 822's +0100
  // where RFC 5322 says to read all of them as -0000.
  'date/three-digit-year.eml': ['date'],
  'date/zone-military-a.eml': ['date'],
  'date/year-1900.eml': ['date'],
  // An encoded word inside a word ("abc=?utf-8?Q?=C3=A9?=def") is not an encoded word (RFC 2047
  // 5 (1)); the module decodes it anyway, as mailers' readers do.
  'encoded-word/inside-a-word.eml': ['subject'],
};

test('the MIME module reads every message with an RFC expectation as the RFC says, bar the known misses', async () => {
  const withExpectations = mimeCorpus().filter((m) => m.expect);
  expect(withExpectations.length).toBeGreaterThanOrEqual(300);
  const misses = {};
  for (const message of withExpectations) {
    const parsed = await parseMessage(message.bytes);
    const wrong = checkExpectation(message.expect, fromOracleJson(parsed.toJSON()));
    parsed.close();
    if (wrong.length) misses[message.name] = wrong;
  }
  expect(misses).toEqual(KNOWN_MISSES);
});
