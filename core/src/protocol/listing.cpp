#include "pop3/protocol/listing.hpp"

#include <limits>

#include "ascii.hpp"

namespace pop3::protocol {
namespace {

constexpr auto kMaxNumber = std::numeric_limits<std::uint32_t>::max();
// Sizes above 2^53 could not be represented exactly in JavaScript; no maildrop is that large.
constexpr std::uint64_t kMaxSize = (std::uint64_t{1} << 53) - 1;

}  // namespace

std::optional<DropListing> parse_drop_listing(std::string_view text) {
  const auto count = ascii::parse_decimal<std::uint32_t>(ascii::next_token(text), kMaxNumber);
  const auto size = ascii::parse_decimal<std::uint64_t>(ascii::next_token(text), kMaxSize);
  if (!count || !size) return std::nullopt;
  return DropListing{*count, *size};
}

std::optional<ScanListing> parse_scan_listing(std::string_view text) {
  const auto number = ascii::parse_decimal<std::uint32_t>(ascii::next_token(text), kMaxNumber);
  const auto size = ascii::parse_decimal<std::uint64_t>(ascii::next_token(text), kMaxSize);
  if (!number || *number == 0 || !size) return std::nullopt;
  return ScanListing{*number, *size};
}

std::optional<std::uint64_t> parse_octets(std::string_view text) {
  const auto size = ascii::parse_decimal<std::uint64_t>(ascii::next_token(text), kMaxSize);
  const std::string_view unit = ascii::next_token(text);
  if (!size || !ascii::iequals(unit, "octets")) return std::nullopt;
  return size;
}

bool is_valid_uid(std::string_view uid) {
  if (uid.empty() || uid.size() > 70) return false;
  for (char c : uid) {
    if (!ascii::is_printable(c)) return false;
  }
  return true;
}

std::optional<UidListing> parse_uid_listing(std::string_view text) {
  const auto number = ascii::parse_decimal<std::uint32_t>(ascii::next_token(text), kMaxNumber);
  const std::string_view uid = ascii::next_token(text);
  if (!number || *number == 0 || !is_valid_uid(uid)) return std::nullopt;
  return UidListing{*number, std::string(uid)};
}

}  // namespace pop3::protocol
