#include "pop3/protocol/status_line.hpp"

#include <gtest/gtest.h>

using namespace pop3::protocol;

TEST(StatusLine, ParsesOkAndErrWithText) {
  auto ok = parse_status_line("+OK 2 messages (320 octets)");
  ASSERT_TRUE(ok);
  EXPECT_TRUE(ok->ok);
  EXPECT_EQ(ok->text, "2 messages (320 octets)");
  EXPECT_EQ(ok->code, "");
  auto bare = parse_status_line("+OK");
  ASSERT_TRUE(bare);
  EXPECT_TRUE(bare->ok);
  EXPECT_EQ(bare->text, "");
  auto err = parse_status_line("-ERR no such message");
  ASSERT_TRUE(err);
  EXPECT_FALSE(err->ok);
  EXPECT_EQ(err->text, "no such message");
}

TEST(StatusLine, ExtractsEveryStandardResponseCode) {
  struct Case {
    const char* line;
    const char* code;
    ResponseCodeKind kind;
  };
  const Case cases[] = {
      {"-ERR [IN-USE] Do you have another POP session running?", "IN-USE",
       ResponseCodeKind::kInUse},
      {"-ERR [LOGIN-DELAY] wait 15 minutes", "LOGIN-DELAY", ResponseCodeKind::kLoginDelay},
      {"-ERR [SYS/TEMP] try later", "SYS/TEMP", ResponseCodeKind::kSysTemp},
      {"-ERR [SYS/PERM] account disabled", "SYS/PERM", ResponseCodeKind::kSysPerm},
      {"-ERR [AUTH] Authentication failed.", "AUTH", ResponseCodeKind::kAuth},
      {"-ERR [UTF8] UTF-8 needed", "UTF8", ResponseCodeKind::kUtf8},
      {"-ERR [SYS/TEMP/QUOTA] sub-code", "SYS/TEMP/QUOTA", ResponseCodeKind::kSysTemp},
      {"-ERR [X-VENDOR/THING] kept", "X-VENDOR/THING", ResponseCodeKind::kOther},
      {"-ERR [in-use] lower case", "IN-USE", ResponseCodeKind::kInUse},
  };
  for (const auto& c : cases) {
    auto status = parse_status_line(c.line);
    ASSERT_TRUE(status) << c.line;
    EXPECT_EQ(status->code, c.code) << c.line;
    EXPECT_EQ(classify_response_code(status->code), c.kind) << c.line;
  }
  EXPECT_EQ(parse_status_line("-ERR [AUTH] Authentication failed.")->text,
            "Authentication failed.");
}

TEST(StatusLine, TreatsMalformedCodesAsText) {
  for (const char* line :
       {"-ERR [] empty", "-ERR [A//B] bad", "-ERR [no end", "-ERR [A B] space"}) {
    auto status = parse_status_line(line);
    ASSERT_TRUE(status) << line;
    EXPECT_EQ(status->code, "") << line;
    EXPECT_EQ(status->text, std::string(line).substr(5)) << line;
  }
}

TEST(StatusLine, RejectsLinesThatAreNotStatusLines) {
  EXPECT_FALSE(parse_status_line(""));
  EXPECT_FALSE(parse_status_line("+OKAY"));
  EXPECT_FALSE(parse_status_line("-ERROR"));
  EXPECT_FALSE(parse_status_line("OK"));
  EXPECT_FALSE(parse_status_line("+ challenge"));
}

TEST(StatusLine, RecognisesSaslContinuations) {
  std::string payload;
  EXPECT_TRUE(parse_continuation_line("+ PDEyMzQ+", payload));
  EXPECT_EQ(payload, "PDEyMzQ+");
  EXPECT_TRUE(parse_continuation_line("+", payload));
  EXPECT_EQ(payload, "");
  EXPECT_FALSE(parse_continuation_line("+OK", payload));
}

TEST(StatusLine, FormatsServerLinesThatParseBack) {
  EXPECT_EQ(format_status_line(true, "", ""), "+OK");
  EXPECT_EQ(format_status_line(true, "", "2 320"), "+OK 2 320");
  EXPECT_EQ(format_status_line(false, "IN-USE", "locked"), "-ERR [IN-USE] locked");
  // Host text cannot end the line early.
  EXPECT_EQ(format_status_line(false, "", std::string_view("a\r\n+OK b\0c", 10)),
            "-ERR a  +OK b c");
  const auto parsed = parse_status_line(format_status_line(false, "SYS/TEMP", "later"));
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->code, "SYS/TEMP");
  EXPECT_EQ(parsed->text, "later");
}
