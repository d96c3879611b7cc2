#include "pop3/auth/apop.hpp"

#include <gtest/gtest.h>

using pop3::auth::apop_digest;
using pop3::auth::find_apop_timestamp;

// RFC 1939 section 7, the APOP example.
TEST(Apop, ReproducesTheRfc1939Example) {
  const auto ts = find_apop_timestamp("POP3 server ready <1896.697170952@dbc.mtview.ca.us>");
  ASSERT_TRUE(ts.has_value());
  EXPECT_EQ(*ts, "<1896.697170952@dbc.mtview.ca.us>");
  EXPECT_EQ(apop_digest(*ts, "tanstaaf"), "c4c9334bac560ecc979e58001b3e22fb");
}

TEST(Apop, FindsDovecotStyleTimestamps) {
  const auto ts = find_apop_timestamp("Dovecot ready. <1a2b.3.5f0e1d2c3b4a5968@mail.example>");
  ASSERT_TRUE(ts.has_value());
  EXPECT_EQ(*ts, "<1a2b.3.5f0e1d2c3b4a5968@mail.example>");
}

TEST(Apop, RefusesGreetingsWithoutAValidTimestamp) {
  EXPECT_FALSE(find_apop_timestamp("POP3 ready"));
  EXPECT_FALSE(find_apop_timestamp("POP3 ready <no-at-sign>"));
  EXPECT_FALSE(find_apop_timestamp("POP3 ready <@host>"));
  EXPECT_FALSE(find_apop_timestamp("POP3 ready <user@>"));
  EXPECT_FALSE(find_apop_timestamp("POP3 ready <a b@host>"));
  EXPECT_FALSE(find_apop_timestamp("POP3 ready <unterminated@host"));
  EXPECT_FALSE(find_apop_timestamp("<" + std::string(300, 'x') + "@host>"));
}

TEST(Apop, SkipsAngleBracketsThatAreNotTimestamps) {
  const auto ts = find_apop_timestamp("Hello <friend> <42.17@example.org>");
  ASSERT_TRUE(ts.has_value());
  EXPECT_EQ(*ts, "<42.17@example.org>");
}
