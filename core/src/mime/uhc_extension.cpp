#include "uhc_extension.hpp"

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "pop3/utf8.hpp"

namespace pop3::mime {
namespace {

constexpr char32_t kFirstSyllable = 0xAC00;
constexpr std::size_t kSyllables = 11172;  // U+AC00..U+D7A3
constexpr std::size_t kExtension = 8822;

// Index of `trail` among the trails of a UHC lead (`wide`: leads 0x81-0xA0), or -1.
int trail_index(std::uint8_t trail, bool wide) {
  if (trail >= 0x41 && trail <= 0x5A) return trail - 0x41;
  if (trail >= 0x61 && trail <= 0x7A) return 26 + trail - 0x61;
  if (trail >= 0x81 && trail <= (wide ? 0xFE : 0xA0)) return 52 + trail - 0x81;
  return -1;
}

// The position of the pair in the extension, or -1 if it is not an extension pair.
int extension_position(std::uint8_t lead, std::uint8_t trail) {
  if (lead >= 0x81 && lead <= 0xA0) {
    const int t = trail_index(trail, true);
    return t < 0 ? -1 : (lead - 0x81) * 178 + t;
  }
  if (lead >= 0xA1 && lead <= 0xC6) {
    const int t = trail_index(trail, false);
    const int position = t < 0 ? -1 : 32 * 178 + (lead - 0xA1) * 84 + t;
    return position < static_cast<int>(kExtension) ? position : -1;
  }
  return -1;
}

// Code points of UTF-8 text (valid UTF-8 assumed: a decoder's output).
std::vector<char32_t> code_points(const std::string& utf8) {
  std::vector<char32_t> out;
  for (std::size_t i = 0; i < utf8.size();) {
    const std::size_t n = std::max<std::size_t>(1, utf8_sequence_length(utf8, i));
    char32_t cp = static_cast<unsigned char>(utf8[i]) & (n == 1 ? 0x7F : 0xFF >> (n + 1));
    for (std::size_t k = 1; k < n; ++k)
      cp = (cp << 6) | (static_cast<unsigned char>(utf8[i + k]) & 0x3F);
    out.push_back(cp);
    i += n;
  }
  return out;
}

std::string decode_all(Decoder& decoder, const std::vector<std::uint8_t>& bytes) {
  std::string out;
  decoder.decode(bytes.data(), bytes.size(), true, out);
  return out;
}

}  // namespace

std::optional<std::vector<char16_t>> uhc_extension_table(const DecoderFactory& open_ks_x_1001) {
  auto decoder = open_ks_x_1001();
  if (!decoder) return std::nullopt;
  std::vector<std::uint8_t> block;
  for (int lead = 0xB0; lead <= 0xC8; ++lead) {
    for (int trail = 0xA1; trail <= 0xFE; ++trail)
      block.insert(block.end(), {std::uint8_t(lead), std::uint8_t(trail)});
  }
  const auto ks_x_1001 = code_points(decode_all(*decoder, block));
  if (ks_x_1001.size() != 2350) return std::nullopt;
  std::vector<bool> in_ks_x_1001(kSyllables);
  for (char32_t cp : ks_x_1001) {
    if (cp < kFirstSyllable || cp >= kFirstSyllable + kSyllables) return std::nullopt;
    in_ks_x_1001[cp - kFirstSyllable] = true;
  }
  std::vector<char16_t> table;
  for (std::size_t i = 0; i < kSyllables; ++i) {
    if (!in_ks_x_1001[i]) table.push_back(static_cast<char16_t>(kFirstSyllable + i));
  }
  if (table.size() != kExtension) return std::nullopt;
  return table;
}

namespace {

class UhcDecoder final : public Decoder {
 public:
  UhcDecoder(std::unique_ptr<Decoder> platform, const std::vector<char16_t>& table)
      : platform_(std::move(platform)), table_(table) {}

  // The platform decoder counts its own replacements (extension pairs never are).
  std::size_t replacements() const override { return platform_->replacements(); }

  void decode(const std::uint8_t* in, std::size_t size, bool flush, std::string& out) override {
    std::vector<std::uint8_t> run;  // bytes for the platform decoder, whole characters only
    for (std::size_t i = 0; i < size; ++i) {
      const std::uint8_t b = in[i];
      if (!lead_) {
        if (b >= 0x81 && b <= 0xFE) {
          lead_ = b;
        } else {
          run.push_back(b);
        }
        continue;
      }
      const int position = extension_position(*lead_, b);
      if (position >= 0) {
        platform_->decode(run.data(), run.size(), false, out);
        run.clear();
        append_utf8(out, table_[static_cast<std::size_t>(position)]);
      } else {
        run.insert(run.end(), {*lead_, b});
      }
      lead_.reset();
    }
    if (flush && lead_) {
      run.push_back(*lead_);  // a lead byte at the end: the platform reports it
      lead_.reset();
    }
    platform_->decode(run.data(), run.size(), flush, out);
  }

 private:
  std::unique_ptr<Decoder> platform_;
  const std::vector<char16_t>& table_;
  std::optional<std::uint8_t> lead_;  // a lead byte whose trail is in the next call
};

}  // namespace

std::unique_ptr<Decoder> uhc_decoder(std::unique_ptr<Decoder> platform,
                                     const std::vector<char16_t>& table) {
  return std::make_unique<UhcDecoder>(std::move(platform), table);
}

std::unique_ptr<Decoder> open_euc_kr_with_uhc(const DecoderFactory& open_platform) {
  auto platform = open_platform();
  if (!platform) return nullptr;
  // Whether the platform decodes the extension itself (0x81 0x41 is U+AC02), and the table if
  // not: both fixed for the process, found once.
  static const std::optional<std::vector<char16_t>> table =
      [&]() -> std::optional<std::vector<char16_t>> {
    auto probe = open_platform();
    if (probe && decode_all(*probe, {0x81, 0x41}) == "\xEA\xB0\x82") return std::nullopt;
    return uhc_extension_table(open_platform);
  }();
  if (!table) return platform;
  return uhc_decoder(std::move(platform), *table);
}

}  // namespace pop3::mime
