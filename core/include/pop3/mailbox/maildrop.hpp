// The maildrop as one session sees it (RFC 1939): message numbers 1..n fixed for the session,
// their sizes and unique ids as listed, and the deletion marks of DELE (undone by RSET). A
// message marked deleted keeps its number but may not be used again in the session.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "pop3/protocol/listing.hpp"

namespace pop3::mailbox {

class Maildrop {
 public:
  struct Message {
    std::uint32_t number = 0;
    std::uint64_t size = 0;
    std::string uid;  // empty until UIDL is known
    bool deleted = false;
  };

  // A full LIST reply: replaces what is known, keeping UIDs and marks of numbers still listed.
  void set_scan_listing(const std::vector<protocol::ScanListing>& list);
  // A full UIDL reply.
  void set_uid_listing(const std::vector<protocol::UidListing>& list);
  // DELE n succeeded / RSET succeeded.
  void mark_deleted(std::uint32_t number);
  void reset();

  bool known() const { return known_; }
  const Message* find(std::uint32_t number) const;
  // True if `number` may be used: listed (when a listing is known) and not marked deleted.
  bool usable(std::uint32_t number) const;
  // Why `number` may not be used ("marked deleted", "not in the maildrop"), or nothing.
  std::optional<std::string> refusal(std::uint32_t number) const;
  std::uint32_t count() const;  // messages not marked deleted
  std::uint64_t size() const;   // their total size
  const std::vector<Message>& messages() const { return messages_; }

 private:
  Message* find_mutable(std::uint32_t number);
  std::vector<Message> messages_;  // sorted by number
  std::vector<std::uint32_t> deleted_before_listing_;
  bool known_ = false;
};

}  // namespace pop3::mailbox
