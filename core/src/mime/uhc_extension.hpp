// Windows' UHC (CP949) extension of EUC-KR, which WHATWG's euc-kr includes: the 8,822 modern
// Hangul syllables that KS X 1001 lacks. Korean mail labelled euc-kr or ks_c_5601-1987 (Outlook)
// uses them. Some TextDecoders do not know them (Node 20's ICU), and drop the bytes without a
// U+FFFD, so the text would be lost silently.
//
// The extension is algorithmic: the syllables U+AC00..U+D7A3 that are not in KS X 1001, in code
// point order, fill the UHC code positions in order: leads 0x81-0xA0 with trails 0x41-0x5A,
// 0x61-0x7A, 0x81-0xFE (178 each), then leads 0xA1-0xC6 with trails 0x41-0x5A, 0x61-0x7A,
// 0x81-0xA0 (84 each), up to 0xC6 0x52: 32 x 178 + 37 x 84 + 18 = 8,822 positions. Which
// syllables KS X 1001 has is read from the platform's own decoder (its Hangul block, 0xB0A1 to
// 0xC8FE, 2,350 syllables), so no table is carried.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "charset_backend.hpp"

namespace pop3::mime {

using DecoderFactory = std::function<std::unique_ptr<Decoder>()>;

// An euc-kr decoder with the UHC extension. `open_platform` opens the platform's euc-kr decoder;
// if that already decodes the extension (found once per process), its decoder is returned as it
// is, otherwise one from uhc_decoder().
std::unique_ptr<Decoder> open_euc_kr_with_uhc(const DecoderFactory& open_platform);

// The extension's syllables in position order, read from a decoder without the extension (see
// above), or nothing if its KS X 1001 Hangul block is not the 2,350 syllables it should be.
std::optional<std::vector<char16_t>> uhc_extension_table(const DecoderFactory& open_ks_x_1001);

// Decodes extension pairs with `table` and hands every other byte, in whole characters, to
// `platform`, which it owns (`table` must outlive the decoder).
std::unique_ptr<Decoder> uhc_decoder(std::unique_ptr<Decoder> platform,
                                     const std::vector<char16_t>& table);

}  // namespace pop3::mime
