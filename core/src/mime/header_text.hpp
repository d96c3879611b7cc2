// Header text as a reader sees it: unfolded (RFC 5322 2.2.3) and with RFC 2047 encoded words
// decoded to UTF-8. The module decodes header values itself rather than through GMime, whose
// 3.2.13 decoder loses text when adjacent base64 words carry padding ("=?utf-8?B?w6k=?=
// =?utf-8?B?w6k=?=" read as one stream stopping at the first "="): long subjects are split
// exactly like that.
#pragma once

#include <string>
#include <string_view>

namespace pop3::mime {

// Removes the line breaks of folded header lines (CRLF or LF followed by space or tab), and the
// leading and trailing white space.
std::string unfold(std::string_view raw);

// Decodes encoded words (RFC 2047, leniently as deployed mailers need: words inside text, words
// split in the middle of a multi-byte character, lowercase hex, missing padding, RFC 2231
// language suffixes). White space between adjacent encoded words disappears; text outside
// encoded words is taken as UTF-8, or as windows-1252 where it is not valid UTF-8. An encoded
// word that cannot be decoded stays as it was written. Sets `*damaged` when bytes were replaced.
std::string decode_header_text(std::string_view text, bool* damaged = nullptr);

// `text` with every run of two or more adjacent encoded words replaced by one UTF-8 encoded word
// holding what decode_header_text makes of the run; the rest stays byte for byte. For structured
// headers (addresses), which GMime must tokenise itself: its phrase decoder has the padding bug
// above, a single word it reads correctly.
std::string merge_encoded_word_runs(std::string_view text);

}  // namespace pop3::mime
