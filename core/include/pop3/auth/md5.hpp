// RFC 1321 MD5, incremental. Used by APOP and CRAM-MD5 (HMAC-MD5); both are legacy mechanisms
// that POP3 servers still offer, so the core carries its own small MD5 rather than depending on
// the TLS library for them.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace pop3::auth {

class Md5 {
 public:
  using Digest = std::array<std::uint8_t, 16>;

  Md5();
  void update(std::span<const std::uint8_t> data);
  void update(std::string_view data);
  // Finishes the hash; the object must not be updated afterwards.
  Digest finish();

  static Digest digest(std::string_view data);
  static std::string hex(std::string_view data);

 private:
  void transform(const std::uint8_t block[64]);

  std::array<std::uint32_t, 4> state_;
  std::uint64_t length_bytes_ = 0;
  std::array<std::uint8_t, 64> buffer_{};
  std::size_t buffered_ = 0;
};

// Lower-case hexadecimal of arbitrary bytes.
std::string to_hex(std::span<const std::uint8_t> bytes);

}  // namespace pop3::auth
