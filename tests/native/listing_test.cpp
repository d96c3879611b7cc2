// The drop, scan and unique-id listings of RFC 1939 sections 5 and 7, and RETR's "n octets".
#include "pop3/protocol/listing.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {

using namespace pop3::protocol;

TEST(Listing, ParsesADropListingAndIgnoresWhatFollows) {
  const auto drop = parse_drop_listing("2 320 messages follow");
  ASSERT_TRUE(drop);
  EXPECT_EQ(drop->count, 2u);
  EXPECT_EQ(drop->size, 320u);
  EXPECT_TRUE(parse_drop_listing("0 0"));
}

TEST(Listing, RefusesMalformedDropListings) {
  for (const char* text : {"", "2", "two 320", "2 -1", "-2 320", "2 3x", "4294967296 1"}) {
    EXPECT_FALSE(parse_drop_listing(text)) << text;
  }
}

TEST(Listing, ParsesScanListingsUpToTheLargestSizeJavaScriptHoldsExactly) {
  const auto scan = parse_scan_listing("1 120");
  ASSERT_TRUE(scan);
  EXPECT_EQ(scan->number, 1u);
  EXPECT_EQ(scan->size, 120u);
  EXPECT_TRUE(parse_scan_listing("4294967295 9007199254740991"));
  EXPECT_FALSE(parse_scan_listing("1 9007199254740992"));  // 2^53
}

TEST(Listing, RefusesScanListingsWithoutAValidNumber) {
  for (const char* text : {"0 120", "1", "x 120", "1 x", "", "4294967296 1"}) {
    EXPECT_FALSE(parse_scan_listing(text)) << text;
  }
}

TEST(Listing, ParsesUniqueIdListings) {
  const auto uid = parse_uid_listing("3 QhdPYR:00WBw1Ph7x7");
  ASSERT_TRUE(uid);
  EXPECT_EQ(uid->number, 3u);
  EXPECT_EQ(uid->uid, "QhdPYR:00WBw1Ph7x7");
}

TEST(Listing, HoldsUniqueIdsToRfc1939Section7) {
  EXPECT_TRUE(is_valid_uid(std::string(70, '~')));
  EXPECT_FALSE(is_valid_uid(std::string(71, 'a')));  // at most 70 characters
  EXPECT_FALSE(is_valid_uid(""));
  EXPECT_FALSE(is_valid_uid("a\x7f"));  // 0x21..0x7E only
  EXPECT_FALSE(is_valid_uid("caf\xc3\xa9"));
  EXPECT_FALSE(parse_uid_listing("0 abc"));
  EXPECT_FALSE(parse_uid_listing("1"));
}

TEST(Listing, ReadsTheOctetCountOfARetrReply) {
  EXPECT_EQ(parse_octets("120 octets"), 120u);
  EXPECT_EQ(parse_octets("120 OCTETS follow"), 120u);
  EXPECT_EQ(parse_octets("message follows"), std::nullopt);
  EXPECT_EQ(parse_octets("120"), std::nullopt);
  EXPECT_EQ(parse_octets("120 bytes"), std::nullopt);
}

}  // namespace
