#include "pop3/auth/saslprep.hpp"

#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "pop3/utf8.hpp"

using pop3::ErrorCode;
using pop3::auth::Nfkc;
using pop3::auth::saslprep;

namespace {

std::string Utf8(std::u32string_view text) {
  std::string out;
  for (char32_t cp : text) pop3::append_utf8(out, cp);
  return out;
}

// A TEST-ONLY stand-in for NFKC, NOT a normalizer: it knows the compatibility mappings of just
// the code points these tests use, as current Unicode (and so JS's normalize('NFKC')) gives them,
// and fails on any other non-ASCII code point so that a test using a new one fails loudly instead
// of passing on a wrong "normalization". It does no canonical reordering or composition, which
// no input here needs. Production callers pass a real NFKC (JS's String.prototype.normalize).
struct FakeNfkc {
  int* calls = nullptr;

  std::optional<std::string> operator()(std::string_view utf8) const {
    static const std::map<char32_t, std::u32string> kMappings = {
        {0x00AA, U"a"},       // FEMININE ORDINAL INDICATOR (RFC 4013 example)
        {0x2168, U"IX"},      // ROMAN NUMERAL NINE (RFC 4013 example)
        {0xFB01, U"fi"},      // LATIN SMALL LIGATURE FI
        {0x0340, U"\u0300"},  // COMBINING GRAVE TONE MARK: a canonical singleton, in table C.8
        {0xFA70, U"\u8C48"},  // CJK COMPATIBILITY IDEOGRAPH-FA70, assigned in Unicode 4.1
    };
    static const std::set<char32_t> kStable = {
        0x00E9, 0x0221, 0x0300, 0x05D0, 0x05D1, 0x0627, 0x0628, 0x0660,  0x8C48,
        0x0085, 0x1680, 0xE000, 0xFDD0, 0xFFFD, 0x2FF0, 0x200E, 0xE0001, 0x10FFFD,
    };
    if (calls != nullptr) ++*calls;
    std::u32string decoded;
    for (std::size_t i = 0; i < utf8.size();) {  // the input is valid UTF-8 by contract
      const auto lead = static_cast<unsigned char>(utf8[i]);
      const std::size_t length = lead < 0x80 ? 1 : lead < 0xe0 ? 2 : lead < 0xf0 ? 3 : 4;
      char32_t cp = length == 1 ? lead : lead & (0x7f >> length);
      for (std::size_t k = 1; k < length; ++k) cp = (cp << 6) | (utf8[i + k] & 0x3f);
      decoded.push_back(cp);
      i += length;
    }
    std::u32string out;
    for (char32_t cp : decoded) {
      if (const auto it = kMappings.find(cp); it != kMappings.end()) {
        out += it->second;
      } else if (cp < 0x80 || kStable.count(cp) != 0) {
        out.push_back(cp);
      } else {
        ADD_FAILURE() << "the test normalizer does not know U+" << std::hex << std::uppercase
                      << static_cast<std::uint32_t>(cp);
        return std::nullopt;
      }
    }
    return Utf8(out);
  }
};

const Nfkc kNfkc = FakeNfkc{};

// A normalizer that must not be reached.
const Nfkc kNoCall = [](std::string_view) -> std::optional<std::string> {
  ADD_FAILURE() << "the normalizer was called";
  return std::nullopt;
};

std::string Prepared(const std::string& input, bool allow_unassigned = true) {
  const auto result = saslprep(input, kNfkc, allow_unassigned);
  EXPECT_TRUE(result.ok()) << result.error().message;
  return result.ok() ? *result : std::string("<error>");
}

// Expects `input` to be refused with a message naming `expected`, and not containing the input.
void ExpectRefused(const std::string& input, const std::string& expected,
                   bool allow_unassigned = true, const Nfkc& normalize = kNfkc) {
  const auto result = saslprep(input, normalize, allow_unassigned);
  ASSERT_FALSE(result.ok()) << "accepted, giving \"" << *result << "\"";
  EXPECT_EQ(result.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(result.error().message.rfind("SASLprep: ", 0), 0u) << result.error().message;
  EXPECT_NE(result.error().message.find(expected), std::string::npos) << result.error().message;
  if (!input.empty()) {
    EXPECT_EQ(result.error().message.find(input), std::string::npos) << result.error().message;
  }
}

}  // namespace

// RFC 4013 section 3, every example in its table.
TEST(Saslprep, SoftHyphenIsMappedToNothing) {
  EXPECT_EQ(Prepared(Utf8(U"I\u00ADX")), "IX");
}
TEST(Saslprep, LeavesAnAsciiNameUnchanged) {
  EXPECT_EQ(Prepared("user"), "user");
}
TEST(Saslprep, PreservesCase) {
  EXPECT_EQ(Prepared("USER"), "USER");
}
TEST(Saslprep, NormalizesFeminineOrdinalToA) {
  EXPECT_EQ(Prepared(Utf8(U"\u00AA")), "a");
}
TEST(Saslprep, NormalizesRomanNumeralNineToIX) {
  EXPECT_EQ(Prepared(Utf8(U"\u2168")), "IX");
}
TEST(Saslprep, ProhibitsAsciiControlCharacters) {
  ExpectRefused(Utf8(U"\u0007"),
                "character 1 (after mapping and normalization) is prohibited "
                "by RFC 3454 table C.2.1, ASCII control characters");
}
TEST(Saslprep, RejectsRightToLeftStringEndingInLeftToRightNeutral) {
  ExpectRefused(Utf8(U"\u0627\u0031"),
                "character 2 (after mapping and normalization) must be "
                "right-to-left");
  ExpectRefused(Utf8(U"\u0627\u0031"), "rule 3");
}

TEST(Saslprep, MapsNonAsciiSpacesToSpace) {
  EXPECT_EQ(Prepared(Utf8(U"a\u00A0b\u3000c\u2003d\u1680e\u202Ff\u205Fg")), "a b c d e f g");
}

// U+200B is in both C.1.2 and B.1; C.1.2 is applied first, as ICU and GNU libidn do.
TEST(Saslprep, MapsZeroWidthSpaceToSpace) {
  EXPECT_EQ(Prepared(Utf8(U"a\u200Bb")), "a b");
}

TEST(Saslprep, RemovesEveryCommonlyMappedToNothingCharacter) {
  EXPECT_EQ(Prepared(Utf8(U"p\u00ADa\u034Fs\u1806s\u180Bw\u180C\u180Do\u200C\u200Dr\u2060d"
                          U"\uFE00\uFE0F\uFEFF")),
            "password");
}

TEST(Saslprep, NormalizesCompatibilityCharacters) {
  EXPECT_EQ(Prepared(Utf8(U"\uFB01sh\u00E9")), Utf8(U"fish\u00E9"));
}

TEST(Saslprep, ReturnsPrintableAsciiWithoutCallingTheNormalizer) {
  std::string all;
  for (char c = 0x20; c <= 0x7e; ++c) all.push_back(c);
  const auto result = saslprep(all, kNoCall);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(*result, all);
}

TEST(Saslprep, ReturnsALongAsciiPasswordUntouched) {
  std::string password;
  for (int i = 0; i < 100000; ++i) password.push_back(static_cast<char>(0x20 + (i * 37) % 95));
  const auto result = saslprep(password, kNoCall);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(*result, password);
}

TEST(Saslprep, SkipsTheNormalizerWhenMappingLeavesAscii) {
  const auto result = saslprep(Utf8(U"I\u00ADX\u00A0Y"), kNoCall);
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(*result, "IX Y");
}

TEST(Saslprep, PreparesALongNonAsciiPasswordInOneNormalizerCall) {
  std::u32string password;
  for (int i = 0; i < 50000; ++i) password += U"p\u00E9\u00AD";
  int calls = 0;
  const auto result = saslprep(Utf8(password), FakeNfkc{&calls});
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(calls, 1);
  std::u32string expected;
  for (int i = 0; i < 50000; ++i) expected += U"p\u00E9";
  EXPECT_EQ(*result, Utf8(expected));
}

TEST(Saslprep, GivesEmptyForEmpty) {
  const auto result = saslprep("", kNoCall);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(*result, "");
  EXPECT_EQ(Prepared(Utf8(U"\u00AD\uFEFF")), "");
}

// U+0221 was unassigned in Unicode 3.2 (it is LATIN SMALL LETTER D WITH CURL since 4.0).
TEST(Saslprep, AllowsUnassignedCodePointsInQueries) {
  EXPECT_EQ(Prepared(Utf8(U"x\u0221"), /*allow_unassigned=*/true), Utf8(U"x\u0221"));
}

TEST(Saslprep, RefusesUnassignedCodePointsInStoredStrings) {
  ExpectRefused(Utf8(U"x\u0221"),
                "character 2 of the input is unassigned in Unicode 3.2 (RFC 3454 table A.1)",
                /*allow_unassigned=*/false);
  EXPECT_EQ(Prepared(Utf8(U"x\u00E9"), /*allow_unassigned=*/false), Utf8(U"x\u00E9"));
}

// U+FA70 has a decomposition in today's Unicode, which would hide it behind an assigned ideograph:
// a stored string must refuse it before normalization, while a query takes today's mapping.
TEST(Saslprep, ChecksUnassignedCodePointsBeforeNormalizing) {
  ExpectRefused(Utf8(U"\uFA70"), "character 1 of the input is unassigned", false, kNoCall);
  EXPECT_EQ(Prepared(Utf8(U"\uFA70"), true), Utf8(U"\u8C48"));
}

TEST(Saslprep, ProhibitsEachRfc4013Table) {
  ExpectRefused(Utf8(U"ab\u0085"),
                "character 3 (after mapping and normalization) is prohibited "
                "by RFC 3454 table C.2.2");
  ExpectRefused(Utf8(U"\u007F"), "table C.2.1");
  ExpectRefused(Utf8(U"\uE000"), "table C.3, private use");
  ExpectRefused(Utf8(U"\U0010FFFD"), "table C.3, private use");
  ExpectRefused(Utf8(U"\uFDD0"), "table C.4, non-character");
  ExpectRefused(Utf8(U"\uFFFD"), "table C.6");
  ExpectRefused(Utf8(U"\u2FF0"), "table C.7");
  ExpectRefused(Utf8(U"\u200E"), "table C.8");
  ExpectRefused(Utf8(U"\U000E0001"), "table C.9, tagging");
  // C.5: surrogates cannot be encoded in well-formed UTF-8, so they fail as invalid UTF-8.
  ExpectRefused("\xed\xa0\x80", "not valid UTF-8 (byte offset 0)");
}

// C.1.2 cannot survive the mapping step, but a normalizer may produce one; the prohibition is
// applied to what the normalizer returns.
TEST(Saslprep, ProhibitsWhatTheNormalizerProduces) {
  const Nfkc to_ogham_space = [](std::string_view) -> std::optional<std::string> {
    return Utf8(U"a\u1680");
  };
  ExpectRefused(Utf8(U"\u00E9"),
                "character 2 (after mapping and normalization) is prohibited by "
                "RFC 3454 table C.1.2",
                true, to_ogham_space);
}

// U+0340 is in table C.8, but NFKC turns it into U+0300 first, and RFC 4013 prohibits after
// normalizing.
TEST(Saslprep, AppliesProhibitionsAfterNormalization) {
  EXPECT_EQ(Prepared(Utf8(U"\u0340")), Utf8(U"\u0300"));
}

TEST(Saslprep, AcceptsWellFormedRightToLeftStrings) {
  EXPECT_EQ(Prepared(Utf8(U"\u05D0")), Utf8(U"\u05D0"));
  EXPECT_EQ(Prepared(Utf8(U"\u05D0\u05D1")), Utf8(U"\u05D0\u05D1"));
  EXPECT_EQ(Prepared(Utf8(U"\u0627\u0031\u0660 \u0628")), Utf8(U"\u0627\u0031\u0660 \u0628"));
}

TEST(Saslprep, RejectsMixedDirectionStrings) {
  ExpectRefused(Utf8(U"\u05D0a\u05D1"),
                "character 2 (after mapping and normalization) is "
                "left-to-right in a string with right-to-left characters "
                "(RFC 3454 section 6, rule 2)");
}

TEST(Saslprep, RejectsRightToLeftStringNotStartingWithRightToLeft) {
  ExpectRefused(Utf8(U"1\u0627"),
                "character 1 (after mapping and normalization) must be "
                "right-to-left");
}

TEST(Saslprep, RejectsInvalidUtf8) {
  const std::pair<std::string, std::string> cases[] = {
      {"ab\x80", "byte offset 2"},            // stray continuation byte
      {"\xc0\xaf", "byte offset 0"},          // overlong '/'
      {"a\xe0\x80\xaf", "byte offset 1"},     // overlong, three bytes
      {"\xf0\x80\x80\xaf", "byte offset 0"},  // overlong, four bytes
      {"\xed\xbf\xbf", "byte offset 0"},      // surrogate U+DFFF
      {"\xf4\x90\x80\x80", "byte offset 0"},  // above U+10FFFF
      {"pass\xe2\x82", "byte offset 4"},      // truncated at the end
      {"\xe2\x82x", "byte offset 0"},         // truncated before ASCII
      {"\xff", "byte offset 0"},
      {"\xc3\xa9\xf8\x88\x80\x80\x80", "byte offset 2"},  // five-byte form
  };
  for (const auto& [input, offset] : cases) {
    ExpectRefused(input, "the input is not valid UTF-8 (" + offset + ")");
  }
}

TEST(Saslprep, ReportsANormalizerThatFailsOrIsMissing) {
  const Nfkc failing = [](std::string_view) -> std::optional<std::string> { return std::nullopt; };
  ExpectRefused(Utf8(U"\u00E9"), "the NFKC normalizer failed", true, failing);
  ExpectRefused(Utf8(U"\u00E9"), "no NFKC normalizer was supplied", true, Nfkc{});
  const Nfkc garbage = [](std::string_view) -> std::optional<std::string> { return "\xff"; };
  ExpectRefused(Utf8(U"\u00E9"), "the NFKC normalizer returned invalid UTF-8", true, garbage);
}

TEST(Saslprep, NeverEchoesTheSecretInErrors) {
  const std::string password = "correct horse battery staple\a";
  const auto result = saslprep(password, kNfkc);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().message.find("horse"), std::string::npos) << result.error().message;
  EXPECT_NE(result.error().message.find("character 29"), std::string::npos)
      << result.error().message;
}
