#include "pop3/mailbox/maildrop.hpp"

#include <gtest/gtest.h>

#include "pop3/protocol/client_session.hpp"
#include "session_driver.hpp"

using namespace pop3;
using namespace pop3::mailbox;
using namespace pop3::protocol;
using pop3::testing::SessionDriver;

TEST(Maildrop, TracksListingsAndDeletionMarks) {
  Maildrop drop;
  EXPECT_TRUE(drop.usable(5));  // nothing known yet: the server decides
  drop.set_scan_listing({{1, 100}, {2, 200}, {3, 300}});
  drop.set_uid_listing({{1, "a"}, {2, "b"}, {3, "c"}});
  EXPECT_EQ(drop.count(), 3u);
  EXPECT_EQ(drop.size(), 600u);
  drop.mark_deleted(2);
  EXPECT_FALSE(drop.usable(2));
  EXPECT_FALSE(drop.usable(4));
  EXPECT_EQ(drop.count(), 2u);
  EXPECT_EQ(drop.size(), 400u);
  EXPECT_EQ(drop.find(2)->uid, "b");
  drop.reset();
  EXPECT_TRUE(drop.usable(2));
  EXPECT_EQ(drop.count(), 3u);
}

TEST(Maildrop, KeepsMarksMadeBeforeTheListing) {
  Maildrop drop;
  drop.mark_deleted(1);
  drop.set_scan_listing({{1, 10}, {2, 20}});
  EXPECT_FALSE(drop.usable(1));
  EXPECT_TRUE(drop.usable(2));
}

TEST(Maildrop, SessionRefusesMessagesMarkedDeletedOrUnlisted) {
  SessionDriver d;
  d.server("+OK ready\r\n");
  d.submit(*Command::user("u"));
  d.submit(*Command::pass("p"));
  d.server("+OK\r\n+OK\r\n");
  d.submit(Command::list());
  d.server("+OK\r\n1 10\r\n2 20\r\n.\r\n");
  d.submit(Command::dele(1));
  d.server("+OK deleted\r\n");
  auto again = d.session.submit(*Command::retr(1));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(again.error().message.find("marked deleted"), std::string::npos);
  auto missing = d.session.submit(*Command::retr(3));
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("no message 3 in the maildrop"), std::string::npos);
  d.submit(Command::rset());
  d.server("+OK\r\n");
  EXPECT_TRUE(d.session.submit(*Command::retr(1)).ok());
  EXPECT_EQ(d.session.maildrop().count(), 2u);
}
