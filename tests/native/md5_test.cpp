#include "pop3/auth/md5.hpp"

#include <gtest/gtest.h>

#include <string>

using pop3::auth::Md5;

// The test suite of RFC 1321, appendix A.5.
TEST(Md5, MatchesEveryRfc1321TestVector) {
  EXPECT_EQ(Md5::hex(""), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(Md5::hex("a"), "0cc175b9c0f1b6a831c399e269772661");
  EXPECT_EQ(Md5::hex("abc"), "900150983cd24fb0d6963f7d28e17f72");
  EXPECT_EQ(Md5::hex("message digest"), "f96b697d7cb7938d525a2f31aaf161d0");
  EXPECT_EQ(Md5::hex("abcdefghijklmnopqrstuvwxyz"), "c3fcd3d76192e4007dfb496cca67e13b");
  EXPECT_EQ(Md5::hex("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"),
            "d174ab98d277d9f5a5611c2c9f419d9f");
  EXPECT_EQ(Md5::hex("1234567890123456789012345678901234567890123456789012345678901234567890"
                     "1234567890"),
            "57edf4a22be3c955ac49da2e2107b67a");
}

TEST(Md5, GivesTheSameDigestForEverySplitOfTheInput) {
  std::string data;
  for (int i = 0; i < 300; ++i) data.push_back(static_cast<char>(i * 7 + 3));
  const auto whole = Md5::digest(data);
  for (std::size_t split = 0; split <= data.size(); ++split) {
    Md5 md5;
    md5.update(std::string_view(data).substr(0, split));
    md5.update(std::string_view(data).substr(split));
    ASSERT_EQ(md5.finish(), whole) << "split at " << split;
  }
}

TEST(Md5, HandlesPaddingBoundaries) {
  // 55, 56 and 64 bytes straddle the point where the length no longer fits the last block.
  EXPECT_EQ(Md5::hex(std::string(55, 'a')), "ef1772b6dff9a122358552954ad0df65");
  EXPECT_EQ(Md5::hex(std::string(56, 'a')), "3b0c8ac703f828b04c6c197006d17218");
  EXPECT_EQ(Md5::hex(std::string(64, 'a')), "014842d480b571495a4a0363793f7367");
}
