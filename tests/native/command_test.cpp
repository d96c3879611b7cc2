#include "pop3/protocol/command.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using namespace pop3;
using namespace pop3::protocol;

TEST(Command, EncodesEveryRfc1939CommandAsOneCrlfLine) {
  EXPECT_EQ(Command::user("alice")->line(), "USER alice\r\n");
  EXPECT_EQ(Command::pass("secret with spaces")->line(), "PASS secret with spaces\r\n");
  EXPECT_EQ(Command::apop("mrose", "c4c9334bac560ecc979e58001b3e22fb")->line(),
            "APOP mrose c4c9334bac560ecc979e58001b3e22fb\r\n");
  EXPECT_EQ(Command::stat().line(), "STAT\r\n");
  EXPECT_EQ(Command::list()->line(), "LIST\r\n");
  EXPECT_EQ(Command::list(2)->line(), "LIST 2\r\n");
  EXPECT_EQ(Command::retr(1)->line(), "RETR 1\r\n");
  EXPECT_EQ(Command::dele(7)->line(), "DELE 7\r\n");
  EXPECT_EQ(Command::noop().line(), "NOOP\r\n");
  EXPECT_EQ(Command::rset().line(), "RSET\r\n");
  EXPECT_EQ(Command::quit().line(), "QUIT\r\n");
  EXPECT_EQ(Command::top(10, 0)->line(), "TOP 10 0\r\n");
  EXPECT_EQ(Command::uidl()->line(), "UIDL\r\n");
  EXPECT_EQ(Command::uidl(3)->line(), "UIDL 3\r\n");
  EXPECT_EQ(Command::capa().line(), "CAPA\r\n");
  EXPECT_EQ(Command::stls().line(), "STLS\r\n");
  EXPECT_EQ(Command::utf8().line(), "UTF8\r\n");
  EXPECT_EQ(Command::lang("de")->line(), "LANG de\r\n");
  EXPECT_EQ(Command::auth("plain", "AGFsaWNlAHNlY3JldA==")->line(),
            "AUTH PLAIN AGFsaWNlAHNlY3JldA==\r\n");
}

TEST(Command, ReplyShapeDependsOnCommandAndArguments) {
  EXPECT_EQ(Command::list()->reply_shape(), ReplyShape::kListing);
  EXPECT_EQ(Command::list(1)->reply_shape(), ReplyShape::kSingleLine);
  EXPECT_EQ(Command::uidl()->reply_shape(), ReplyShape::kListing);
  EXPECT_EQ(Command::uidl(1)->reply_shape(), ReplyShape::kSingleLine);
  EXPECT_EQ(Command::lang()->reply_shape(), ReplyShape::kListing);
  EXPECT_EQ(Command::lang("en")->reply_shape(), ReplyShape::kSingleLine);
  EXPECT_EQ(Command::capa().reply_shape(), ReplyShape::kListing);
  EXPECT_EQ(Command::retr(1)->reply_shape(), ReplyShape::kBody);
  EXPECT_EQ(Command::top(1, 5)->reply_shape(), ReplyShape::kBody);
  EXPECT_EQ(Command::stat().reply_shape(), ReplyShape::kSingleLine);
}

TEST(Command, RejectsCrLfAndNulInEveryTextArgument) {
  for (const std::string& bad :
       std::vector<std::string>{"a\r\nDELE 1", "a\rb", "a\nb", std::string("a\0b", 3)}) {
    auto user = Command::user(bad);
    ASSERT_FALSE(user.ok());
    EXPECT_EQ(user.error().code, ErrorCode::kInvalidArgument);
    EXPECT_FALSE(Command::pass(bad).ok());
    EXPECT_FALSE(Command::apop(bad, "c4c9334bac560ecc979e58001b3e22fb").ok());
    EXPECT_FALSE(Command::auth("PLAIN", bad).ok());
    EXPECT_FALSE(Command::lang(bad).ok());
  }
}

TEST(Command, ErrorMessagesNeverEchoTheRejectedValue) {
  auto pass = Command::pass("hunter2\r\nDELE 1");
  ASSERT_FALSE(pass.ok());
  EXPECT_EQ(pass.error().message.find("hunter2"), std::string::npos);
}

TEST(Command, EnforcesRfc2449LengthLimits) {
  // 40-octet keyword arguments.
  EXPECT_TRUE(Command::lang(std::string(40, 'a')).ok());
  EXPECT_FALSE(Command::lang(std::string(41, 'a')).ok());
  EXPECT_FALSE(Command::auth(std::string(41, 'A')).ok());
  // 255-octet command lines, CRLF included: "PASS " + 248 + CRLF = 255.
  EXPECT_TRUE(Command::pass(std::string(248, 'p')).ok());
  auto too_long = Command::pass(std::string(249, 'p'));
  ASSERT_FALSE(too_long.ok());
  EXPECT_EQ(too_long.error().code, ErrorCode::kInvalidArgument);
  // User names are bounded by the line, not by 40: real ones are long e-mail addresses.
  EXPECT_TRUE(Command::user("firstname.lastname@subsidiary.example-company.com").ok());
}

TEST(Command, RejectsOtherMalformedArguments) {
  EXPECT_FALSE(Command::retr(0).ok());
  EXPECT_FALSE(Command::dele(0).ok());
  EXPECT_FALSE(Command::top(0, 1).ok());
  EXPECT_FALSE(Command::user("").ok());
  EXPECT_FALSE(Command::user("two words").ok());
  EXPECT_FALSE(Command::apop("mrose", "not-a-digest").ok());
  EXPECT_FALSE(Command::auth("PL AIN").ok());
  EXPECT_FALSE(Command::auth("PLAIN", "has space").ok());
}

TEST(Command, TranscriptFormRedactsSecrets) {
  EXPECT_EQ(Command::pass("hunter2")->redacted_line(), "PASS ***");
  EXPECT_EQ(Command::auth("PLAIN", "AGFsaWNlAHNlY3JldA==")->redacted_line(), "AUTH PLAIN ***");
  EXPECT_EQ(Command::auth("SCRAM-SHA-256")->redacted_line(), "AUTH SCRAM-SHA-256");
  EXPECT_EQ(Command::user("alice")->redacted_line(), "USER alice");
}
