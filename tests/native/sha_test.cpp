// The core's own SHA-1/256/384/512, HMAC and PBKDF2 (SCRAM's arithmetic, so that the lite protocol
// module links no crypto library): published test vectors, then OpenSSL as the oracle on many
// lengths of input and key (including keys longer than a block, which HMAC hashes first).
#include "pop3/auth/sha.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <string>

#include "pop3/auth/md5.hpp"

using pop3::auth::hmac_sha;
using pop3::auth::pbkdf2_sha;
using pop3::auth::Sha;
using pop3::auth::ShaKind;

namespace {

std::string hex(const std::string& bytes) {
  return pop3::auth::to_hex({reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()});
}

const EVP_MD* md(ShaKind kind) {
  switch (kind) {
    case ShaKind::kSha1:
      return EVP_sha1();
    case ShaKind::kSha256:
      return EVP_sha256();
    case ShaKind::kSha384:
      return EVP_sha384();
    case ShaKind::kSha512:
      return EVP_sha512();
  }
  return nullptr;
}

std::string bytes_of(std::size_t n, int seed) {
  std::string s(n, '\0');
  for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>((i * 131 + seed * 7 + 11) & 0xff);
  return s;
}

}  // namespace

// FIPS 180-2 appendix examples.
TEST(Sha, MatchesTheFipsExamples) {
  const std::string two_blocks = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
  EXPECT_EQ(hex(Sha::digest(ShaKind::kSha1, "")), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  EXPECT_EQ(hex(Sha::digest(ShaKind::kSha1, "abc")), "a9993e364706816aba3e25717850c26c9cd0d89d");
  EXPECT_EQ(hex(Sha::digest(ShaKind::kSha1, two_blocks)),
            "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
  EXPECT_EQ(hex(Sha::digest(ShaKind::kSha256, "")),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(hex(Sha::digest(ShaKind::kSha256, "abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(hex(Sha::digest(ShaKind::kSha256, two_blocks)),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(hex(Sha::digest(ShaKind::kSha384, "abc")),
            "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baec"
            "a134c825a7");
  EXPECT_EQ(hex(Sha::digest(ShaKind::kSha512, "abc")),
            "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c"
            "23a3feebbd454d4423643ce80e2a9ac94fa54ca49f");
}

// RFC 2202 and RFC 4231, test case 2.
TEST(Sha, HmacMatchesTheRfcExamples) {
  EXPECT_EQ(hex(hmac_sha(ShaKind::kSha1, "Jefe", "what do ya want for nothing?")),
            "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
  EXPECT_EQ(hex(hmac_sha(ShaKind::kSha256, "Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

// RFC 6070 (PBKDF2-HMAC-SHA1) and RFC 7914 section 11 (PBKDF2-HMAC-SHA256, first 32 bytes).
TEST(Sha, Pbkdf2MatchesTheRfcExamples) {
  EXPECT_EQ(hex(pbkdf2_sha(ShaKind::kSha1, "password", "salt", 1)),
            "0c60c80f961f0e71f3a9b524af6012062fe037a6");
  EXPECT_EQ(hex(pbkdf2_sha(ShaKind::kSha1, "password", "salt", 2)),
            "ea6c014dc72d6f8ccd1ed92ace1d41f0d8de8957");
  EXPECT_EQ(hex(pbkdf2_sha(ShaKind::kSha1, "password", "salt", 4096)),
            "4b007901b765489abead49d926f721d065a429c1");
  EXPECT_EQ(hex(pbkdf2_sha(ShaKind::kSha256, "passwd", "salt", 1)),
            "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc");
}

TEST(Sha, AgreesWithOpenSslOnEveryLengthAroundTheBlockBoundaries) {
  for (const ShaKind kind :
       {ShaKind::kSha1, ShaKind::kSha256, ShaKind::kSha384, ShaKind::kSha512}) {
    for (std::size_t n = 0; n <= 300; ++n) {
      const std::string data = bytes_of(n, 1);
      unsigned char out[EVP_MAX_MD_SIZE];
      unsigned int length = 0;
      EVP_Digest(data.data(), data.size(), out, &length, md(kind), nullptr);
      ASSERT_EQ(Sha::digest(kind, data), std::string(reinterpret_cast<char*>(out), length))
          << "length " << n;
      // Fed in two pieces, the digest is the same.
      Sha split(kind);
      split.update(std::string_view(data).substr(0, n / 3));
      split.update(std::string_view(data).substr(n / 3));
      ASSERT_EQ(split.finish(), std::string(reinterpret_cast<char*>(out), length));
    }
  }
}

TEST(Sha, HmacAndPbkdf2AgreeWithOpenSslForShortAndLongKeys) {
  for (const ShaKind kind :
       {ShaKind::kSha1, ShaKind::kSha256, ShaKind::kSha384, ShaKind::kSha512}) {
    for (std::size_t key_length : {0, 1, 20, 63, 64, 65, 130}) {
      const std::string key = bytes_of(key_length, 2);
      const std::string data = bytes_of(77, 3);
      unsigned char out[EVP_MAX_MD_SIZE];
      unsigned int length = 0;
      HMAC(md(kind), key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &length);
      EXPECT_EQ(hmac_sha(kind, key, data), std::string(reinterpret_cast<char*>(out), length));

      const std::string salt = bytes_of(16, 4);
      std::string expected(pop3::auth::sha_size(kind), '\0');
      ASSERT_EQ(PKCS5_PBKDF2_HMAC(key.data(), static_cast<int>(key.size()),
                                  reinterpret_cast<const unsigned char*>(salt.data()),
                                  static_cast<int>(salt.size()), 4096, md(kind),
                                  static_cast<int>(expected.size()),
                                  reinterpret_cast<unsigned char*>(expected.data())),
                1);
      EXPECT_EQ(pbkdf2_sha(kind, key, salt, 4096), expected) << "key length " << key_length;
    }
  }
}
