// The Mozilla root certificates as shipped by Debian's ca-certificates package, embedded at build
// time (scripts/generate-root-bundle.mjs) as concatenated DER.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace pop3::tls {

std::span<const std::uint8_t> mozilla_root_bundle();
std::size_t mozilla_root_count();

}  // namespace pop3::tls
