#include "pop3/mailbox/sync_planner.hpp"

#include <gtest/gtest.h>

using namespace pop3;
using namespace pop3::mailbox;

namespace {

constexpr std::int64_t kNow = 1'800'000'000;
constexpr std::int64_t kDay = 86400;

std::vector<ServerMessage> server(
    std::initializer_list<std::pair<std::uint32_t, std::string>> items, std::uint64_t size = 1000) {
  std::vector<ServerMessage> out;
  for (const auto& [n, uid] : items) out.push_back({n, size, uid});
  return out;
}

LocalRecord stored(std::string key, std::int64_t at = kNow - kDay) {
  LocalRecord r;
  r.key = std::move(key);
  r.stored_at = at;
  return r;
}

// "F1 D1* H2 D3": fetch 1, delete 1 after store, fetch headers of 2, delete 3.
std::string describe(const SyncPlan& plan) {
  std::string out;
  for (const auto& a : plan.actions) {
    if (!out.empty()) out += ' ';
    out += a.kind == SyncAction::Kind::kFetch          ? "F"
           : a.kind == SyncAction::Kind::kFetchHeaders ? "H"
                                                       : "D";
    out += std::to_string(a.number);
    if (a.after_store) out += '*';
  }
  return out;
}

std::string run(const std::vector<ServerMessage>& s, const std::vector<LocalRecord>& l,
                SyncPolicy p) {
  auto plan = plan_sync(s, l, p, kNow);
  return plan ? describe(*plan) : "error:" + plan.error().message;
}

}  // namespace

TEST(SyncPlanner, LeaveOnServerFetchesOnlyWhatIsNew) {
  SyncPolicy keep;
  EXPECT_EQ(run(server({{1, "a"}, {2, "b"}, {3, "c"}}), {stored("b")}, keep), "F1 F3");
  EXPECT_EQ(run(server({{1, "a"}}), {stored("a")}, keep), "");
}

TEST(SyncPlanner, DeleteAfterDownloadDeletesOnlyAfterStoring) {
  SyncPolicy del;
  del.retention = Retention::kDeleteAfterDownload;
  EXPECT_EQ(run(server({{1, "a"}, {2, "b"}}), {}, del), "F1 D1* F2 D2*");
  // Stored in an earlier session that broke before QUIT: delete now, no second download.
  EXPECT_EQ(run(server({{1, "a"}, {2, "b"}}), {stored("a")}, del), "F2 D2* D1");
}

TEST(SyncPlanner, LeaveForDaysDeletesWhenOldEnough) {
  SyncPolicy days;
  days.retention = Retention::kLeaveForDays;
  days.keep_days = 14;
  const std::vector<LocalRecord> local = {stored("old", kNow - 15 * kDay),
                                          stored("young", kNow - 13 * kDay)};
  EXPECT_EQ(run(server({{1, "old"}, {2, "young"}, {3, "new"}}), local, days), "F3 D1");
  days.keep_days = 0;
  EXPECT_EQ(run(server({{1, "new"}}), {}, days), "F1 D1*");
}

TEST(SyncPlanner, DeletesWhatWasDeletedLocallyOnlyWhenAsked) {
  LocalRecord gone = stored("a");
  gone.deleted_locally = true;
  SyncPolicy keep;
  EXPECT_EQ(run(server({{1, "a"}}), {gone}, keep), "");
  keep.delete_when_deleted_locally = true;
  EXPECT_EQ(run(server({{1, "a"}}), {gone}, keep), "D1");
}

TEST(SyncPlanner, TakesOnlyHeadersOfOversizedMessagesAndNeverDeletesThem) {
  SyncPolicy del;
  del.retention = Retention::kDeleteAfterDownload;
  del.max_message_size = 500;
  std::vector<ServerMessage> s = {{1, 400, "small"}, {2, 900, "big"}};
  EXPECT_EQ(run(s, {}, del), "F1 D1* H2");
  LocalRecord headers = stored("big");
  headers.partial = true;
  EXPECT_EQ(run(s, {headers}, del), "F1 D1*");  // still too large: nothing more to do
  del.max_message_size = 0;
  EXPECT_EQ(run(s, {headers}, del), "F1 D1* F2 D2*");  // the limit is gone: fetch it in full
  del.max_message_size = 500;
  del.headers_only_when_too_large = false;
  EXPECT_EQ(run(s, {}, del), "F1 D1*");
}

TEST(SyncPlanner, KeepsEveryCopyOfADuplicatedUidAndDeletesNone) {
  SyncPolicy del;
  del.retention = Retention::kDeleteAfterDownload;
  auto plan = plan_sync(server({{1, "dup"}, {2, "dup"}, {3, "x"}}), {}, del, kNow);
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(describe(*plan), "F1 F2 F3 D3*");
  EXPECT_EQ(plan->actions[1].key, "dup#2");
  ASSERT_EQ(plan->warnings.size(), 1u);
  EXPECT_NE(plan->warnings[0].find("dup"), std::string::npos);
}

TEST(SyncPlanner, ForgetsRecordsOfMessagesGoneFromTheServer) {
  auto plan = plan_sync(server({{1, "a"}}), {stored("a"), stored("gone")}, {}, kNow);
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->forget, std::vector<std::string>{"gone"});
}

TEST(SyncPlanner, RefusesListingsItCannotTrust) {
  EXPECT_EQ(run(server({{1, "a"}, {1, "b"}}), {}, {}).rfind("error:", 0), 0u);
  EXPECT_EQ(run(server({{1, ""}}), {}, {}).rfind("error:", 0), 0u);
  EXPECT_EQ(run(server({{0, "a"}}), {}, {}).rfind("error:", 0), 0u);
}

TEST(SyncPlanner, AssignsKeysInListingOrderWithSuffixesForRepeatedUids) {
  auto keys = assign_keys(server({{1, "a"}, {2, "b"}, {3, "a"}, {4, "a"}}));
  ASSERT_TRUE(keys.ok());
  EXPECT_EQ(*keys, (std::vector<std::string>{"a", "b", "a#2", "a#3"}));
  // The planner keys messages the same way.
  auto plan = plan_sync(server({{1, "a"}, {2, "b"}, {3, "a"}, {4, "a"}}), {}, {}, kNow);
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->keys, *keys);
}

TEST(SyncPlanner, KeysMessagesWithoutUidlByTheirHeaderDigest) {
  auto same = header_key("0123abcd");
  auto other = header_key("ff");
  ASSERT_TRUE(same.ok() && other.ok());
  EXPECT_EQ(*same, "hdr:0123abcd");
  std::vector<ServerMessage> listed{{1, 10, *same}, {2, 10, *same}, {3, 20, *other}};
  auto keys = assign_keys(listed);
  ASSERT_TRUE(keys.ok());
  EXPECT_EQ(*keys, (std::vector<std::string>{*same, *same + "#2", *other}));
  // Two identical headers: both kept, neither deleted on the server.
  SyncPolicy del;
  del.retention = Retention::kDeleteAfterDownload;
  auto plan = plan_sync(listed, {}, del, kNow);
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(describe(*plan), "F1 F2 F3 D3*");
}

TEST(SyncPlanner, RefusesHeaderDigestsThatAreNotLowerCaseHex) {
  for (const char* bad : {"", "0123ABCD", "hdr:12", "12 34", "xyz"}) {
    auto key = header_key(bad);
    ASSERT_FALSE(key.ok()) << bad;
    EXPECT_EQ(key.error().code, ErrorCode::kInvalidArgument);
  }
  EXPECT_FALSE(header_key(std::string(129, 'a')).ok());
  EXPECT_FALSE(assign_keys(server({{1, "a"}, {1, "b"}})).ok());
  EXPECT_FALSE(assign_keys(server({{0, "a"}})).ok());
}

TEST(SyncPlanner, WarnsWhenTheServerExpiresMailSoonerThanThePolicyKeepsIt) {
  protocol::Capabilities caps;
  caps.expire = protocol::Capabilities::Expire::kDays;
  caps.expire_days = 7;
  SyncPolicy keep;
  auto plan = plan_sync(server({{1, "a"}}), {}, keep, kNow, &caps);
  ASSERT_TRUE(plan.ok());
  ASSERT_EQ(plan->warnings.size(), 1u);
  EXPECT_NE(plan->warnings[0].find("EXPIRE"), std::string::npos);
}
