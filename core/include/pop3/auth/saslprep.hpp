// SASLprep (RFC 4013), the stringprep (RFC 3454) profile that SCRAM (RFC 5802, "Normalize(str)")
// applies to user names and passwords before they are hashed, so that a password typed as
// "I" + SOFT HYPHEN + "X", or with a no-break space, or as a ligature, hashes the same on every
// client. The steps, in RFC 4013 order:
//   1. map: non-ASCII spaces (table C.1.2) become SPACE, "commonly mapped to nothing" (B.1)
//      characters are removed. U+200B ZERO WIDTH SPACE is in both tables; like ICU and GNU
//      libidn we apply C.1.2 first, so it becomes SPACE;
//   2. normalize: Unicode NFKC, through the caller's `normalize`;
//   3. prohibit: C.1.2, C.2.1, C.2.2, C.3, C.4, C.5, C.6, C.7, C.8, C.9, and, for stored strings,
//      A.1 (code points unassigned in Unicode 3.2);
//   4. bidi: RFC 3454 section 6 with tables D.1 (RandALCat) and D.2 (LCat), the Unicode 3.2
//      bidi classes the RFC fixes. (ICU's usprep uses today's classes instead, so it disagrees
//      on the few hundred characters whose class has changed since, e.g. U+17B4, U+2800.)
// The tables come from scripts/generate-saslprep-tables.py (core/src/auth/saslprep_tables.inc).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "pop3/error.hpp"

namespace pop3::auth {

// Unicode NFKC of a UTF-8 string, or nothing if the normalizer fails. The core carries no
// normalization tables (they would weigh more than the rest of the auth code, and every host
// already has them): in the browser and in Node the bindings pass JS's
// String.prototype.normalize('NFKC'); native callers can pass ICU's.
//
// RFC 3454 mandates NFKC as of Unicode 3.2, while JS normalizes with the engine's current Unicode.
// For code points assigned in 3.2 the two agree (Unicode's normalization stability policy),
// except for the five CJK compatibility ideographs whose mappings Corrigendum #4 corrected
// (U+2F868, U+2F874, U+2F91F, U+2F95F, U+2F9BF); there the corrected mapping is arguably what the
// user meant anyway. Code points unassigned in 3.2 are refused before normalizing when
// allow_unassigned is false; when it is true they are normalized by the current version, which
// is exactly why RFC 3454 section 7 keeps them out of stored strings.
using Nfkc = std::function<std::optional<std::string>(std::string_view utf8)>;

// Prepares `utf8` with SASLprep. `allow_unassigned` chooses between the RFC 3454 section 7 kinds
// of string: true for a "query" (what a client sends to authenticate, e.g. SCRAM's
// Normalize(password)), false for a "stored" string (what a server or a provisioning tool keeps,
// e.g. when deriving SCRAM keys to store).
//
// A string made only of printable ASCII and SPACE (0x20..0x7E) is returned as is without calling
// `normalize`: SASLprep leaves such strings unchanged, and it is the common case. Likewise the
// normalizer is skipped whenever the mapped string is ASCII, which NFKC leaves unchanged.
//
// Errors are INVALID_ARGUMENT. Their messages name the rule that failed and a position, never the
// string or the offending code point, since the input is usually a password: a byte offset for
// invalid UTF-8 in the input, otherwise "character N", counting code points from 1 in the string
// after mapping and normalization (which is where RFC 4013 applies the checks). An empty result
// (e.g. an input of only B.1 characters) is not an error here; SCRAM callers decide.
Result<std::string> saslprep(std::string_view utf8, const Nfkc& normalize,
                             bool allow_unassigned = true);

}  // namespace pop3::auth
