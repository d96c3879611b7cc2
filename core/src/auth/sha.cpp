#include "pop3/auth/sha.hpp"

#include <algorithm>
#include <cstring>

namespace pop3::auth {
namespace {

// FIPS 180-4 section 4.2.2: the first 32 bits of the fractional parts of the cube roots of the
// first 64 primes.
constexpr std::uint32_t kSha256Round[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

// FIPS 180-4 section 4.2.3: the first 64 bits of the fractional parts of the cube roots of the
// first 80 primes.
constexpr std::uint64_t kSha512Round[80] = {
    0x428a2f98d728ae22, 0x7137449123ef65cd, 0xb5c0fbcfec4d3b2f, 0xe9b5dba58189dbbc,
    0x3956c25bf348b538, 0x59f111f1b605d019, 0x923f82a4af194f9b, 0xab1c5ed5da6d8118,
    0xd807aa98a3030242, 0x12835b0145706fbe, 0x243185be4ee4b28c, 0x550c7dc3d5ffb4e2,
    0x72be5d74f27b896f, 0x80deb1fe3b1696b1, 0x9bdc06a725c71235, 0xc19bf174cf692694,
    0xe49b69c19ef14ad2, 0xefbe4786384f25e3, 0x0fc19dc68b8cd5b5, 0x240ca1cc77ac9c65,
    0x2de92c6f592b0275, 0x4a7484aa6ea6e483, 0x5cb0a9dcbd41fbd4, 0x76f988da831153b5,
    0x983e5152ee66dfab, 0xa831c66d2db43210, 0xb00327c898fb213f, 0xbf597fc7beef0ee4,
    0xc6e00bf33da88fc2, 0xd5a79147930aa725, 0x06ca6351e003826f, 0x142929670a0e6e70,
    0x27b70a8546d22ffc, 0x2e1b21385c26c926, 0x4d2c6dfc5ac42aed, 0x53380d139d95b3df,
    0x650a73548baf63de, 0x766a0abb3c77b2a8, 0x81c2c92e47edaee6, 0x92722c851482353b,
    0xa2bfe8a14cf10364, 0xa81a664bbc423001, 0xc24b8b70d0f89791, 0xc76c51a30654be30,
    0xd192e819d6ef5218, 0xd69906245565a910, 0xf40e35855771202a, 0x106aa07032bbd1b8,
    0x19a4c116b8d2d0c8, 0x1e376c085141ab53, 0x2748774cdf8eeb99, 0x34b0bcb5e19b48a8,
    0x391c0cb3c5c95a63, 0x4ed8aa4ae3418acb, 0x5b9cca4f7763e373, 0x682e6ff3d6b2b8a3,
    0x748f82ee5defb2fc, 0x78a5636f43172f60, 0x84c87814a1f0ab72, 0x8cc702081a6439ec,
    0x90befffa23631e28, 0xa4506cebde82bde9, 0xbef9a3f7b2c67915, 0xc67178f2e372532b,
    0xca273eceea26619c, 0xd186b8c721c0c207, 0xeada7dd6cde0eb1e, 0xf57d4f7fee6ed178,
    0x06f067aa72176fba, 0x0a637dc5a2c898a6, 0x113f9804bef90dae, 0x1b710b35131c471b,
    0x28db77f523047d84, 0x32caab7b40c72493, 0x3c9ebe0a15c9bebc, 0x431d67c49c100d4c,
    0x4cc5d4becb3e42b6, 0x597f299cfc657e2a, 0x5fcb6fab3ad6faec, 0x6c44198c4a475817};

constexpr std::uint32_t rotl(std::uint32_t x, int n) {
  return (x << n) | (x >> (32 - n));
}
constexpr std::uint32_t rotr(std::uint32_t x, int n) {
  return (x >> n) | (x << (32 - n));
}

constexpr std::uint64_t rotr64(std::uint64_t x, int n) {
  return (x >> n) | (x << (64 - n));
}

std::uint32_t load_be(const std::uint8_t* p) {
  return (static_cast<std::uint32_t>(p[0]) << 24) | (static_cast<std::uint32_t>(p[1]) << 16) |
         (static_cast<std::uint32_t>(p[2]) << 8) | static_cast<std::uint32_t>(p[3]);
}

void sha1_block(std::array<std::uint32_t, 8>& h, const std::uint8_t block[64]) {
  std::uint32_t w[80];
  for (int t = 0; t < 16; ++t) w[t] = load_be(block + 4 * t);
  for (int t = 16; t < 80; ++t) w[t] = rotl(w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16], 1);
  std::uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
  for (int t = 0; t < 80; ++t) {
    std::uint32_t f, k;
    if (t < 20) {
      f = (b & c) | (~b & d), k = 0x5a827999;
    } else if (t < 40) {
      f = b ^ c ^ d, k = 0x6ed9eba1;
    } else if (t < 60) {
      f = (b & c) | (b & d) | (c & d), k = 0x8f1bbcdc;
    } else {
      f = b ^ c ^ d, k = 0xca62c1d6;
    }
    const std::uint32_t temp = rotl(a, 5) + f + e + k + w[t];
    e = d, d = c, c = rotl(b, 30), b = a, a = temp;
  }
  h[0] += a, h[1] += b, h[2] += c, h[3] += d, h[4] += e;
}

void sha256_block(std::array<std::uint32_t, 8>& h, const std::uint8_t block[64]) {
  std::uint32_t w[64];
  for (int t = 0; t < 16; ++t) w[t] = load_be(block + 4 * t);
  for (int t = 16; t < 64; ++t) {
    const std::uint32_t s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^ (w[t - 15] >> 3);
    const std::uint32_t s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^ (w[t - 2] >> 10);
    w[t] = w[t - 16] + s0 + w[t - 7] + s1;
  }
  std::uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], k = h[7];
  for (int t = 0; t < 64; ++t) {
    const std::uint32_t t1 = k + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) +
                             kSha256Round[t] + w[t];
    const std::uint32_t t2 =
        (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
    k = g, g = f, f = e, e = d + t1, d = c, c = b, b = a, a = t1 + t2;
  }
  h[0] += a, h[1] += b, h[2] += c, h[3] += d, h[4] += e, h[5] += f, h[6] += g, h[7] += k;
}

void sha512_block(std::array<std::uint64_t, 8>& h, const std::uint8_t block[128]) {
  std::uint64_t w[80];
  for (int t = 0; t < 16; ++t) {
    w[t] = (static_cast<std::uint64_t>(load_be(block + 8 * t)) << 32) | load_be(block + 8 * t + 4);
  }
  for (int t = 16; t < 80; ++t) {
    const std::uint64_t s0 = rotr64(w[t - 15], 1) ^ rotr64(w[t - 15], 8) ^ (w[t - 15] >> 7);
    const std::uint64_t s1 = rotr64(w[t - 2], 19) ^ rotr64(w[t - 2], 61) ^ (w[t - 2] >> 6);
    w[t] = w[t - 16] + s0 + w[t - 7] + s1;
  }
  std::uint64_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], k = h[7];
  for (int t = 0; t < 80; ++t) {
    const std::uint64_t t1 = k + (rotr64(e, 14) ^ rotr64(e, 18) ^ rotr64(e, 41)) +
                             ((e & f) ^ (~e & g)) + kSha512Round[t] + w[t];
    const std::uint64_t t2 =
        (rotr64(a, 28) ^ rotr64(a, 34) ^ rotr64(a, 39)) + ((a & b) ^ (a & c) ^ (b & c));
    k = g, g = f, f = e, e = d + t1, d = c, c = b, b = a, a = t1 + t2;
  }
  h[0] += a, h[1] += b, h[2] += c, h[3] += d, h[4] += e, h[5] += f, h[6] += g, h[7] += k;
}

}  // namespace

std::size_t sha_block_size(ShaKind kind) {
  return kind == ShaKind::kSha384 || kind == ShaKind::kSha512 ? 128 : 64;
}

std::size_t sha_size(ShaKind kind) {
  switch (kind) {
    case ShaKind::kSha1:
      return 20;
    case ShaKind::kSha256:
      return 32;
    case ShaKind::kSha384:
      return 48;
    case ShaKind::kSha512:
      return 64;
  }
  return 32;
}

Sha::Sha(ShaKind kind) : kind_(kind) {
  if (kind == ShaKind::kSha1) {
    state_ = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0, 0, 0, 0};
  } else if (kind == ShaKind::kSha384) {
    state64_ = {0xcbbb9d5dc1059ed8, 0x629a292a367cd507, 0x9159015a3070dd17, 0x152fecd8f70e5939,
                0x67332667ffc00b31, 0x8eb44a8768581511, 0xdb0c2e0d64f98fa7, 0x47b5481dbefa4fa4};
  } else if (kind == ShaKind::kSha512) {
    state64_ = {0x6a09e667f3bcc908, 0xbb67ae8584caa73b, 0x3c6ef372fe94f82b, 0xa54ff53a5f1d36f1,
                0x510e527fade682d1, 0x9b05688c2b3e6c1f, 0x1f83d9abfb41bd6b, 0x5be0cd19137e2179};
  } else {
    state_ = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
              0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  }
}

void Sha::transform(const std::uint8_t* block) {
  if (kind_ == ShaKind::kSha1) {
    sha1_block(state_, block);
  } else if (wide()) {
    sha512_block(state64_, block);
  } else {
    sha256_block(state_, block);
  }
}

void Sha::update(std::string_view data) {
  const auto* p = reinterpret_cast<const std::uint8_t*>(data.data());
  std::size_t n = data.size();
  const std::size_t block_bytes = block_size();
  length_bytes_ += n;
  if (buffered_ > 0) {
    const std::size_t take = std::min(n, block_bytes - buffered_);
    std::memcpy(buffer_.data() + buffered_, p, take);
    buffered_ += take, p += take, n -= take;
    if (buffered_ < block_bytes) return;
    transform(buffer_.data());
    buffered_ = 0;
  }
  for (; n >= block_bytes; p += block_bytes, n -= block_bytes) transform(p);
  std::memcpy(buffer_.data(), p, n);
  buffered_ = n;
}

std::string Sha::finish() {
  // Padding (FIPS 180-4 sections 5.1.1 and 5.1.2): 0x80, zeros, then the length in bits,
  // big-endian, in 8 octets (16 for SHA-384/512, whose upper 8 stay zero for any real input).
  const std::uint64_t bits = length_bytes_ * 8;
  const std::size_t block = block_size();
  const std::size_t length_field = block / 8;
  const std::size_t room = block - length_field;
  const std::size_t pad = (buffered_ < room ? room : room + block) - buffered_;
  std::uint8_t tail[128 + 16] = {0x80};
  for (int i = 0; i < 8; ++i) {
    tail[pad + length_field - 8 + i] = static_cast<std::uint8_t>(bits >> (56 - 8 * i));
  }
  update(std::string_view(reinterpret_cast<const char*>(tail), pad + length_field));
  std::string out(sha_size(kind_), '\0');
  for (std::size_t i = 0; i < out.size(); ++i) {
    out[i] = wide() ? static_cast<char>(state64_[i / 8] >> (56 - 8 * (i % 8)))
                    : static_cast<char>(state_[i / 4] >> (24 - 8 * (i % 4)));
  }
  return out;
}

std::string Sha::digest(ShaKind kind, std::string_view data) {
  Sha sha(kind);
  sha.update(data);
  return sha.finish();
}

namespace {

// The HMAC of one key: both padded keys hashed once, so that PBKDF2's thousands of HMACs each
// cost two compressions of the message plus two of the finish, not four.
class Hmac {
 public:
  Hmac(ShaKind kind, std::string_view key) : inner_(kind), outer_(kind) {
    // RFC 2104: a key longer than a block is hashed first; then H((K ^ opad) || H((K ^ ipad) ||
    // m)).
    const std::size_t block_bytes = sha_block_size(kind);
    std::string block = key.size() > block_bytes ? Sha::digest(kind, key) : std::string(key);
    block.resize(block_bytes, '\0');
    std::string pad(block);
    for (char& c : pad) c ^= 0x36;
    inner_.update(pad);
    for (std::size_t i = 0; i < block_bytes; ++i) pad[i] = static_cast<char>(block[i] ^ 0x5c);
    outer_.update(pad);
  }

  std::string operator()(std::string_view data) const {
    Sha inner(inner_);
    inner.update(data);
    Sha outer(outer_);
    outer.update(inner.finish());
    return outer.finish();
  }

 private:
  Sha inner_, outer_;
};

}  // namespace

std::string hmac_sha(ShaKind kind, std::string_view key, std::string_view data) {
  return Hmac(kind, key)(data);
}

std::string pbkdf2_sha(ShaKind kind, std::string_view password, std::string_view salt,
                       std::uint32_t iterations) {
  // One block (the derived key is one digest long): U1 = PRF(P, S || INT(1)), Ui = PRF(P, Ui-1).
  const Hmac prf(kind, password);
  std::string u = prf(std::string(salt) + std::string("\0\0\0\1", 4));
  std::string result = u;
  for (std::uint32_t i = 1; i < iterations; ++i) {
    u = prf(u);
    for (std::size_t j = 0; j < result.size(); ++j) result[j] ^= u[j];
  }
  return result;
}

}  // namespace pop3::auth
