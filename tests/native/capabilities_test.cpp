#include "pop3/protocol/capabilities.hpp"

#include <gtest/gtest.h>

using namespace pop3::protocol;

TEST(Capabilities, ParsesEveryStandardCapability) {
  const auto caps = parse_capabilities({
      "TOP",
      "USER",
      "SASL PLAIN login CRAM-MD5 SCRAM-SHA-256",
      "RESP-CODES",
      "AUTH-RESP-CODE",
      "LOGIN-DELAY 900",
      "PIPELINING",
      "EXPIRE 60",
      "UIDL",
      "IMPLEMENTATION Shlemazle-Plotz-v302",
      "STLS",
      "UTF8 USER",
      "LANG",
      "X-VENDOR-THING 1 2",
  });
  EXPECT_TRUE(caps.top);
  EXPECT_TRUE(caps.user);
  EXPECT_EQ(caps.sasl, (std::vector<std::string>{"PLAIN", "LOGIN", "CRAM-MD5", "SCRAM-SHA-256"}));
  EXPECT_TRUE(caps.has_sasl("login"));
  EXPECT_FALSE(caps.has_sasl("GSSAPI"));
  EXPECT_TRUE(caps.resp_codes);
  EXPECT_TRUE(caps.auth_resp_code);
  ASSERT_TRUE(caps.login_delay);
  EXPECT_EQ(*caps.login_delay, 900u);
  EXPECT_FALSE(caps.login_delay_per_user);
  EXPECT_TRUE(caps.pipelining);
  EXPECT_EQ(caps.expire, Capabilities::Expire::kDays);
  EXPECT_EQ(caps.expire_days, 60u);
  EXPECT_TRUE(caps.uidl);
  EXPECT_EQ(caps.implementation, "Shlemazle-Plotz-v302");
  EXPECT_TRUE(caps.stls);
  EXPECT_TRUE(caps.utf8);
  EXPECT_TRUE(caps.utf8_user);
  EXPECT_TRUE(caps.lang);
  EXPECT_EQ(caps.unknown, (std::vector<std::string>{"X-VENDOR-THING 1 2"}));
  EXPECT_EQ(caps.lines.size(), 14u);
}

TEST(Capabilities, ParsesPerUserAndNeverForms) {
  const auto caps = parse_capabilities({"LOGIN-DELAY 300 USER", "EXPIRE NEVER USER"});
  EXPECT_EQ(*caps.login_delay, 300u);
  EXPECT_TRUE(caps.login_delay_per_user);
  EXPECT_EQ(caps.expire, Capabilities::Expire::kNever);
  EXPECT_TRUE(caps.expire_per_user);
  const auto zero = parse_capabilities({"expire 0"});
  EXPECT_EQ(zero.expire, Capabilities::Expire::kDays);
  EXPECT_EQ(zero.expire_days, 0u);
}

TEST(Capabilities, KeepsMalformedKnownTagsAsUnknownLines) {
  const auto caps = parse_capabilities({"LOGIN-DELAY soon", "EXPIRE -1", "EXPIRE 5 NOBODY"});
  EXPECT_FALSE(caps.login_delay);
  EXPECT_EQ(caps.expire, Capabilities::Expire::kNotAnnounced);
  EXPECT_EQ(caps.unknown.size(), 3u);
}

TEST(Capabilities, AreCaseInsensitive) {
  const auto caps = parse_capabilities({"pipelining", "Uidl", "stls"});
  EXPECT_TRUE(caps.pipelining);
  EXPECT_TRUE(caps.uidl);
  EXPECT_TRUE(caps.stls);
}

TEST(Capabilities, FormatsWhatTheParserReadsBack) {
  Capabilities caps;
  caps.top = caps.uidl = caps.user = caps.resp_codes = caps.auth_resp_code = true;
  caps.pipelining = caps.stls = caps.utf8 = caps.utf8_user = true;
  caps.sasl = {"SCRAM-SHA-256", "PLAIN"};
  caps.login_delay = 900;
  caps.login_delay_per_user = true;
  caps.expire = Capabilities::Expire::kDays;
  caps.expire_days = 30;
  caps.implementation = "pop3-wasm 1.0";
  const auto lines = format_capabilities(caps);
  EXPECT_EQ(lines, (std::vector<std::string>{"TOP", "UIDL", "USER", "SASL SCRAM-SHA-256 PLAIN",
                                             "RESP-CODES", "AUTH-RESP-CODE", "PIPELINING", "STLS",
                                             "UTF8 USER", "LOGIN-DELAY 900 USER", "EXPIRE 30",
                                             "IMPLEMENTATION pop3-wasm 1.0"}));
  const auto back = parse_capabilities(lines);
  EXPECT_TRUE(back.unknown.empty());
  EXPECT_EQ(back.sasl, caps.sasl);
  EXPECT_EQ(back.login_delay, caps.login_delay);
  EXPECT_TRUE(back.login_delay_per_user);
  EXPECT_EQ(back.expire_days, 30u);
  EXPECT_EQ(back.implementation, caps.implementation);
  EXPECT_TRUE(back.utf8_user && back.stls && back.auth_resp_code);
  caps = Capabilities();
  caps.expire = Capabilities::Expire::kNever;
  EXPECT_EQ(format_capabilities(caps), (std::vector<std::string>{"EXPIRE NEVER"}));
}
