// Randomness comes from the host: the core has no entropy source of its own (it must not read
// files or clocks), and tests pass a deterministic generator so that every byte a server sends
// is reproducible. Production hosts pass a CSPRNG (OpenSSL's RAND_bytes, crypto.getRandomValues).
#pragma once

#include <cstdint>
#include <functional>
#include <span>

namespace pop3 {

// Fills the span with random bytes.
using RandomSource = std::function<void(std::span<std::uint8_t>)>;

}  // namespace pop3
