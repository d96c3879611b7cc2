// The sync planner on arbitrary maildrops, store states and policies. Invariant (the one that
// matters most in this library): a DELE is never planned for a message that is not stored in
// full, unless it is fetched in full earlier in the same plan and marked after_store; never for
// a duplicated UID; and every fetch or delete names a listed message.
#include <cstdlib>
#include <map>
#include <set>

#include "fuzz_input.hpp"
#include "pop3/mailbox/sync_planner.hpp"

using namespace pop3;
using namespace pop3::mailbox;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::FuzzInput in(data, size);
  static const char* kUids[] = {"a", "b", "c", "d", "e", "f", "a#2", "hdr:1"};
  std::vector<ServerMessage> server;
  const int count = in.byte() % 12;
  for (int i = 0; i < count; ++i) {
    const std::uint32_t number = in.byte() % 2 ? static_cast<std::uint32_t>(i + 1) : in.byte() % 14;
    server.push_back({number, in.number(5000), kUids[in.byte() % 6]});
  }
  std::vector<LocalRecord> local;
  const int records = in.byte() % 10;
  for (int i = 0; i < records; ++i) {
    LocalRecord r;
    r.key = kUids[in.byte() % 8];
    r.stored_at = static_cast<std::int64_t>(in.number(40)) * 86400;
    const std::uint8_t flags = in.byte();
    r.partial = flags & 1;
    r.deleted_locally = flags & 2;
    local.push_back(r);
  }
  SyncPolicy policy;
  const std::uint8_t p = in.byte();
  policy.retention = static_cast<Retention>(p % 3);
  policy.keep_days = in.byte() % 20;
  policy.delete_when_deleted_locally = p & 4;
  policy.max_message_size = (p & 8) ? in.number(5000) : 0;
  policy.headers_only_when_too_large = p & 16;
  const std::int64_t now = 40LL * 86400;

  auto plan = plan_sync(server, local, policy, now);
  if (!plan) return 0;

  std::map<std::string, const LocalRecord*> by_key;
  for (const auto& r : local) by_key[r.key] = &r;
  std::map<std::uint32_t, std::string> key_of;
  std::map<std::string, int> uid_count;
  for (const auto& m : server) ++uid_count[m.uid];
  if (plan->keys.size() != server.size()) std::abort();
  for (std::size_t i = 0; i < server.size(); ++i) key_of[server[i].number] = plan->keys[i];

  std::set<std::string> fetched_full;
  for (const auto& action : plan->actions) {
    const auto listed = key_of.find(action.number);
    if (listed == key_of.end() || listed->second != action.key) std::abort();
    if (action.kind == SyncAction::Kind::kFetch) fetched_full.insert(action.key);
    if (action.kind != SyncAction::Kind::kDelete) continue;
    const std::string uid = action.key.substr(0, action.key.find('#'));
    if (uid_count[uid] > 1) std::abort();  // duplicated UIDs are never deleted
    const auto record = by_key.find(action.key);
    const bool stored_full = record != by_key.end() && !record->second->partial;
    const bool deleted_by_user = record != by_key.end() && record->second->deleted_locally &&
                                 policy.delete_when_deleted_locally;
    if (action.after_store) {
      if (!fetched_full.count(action.key)) std::abort();
    } else if (!stored_full && !deleted_by_user) {
      std::abort();
    }
  }
  return 0;
}
