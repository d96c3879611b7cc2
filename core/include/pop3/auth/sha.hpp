// FIPS 180-4 SHA-1, SHA-256, SHA-384 and SHA-512, HMAC (RFC 2104) and PBKDF2 (RFC 8018 section
// 5.2) over them: what SCRAM-SHA-1, -256 and -512 need, and tls-server-end-point's hashes. The core
// carries its own so that the protocol module without a TLS engine (docs/architecture.md, "Module
// flavours") links no crypto library.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace pop3::auth {

enum class ShaKind { kSha1, kSha256, kSha384, kSha512 };

// The digest size in bytes: 20 for SHA-1, 32 for SHA-256, 48 for SHA-384, 64 for SHA-512.
std::size_t sha_size(ShaKind kind);

// The block size in bytes: 64, or 128 for SHA-384 and SHA-512 (HMAC pads keys to it).
std::size_t sha_block_size(ShaKind kind);

// An incremental SHA-1, SHA-256, SHA-384 or SHA-512.
class Sha {
 public:
  explicit Sha(ShaKind kind);
  void update(std::string_view data);
  // Finishes the hash; the object must not be updated afterwards.
  std::string finish();

  static std::string digest(ShaKind kind, std::string_view data);

 private:
  void transform(const std::uint8_t* block);
  bool wide() const { return sha_block_size(kind_) == 128; }  // 64-bit words (SHA-384/512)
  std::size_t block_size() const { return sha_block_size(kind_); }

  ShaKind kind_;
  std::array<std::uint32_t, 8> state_{};    // SHA-1, SHA-256
  std::array<std::uint64_t, 8> state64_{};  // SHA-384, SHA-512
  std::uint64_t length_bytes_ = 0;
  std::array<std::uint8_t, 128> buffer_{};
  std::size_t buffered_ = 0;
};

// HMAC(key, data) over the chosen SHA.
std::string hmac_sha(ShaKind kind, std::string_view key, std::string_view data);

// PBKDF2-HMAC-SHA with a derived key as long as one digest (SCRAM's Hi()).
std::string pbkdf2_sha(ShaKind kind, std::string_view password, std::string_view salt,
                       std::uint32_t iterations);

}  // namespace pop3::auth
