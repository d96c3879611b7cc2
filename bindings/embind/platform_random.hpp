// Randomness for both sides (SCRAM nonces, the server's challenges and salts): the host's CSPRNG
// through getentropy(), which Emscripten implements with crypto.getRandomValues. No crypto
// library is involved, so the module without a TLS engine has it too.
#pragma once

#include <cstdint>
#include <span>

namespace pop3::bindings {

// Fills `out` with random bytes; stops the module if the host has no CSPRNG, since predictable
// nonces and challenges would be worse than none.
void platform_random(std::span<std::uint8_t> out);

}  // namespace pop3::bindings
