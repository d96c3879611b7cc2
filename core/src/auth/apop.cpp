#include "pop3/auth/apop.hpp"

#include "pop3/auth/md5.hpp"

namespace pop3::auth {
namespace {

// Long enough for any real msg-id, short enough that a hostile greeting cannot make us hash
// kilobytes of junk as a "timestamp".
constexpr std::size_t kMaxTimestampLength = 256;

bool valid_timestamp(std::string_view candidate) {
  if (candidate.size() < 5 || candidate.size() > kMaxTimestampLength) return false;
  const std::string_view inner = candidate.substr(1, candidate.size() - 2);
  const auto at = inner.find('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == inner.size()) return false;
  for (char c : inner) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x21 || u > 0x7e || c == '<' || c == '>') return false;
  }
  return true;
}

}  // namespace

std::optional<std::string> find_apop_timestamp(std::string_view text) {
  std::size_t pos = 0;
  while ((pos = text.find('<', pos)) != std::string_view::npos) {
    const auto end = text.find('>', pos);
    if (end == std::string_view::npos) break;
    const std::string_view candidate = text.substr(pos, end - pos + 1);
    if (valid_timestamp(candidate)) return std::string(candidate);
    pos += 1;
  }
  return std::nullopt;
}

std::string apop_digest(std::string_view timestamp, std::string_view secret) {
  Md5 md5;
  md5.update(timestamp);
  md5.update(secret);
  return to_hex(md5.finish());
}

}  // namespace pop3::auth
