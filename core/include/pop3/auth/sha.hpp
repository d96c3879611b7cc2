// FIPS 180-4 SHA-1 and SHA-256, HMAC (RFC 2104) and PBKDF2 (RFC 8018 section 5.2) over them:
// what SCRAM-SHA-1 and SCRAM-SHA-256 need. The core carries its own so that the protocol module
// without a TLS engine (docs/architecture.md, "Module flavours") links no crypto library.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace pop3::auth {

enum class ShaKind { kSha1, kSha256 };

// The digest size in bytes: 20 for SHA-1, 32 for SHA-256.
std::size_t sha_size(ShaKind kind);

// An incremental SHA-1 or SHA-256.
class Sha {
 public:
  explicit Sha(ShaKind kind);
  void update(std::string_view data);
  // Finishes the hash; the object must not be updated afterwards.
  std::string finish();

  static std::string digest(ShaKind kind, std::string_view data);

 private:
  void transform(const std::uint8_t block[64]);

  ShaKind kind_;
  std::array<std::uint32_t, 8> state_;
  std::uint64_t length_bytes_ = 0;
  std::array<std::uint8_t, 64> buffer_{};
  std::size_t buffered_ = 0;
};

// HMAC(key, data) over the chosen SHA.
std::string hmac_sha(ShaKind kind, std::string_view key, std::string_view data);

// PBKDF2-HMAC-SHA with a derived key as long as one digest (SCRAM's Hi()).
std::string pbkdf2_sha(ShaKind kind, std::string_view password, std::string_view salt,
                       std::uint32_t iterations);

}  // namespace pop3::auth
