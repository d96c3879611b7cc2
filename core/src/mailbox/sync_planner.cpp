#include "pop3/mailbox/sync_planner.hpp"

#include <algorithm>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "pop3/protocol/listing.hpp"

namespace pop3::mailbox {
namespace {

constexpr std::int64_t kSecondsPerDay = 86400;

SyncAction action(SyncAction::Kind kind, const ServerMessage& m, const std::string& key,
                  bool after_store = false) {
  return SyncAction{kind, m.number, key, m.size, after_store};
}

constexpr std::string_view kHeaderKeyPrefix = "hdr:";

bool is_hex_digest(std::string_view digest) {
  return !digest.empty() && digest.size() <= 128 &&
         digest.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

bool is_header_key(std::string_view uid) {
  return uid.substr(0, kHeaderKeyPrefix.size()) == kHeaderKeyPrefix &&
         is_hex_digest(uid.substr(kHeaderKeyPrefix.size()));
}

}  // namespace

Result<std::string> header_key(std::string_view hex_digest) {
  if (!is_hex_digest(hex_digest)) {
    return make_error(ErrorCode::kInvalidArgument,
                      "a header digest must be lower-case hex, up to 128 digits");
  }
  return std::string(kHeaderKeyPrefix) + std::string(hex_digest);
}

// Hash tables keyed by views into the caller's strings, not ordered trees of copies: a tree of
// copied strings cost several microseconds per message in WASM, more than the rest of a sync's
// bookkeeping (docs/sync.md, "Planning").
Result<std::vector<std::string>> assign_keys(const std::vector<ServerMessage>& server) {
  std::vector<std::string> keys;
  keys.reserve(server.size());
  std::unordered_set<std::uint32_t> numbers;
  numbers.reserve(server.size());
  std::unordered_map<std::string_view, int> seen;
  seen.reserve(server.size());
  for (const auto& m : server) {
    if (m.number == 0 || !numbers.insert(m.number).second) {
      return make_error(
          ErrorCode::kProtocolViolation,
          "the maildrop lists message number " + std::to_string(m.number) + " twice or as 0");
    }
    if (!protocol::is_valid_uid(m.uid) && !is_header_key(m.uid)) {
      return make_error(ErrorCode::kProtocolViolation,
                        "message " + std::to_string(m.number) + " has no valid unique id");
    }
    const int occurrence = ++seen[m.uid];
    keys.push_back(occurrence == 1 ? m.uid : m.uid + "#" + std::to_string(occurrence));
  }
  return keys;
}

Result<SyncPlan> plan_sync(const std::vector<ServerMessage>& server,
                           const std::vector<LocalRecord>& local, const SyncPolicy& policy,
                           std::int64_t now, const protocol::Capabilities* capabilities) {
  auto keys = assign_keys(server);
  if (!keys) return keys.error();
  SyncPlan plan;
  plan.keys = std::move(*keys);
  std::unordered_map<std::string_view, const LocalRecord*> records;
  records.reserve(local.size());
  for (const auto& record : local) records[record.key] = &record;

  std::unordered_map<std::string_view, int> uid_count;  // a UID the server repeats
  uid_count.reserve(server.size());
  for (const auto& m : server) ++uid_count[m.uid];
  std::vector<std::pair<std::string_view, int>> repeated;
  for (const auto& [uid, count] : uid_count) {
    if (count > 1) repeated.emplace_back(uid, count);
  }
  std::sort(repeated.begin(), repeated.end());  // warnings in UID order, whatever the hashing
  for (const auto& [uid, count] : repeated) {
    plan.warnings.push_back("the server lists UID " + std::string(uid) + " for " +
                            std::to_string(count) +
                            " messages: all are kept, none is deleted on the server");
  }
  if (capabilities && policy.retention != Retention::kDeleteAfterDownload) {
    using Expire = protocol::Capabilities::Expire;
    if (capabilities->expire == Expire::kDays && (policy.retention == Retention::kLeaveOnServer ||
                                                  policy.keep_days > capabilities->expire_days)) {
      plan.warnings.push_back("the server deletes retrieved messages after " +
                              std::to_string(capabilities->expire_days) +
                              " days (EXPIRE): they cannot be left longer");
    }
  }

  std::unordered_set<std::string_view> present;
  present.reserve(server.size());
  std::vector<SyncAction> deletions;
  for (std::size_t i = 0; i < server.size(); ++i) {
    const ServerMessage& m = server[i];
    const bool duplicated = uid_count.find(m.uid)->second > 1;
    const std::string& key = plan.keys[i];
    present.insert(key);
    const auto found = records.find(key);
    const LocalRecord* record = found == records.end() ? nullptr : found->second;
    const bool too_large = policy.max_message_size != 0 && m.size > policy.max_message_size;

    const bool have_full = record && !record->partial;
    if (!have_full && !(record && record->deleted_locally)) {
      if (too_large) {
        if (policy.headers_only_when_too_large && !record) {
          plan.actions.push_back(action(SyncAction::Kind::kFetchHeaders, m, key));
          ++plan.fetch_count;
        }
        continue;  // never delete what is not stored in full
      }
      plan.actions.push_back(action(SyncAction::Kind::kFetch, m, key));
      ++plan.fetch_count;
      plan.fetch_bytes += m.size;
      const bool delete_now =
          policy.retention == Retention::kDeleteAfterDownload ||
          (policy.retention == Retention::kLeaveForDays && policy.keep_days == 0);
      if (delete_now && !duplicated) {
        plan.actions.push_back(action(SyncAction::Kind::kDelete, m, key, /*after_store=*/true));
        ++plan.delete_count;
      }
      continue;
    }
    if (duplicated) continue;
    bool remove = false;
    if (record->deleted_locally) {
      remove = policy.delete_when_deleted_locally;
    } else {
      switch (policy.retention) {
        case Retention::kLeaveOnServer:
          break;
        case Retention::kDeleteAfterDownload:
          remove = true;
          break;
        case Retention::kLeaveForDays:
          remove = now - record->stored_at >=
                   static_cast<std::int64_t>(policy.keep_days) * kSecondsPerDay;
          break;
      }
    }
    if (remove) {
      deletions.push_back(action(SyncAction::Kind::kDelete, m, key));
      ++plan.delete_count;
    }
  }
  plan.actions.insert(plan.actions.end(), deletions.begin(), deletions.end());
  for (const auto& record : local) {
    if (!present.count(record.key)) plan.forget.push_back(record.key);
  }
  return plan;
}

}  // namespace pop3::mailbox
