// The data lines of STAT, LIST and UIDL (RFC 1939 sections 5 and 7): a "drop listing", "scan
// listings" and "unique-id listings". Servers may append information after the defined fields
// (RFC 1939 allows it), which is ignored; a missing or malformed field is a protocol violation.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pop3::protocol {

struct DropListing {
  std::uint32_t count = 0;
  std::uint64_t size = 0;
};

struct ScanListing {
  std::uint32_t number = 0;
  std::uint64_t size = 0;
};

struct UidListing {
  std::uint32_t number = 0;
  std::string uid;  // 1 to 70 characters in 0x21..0x7E (RFC 1939 section 7)
};

std::optional<DropListing> parse_drop_listing(std::string_view text);
std::optional<ScanListing> parse_scan_listing(std::string_view text);
std::optional<UidListing> parse_uid_listing(std::string_view text);
// The size in RETR's "+OK 120 octets" (the form RFC 1939 suggests; servers need not send it).
std::optional<std::uint64_t> parse_octets(std::string_view text);

// True if `uid` is a valid RFC 1939 unique-id.
bool is_valid_uid(std::string_view uid);

}  // namespace pop3::protocol
