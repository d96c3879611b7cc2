#include "platform_random.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>

namespace pop3::bindings {

void platform_random(std::span<std::uint8_t> out) {
  // getentropy() gives at most 256 bytes per call.
  for (std::size_t at = 0; at < out.size(); at += 256) {
    const std::size_t n = std::min<std::size_t>(256, out.size() - at);
    if (getentropy(out.data() + at, n) != 0) std::abort();
  }
}

}  // namespace pop3::bindings
