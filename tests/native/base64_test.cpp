#include "pop3/auth/base64.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

using pop3::ErrorCode;
using pop3::auth::base64_decode;
using pop3::auth::base64_encode;

namespace {

// Expects `text` to be rejected, with a message that names `rule` and does not repeat the text.
void ExpectRejected(const std::string& text, const std::string& rule) {
  const auto decoded = base64_decode(text);
  ASSERT_FALSE(decoded.ok()) << "accepted \"" << text << "\"";
  EXPECT_EQ(decoded.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(decoded.error().message.find(rule), std::string::npos)
      << "\"" << text << "\": " << decoded.error().message;
  if (text.size() >= 4) {
    EXPECT_EQ(decoded.error().message.find(text), std::string::npos) << decoded.error().message;
  }
}

}  // namespace

// RFC 4648 section 10.
TEST(Base64, EncodesAndDecodesTheRfc4648TestVectors) {
  const std::pair<std::string, std::string> vectors[] = {
      {"", ""},
      {"f", "Zg=="},
      {"fo", "Zm8="},
      {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="},
      {"fooba", "Zm9vYmE="},
      {"foobar", "Zm9vYmFy"},
  };
  for (const auto& [bytes, text] : vectors) {
    EXPECT_EQ(base64_encode(bytes), text);
    const auto decoded = base64_decode(text);
    ASSERT_TRUE(decoded.ok()) << text << ": " << decoded.error().message;
    EXPECT_EQ(*decoded, bytes);
  }
}

TEST(Base64, RoundTripsEveryByteValue) {
  std::string all;
  for (int b = 0; b < 256; ++b) all.push_back(static_cast<char>(b));
  const std::string text = base64_encode(all);
  EXPECT_EQ(text.size(), 344u);
  const auto decoded = base64_decode(text);
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(*decoded, all);
}

TEST(Base64, RoundTripsEveryLengthFrom0To300) {
  std::uint32_t state = 12345;  // a fixed LCG: deterministic bytes of every value
  for (std::size_t length = 0; length <= 300; ++length) {
    std::string bytes;
    for (std::size_t i = 0; i < length; ++i) {
      state = state * 1664525u + 1013904223u;
      bytes.push_back(static_cast<char>(state >> 24));
    }
    const std::string text = base64_encode(bytes);
    ASSERT_EQ(text.size(), (length + 2) / 3 * 4) << length;
    const auto decoded = base64_decode(text);
    ASSERT_TRUE(decoded.ok()) << length << ": " << decoded.error().message;
    ASSERT_EQ(*decoded, bytes) << length;
  }
}

TEST(Base64, SpanAndStringViewEncodersAgree) {
  const std::vector<std::uint8_t> bytes = {0x00, 0xff, 0x10, 0x80, 0x7f};
  EXPECT_EQ(base64_encode(bytes), base64_encode(std::string("\x00\xff\x10\x80\x7f", 5)));
  EXPECT_EQ(base64_encode(bytes), "AP8QgH8=");
}

TEST(Base64, RejectsALengthThatIsNotAMultipleOfFour) {
  ExpectRejected("Z", "multiple of 4");
  ExpectRejected("Zg", "multiple of 4");
  ExpectRejected("Zg=", "multiple of 4");
  ExpectRejected("Zm9vYg=", "multiple of 4");
  ExpectRejected("Zm9vY", "multiple of 4");
}

TEST(Base64, RejectsCharactersOutsideTheAlphabet) {
  ExpectRejected("Zm9v!A==", "outside the alphabet at offset 4");
  ExpectRejected("-_-_", "outside the alphabet at offset 0");  // base64url is not base64
  ExpectRejected("Zm9-", "outside the alphabet at offset 3");
  ExpectRejected("Zm_v", "outside the alphabet at offset 2");
  ExpectRejected(std::string("Zm\0v", 4), "outside the alphabet at offset 2");
  ExpectRejected("Zm\x80v", "outside the alphabet at offset 2");
  ExpectRejected("Zm\xffv", "outside the alphabet at offset 2");
}

TEST(Base64, RejectsWhitespaceAndLineBreaksAnywhere) {
  ExpectRejected("Zm9v YmF", "outside the alphabet at offset 4");
  ExpectRejected(" Zm9", "outside the alphabet at offset 0");
  ExpectRejected("Zm9\t", "outside the alphabet at offset 3");
  ExpectRejected("Zm\r\n", "outside the alphabet at offset 2");
  ExpectRejected("Zm9v\r\nYmFy", "multiple of 4");
  ExpectRejected("Zm9v\r\nYmFyZg", "outside the alphabet at offset 4");
  ExpectRejected("\nZm9vYmF", "outside the alphabet at offset 0");
}

TEST(Base64, RejectsPaddingAnywhereButTheLastOneOrTwoCharacters) {
  ExpectRejected("====", "padding before the end at offset 0");
  ExpectRejected("A===", "padding before the end at offset 1");
  ExpectRejected("=Zm9", "padding before the end at offset 0");
  ExpectRejected("Zm=v", "padding before the end at offset 2");
  ExpectRejected("Zg==Zg==", "padding before the end at offset 2");
  ExpectRejected("Zm8=Zm8=", "padding before the end at offset 3");
  ExpectRejected("Zm9vY===", "padding before the end at offset 5");
}

TEST(Base64, RejectsNonZeroBitsBeforePadding) {
  ExpectRejected("Zh==", "non-zero bits before padding at offset 1");
  ExpectRejected("Zm9=", "non-zero bits before padding at offset 2");
  ExpectRejected("Zm9vYh==", "non-zero bits before padding at offset 5");
  ExpectRejected("Zm9vYmF=", "non-zero bits before padding at offset 6");
}

// The strict decoder accepts a text exactly when the encoder produces it for some bytes. Over
// every 4-character text from a set of characters that exercises each rule: every accepted text
// round-trips (accepted is inside the encoder's image), and the number accepted equals the number
// of canonical encodings in that set (so nothing in the image is refused).
TEST(Base64, AcceptsExactlyTheEncodersOutput) {
  // Values: A=0 Q=16 g=32 w=48 h=33 9=61 +=62 /=63; then padding, a URL-safe and a line break.
  const std::string chars = "AQgwh9+/=-\n";
  int accepted = 0;
  for (char a : chars) {
    for (char b : chars) {
      for (char c : chars) {
        for (char d : chars) {
          const std::string text{a, b, c, d};
          const auto decoded = base64_decode(text);
          if (!decoded.ok()) {
            ASSERT_EQ(decoded.error().code, ErrorCode::kInvalidArgument);
            continue;
          }
          ++accepted;
          ASSERT_EQ(base64_encode(*decoded), text);
        }
      }
    }
  }
  // 8 data characters. "wxyz": 8^4. "wxy=": y's low 2 bits zero (A Q g w): 8 * 8 * 4.
  // "wx==": x's low 4 bits zero (A Q g w again): 8 * 4.
  EXPECT_EQ(accepted, 8 * 8 * 8 * 8 + 8 * 8 * 4 + 8 * 4);
}

TEST(Base64, DecodesTheEmptyStringToEmpty) {
  const auto decoded = base64_decode("");
  ASSERT_TRUE(decoded.ok());
  EXPECT_TRUE(decoded->empty());
  EXPECT_EQ(base64_encode(std::string_view()), "");
}

// OAuth bearer tokens run to several kilobytes; a megabyte round trip guards against anything
// quadratic without timing the test.
TEST(Base64, RoundTripsAMegabyte) {
  std::string bytes(1 << 20, '\0');
  for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>(i * 131 + (i >> 8));
  const std::string text = base64_encode(bytes);
  ASSERT_EQ(text.size(), (bytes.size() + 2) / 3 * 4);
  const auto decoded = base64_decode(text);
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(*decoded, bytes);
}
