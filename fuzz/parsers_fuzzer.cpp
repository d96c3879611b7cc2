// The line parsers on arbitrary lines: status lines and response codes, CAPA, listings, APOP
// timestamps, base64. Invariants: no crash; what parses re-encodes consistently.
#include <cstdlib>
#include <vector>

#include "fuzz_input.hpp"
#include "pop3/auth/apop.hpp"
#include "pop3/auth/base64.hpp"
#include "pop3/protocol/capabilities.hpp"
#include "pop3/protocol/listing.hpp"
#include "pop3/protocol/status_line.hpp"

using namespace pop3;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start <= input.size()) {
    const auto end = input.find('\n', start);
    lines.emplace_back(
        input.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  for (const auto& line : lines) {
    if (auto status = protocol::parse_status_line(line)) {
      (void)protocol::classify_response_code(status->code);
      if (status->text.size() > line.size()) std::abort();
    }
    std::string payload;
    (void)protocol::parse_continuation_line(line, payload);
    (void)protocol::parse_drop_listing(line);
    (void)protocol::parse_scan_listing(line);
    if (auto uid = protocol::parse_uid_listing(line)) {
      if (!protocol::is_valid_uid(uid->uid)) std::abort();
    }
    if (auto ts = auth::find_apop_timestamp(line)) {
      if (ts->front() != '<' || ts->back() != '>') std::abort();
    }
    if (auto decoded = auth::base64_decode(line)) {
      if (auth::base64_encode(*decoded) != line) std::abort();  // strict: canonical only
    }
  }
  const auto caps = protocol::parse_capabilities(lines);
  if (caps.lines.size() != lines.size()) std::abort();
  return 0;
}
