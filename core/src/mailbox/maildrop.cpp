#include "pop3/mailbox/maildrop.hpp"

#include <algorithm>

namespace pop3::mailbox {

void Maildrop::set_scan_listing(const std::vector<protocol::ScanListing>& list) {
  std::vector<Message> next;
  next.reserve(list.size());
  for (const auto& scan : list) {
    Message m;
    m.number = scan.number;
    m.size = scan.size;
    if (const Message* old = find(scan.number)) {
      m.uid = old->uid;
      m.deleted = old->deleted;
    }
    next.push_back(std::move(m));
  }
  std::sort(next.begin(), next.end(),
            [](const Message& a, const Message& b) { return a.number < b.number; });
  messages_ = std::move(next);
  for (auto number : deleted_before_listing_) {
    if (Message* m = find_mutable(number)) m->deleted = true;
  }
  deleted_before_listing_.clear();
  known_ = true;
}

void Maildrop::set_uid_listing(const std::vector<protocol::UidListing>& list) {
  for (const auto& uid : list) {
    if (Message* m = find_mutable(uid.number)) {
      m->uid = uid.uid;
    } else if (!known_) {
      Message added;
      added.number = uid.number;
      added.uid = uid.uid;
      messages_.insert(
          std::upper_bound(messages_.begin(), messages_.end(), added,
                           [](const Message& a, const Message& b) { return a.number < b.number; }),
          added);
    }
  }
  known_ = true;  // a full UIDL lists every message not marked deleted, as LIST does
}

void Maildrop::mark_deleted(std::uint32_t number) {
  if (Message* m = find_mutable(number)) {
    m->deleted = true;
  } else if (!known_) {
    deleted_before_listing_.push_back(number);
  }
}

void Maildrop::reset() {
  for (auto& m : messages_) m.deleted = false;
  deleted_before_listing_.clear();
}

const Maildrop::Message* Maildrop::find(std::uint32_t number) const {
  const auto it = std::lower_bound(messages_.begin(), messages_.end(), number,
                                   [](const Message& m, std::uint32_t n) { return m.number < n; });
  return it != messages_.end() && it->number == number ? &*it : nullptr;
}

Maildrop::Message* Maildrop::find_mutable(std::uint32_t number) {
  return const_cast<Message*>(static_cast<const Maildrop*>(this)->find(number));
}

bool Maildrop::usable(std::uint32_t number) const {
  const Message* m = find(number);
  if (m) return !m->deleted;
  if (known_) return false;
  return std::find(deleted_before_listing_.begin(), deleted_before_listing_.end(), number) ==
         deleted_before_listing_.end();
}

std::optional<std::string> Maildrop::refusal(std::uint32_t number) const {
  if (usable(number)) return std::nullopt;
  const Message* m = find(number);
  if (m || !known_) return "the message is marked deleted in this session";
  return "there is no message " + std::to_string(number) + " in the maildrop (" +
         std::to_string(messages_.size()) + " listed)";
}

std::uint32_t Maildrop::count() const {
  return static_cast<std::uint32_t>(std::count_if(messages_.begin(), messages_.end(),
                                                  [](const Message& m) { return !m.deleted; }));
}

std::uint64_t Maildrop::size() const {
  std::uint64_t total = 0;
  for (const auto& m : messages_) total += m.deleted ? 0 : m.size;
  return total;
}

}  // namespace pop3::mailbox
