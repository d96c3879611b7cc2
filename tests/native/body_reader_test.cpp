#include "pop3/protocol/body_reader.hpp"

#include <gtest/gtest.h>

#include <string>

using pop3::protocol::BodyReader;

namespace {

struct Decoded {
  std::string body;
  std::size_t consumed = 0;
  bool finished = false;
};

// Feeds `wire` in pieces whose boundaries are `splits` (ascending offsets).
Decoded decode(const std::string& wire, const std::vector<std::size_t>& splits) {
  BodyReader reader;
  Decoded out;
  std::size_t start = 0;
  auto feed = [&](std::size_t end) {
    if (out.finished || end <= start) return;
    auto step = reader.read(
        std::span(reinterpret_cast<const std::uint8_t*>(wire.data()) + start, end - start),
        out.body);
    out.consumed += step.consumed;
    out.finished = step.finished;
    start = end;
  };
  for (auto s : splits) feed(s);
  feed(wire.size());
  return out;
}

const std::string kWire =
    "Subject: dots\r\n"
    "\r\n"
    "..leading dot\r\n"
    "...two dots\r\n"
    "..\r\n"
    ". space\r\n"
    "x.\r\n"
    ".\rnot a terminator\r\n"
    "bare\nLF\n.\nstill content\r\n"
    "\x80\xff binary \x01\r\n"
    ".\r\n"
    "+OK next reply";
const std::string kBody =
    "Subject: dots\r\n"
    "\r\n"
    ".leading dot\r\n"
    "..two dots\r\n"
    ".\r\n"
    " space\r\n"
    "x.\r\n"
    "\rnot a terminator\r\n"
    "bare\nLF\n.\nstill content\r\n"
    "\x80\xff binary \x01\r\n";
const std::size_t kTerminatorEnd = kWire.find("+OK next");

}  // namespace

TEST(BodyReader, UnstuffsAndStopsAtTheTerminator) {
  const auto out = decode(kWire, {});
  EXPECT_TRUE(out.finished);
  EXPECT_EQ(out.body, kBody);
  EXPECT_EQ(out.consumed, kTerminatorEnd);
}

TEST(BodyReader, GivesTheSameResultForEveryTwoWaySplit) {
  for (std::size_t split = 0; split <= kWire.size(); ++split) {
    const auto out = decode(kWire, {split});
    ASSERT_TRUE(out.finished) << "split at " << split;
    ASSERT_EQ(out.body, kBody) << "split at " << split;
    ASSERT_EQ(out.consumed, kTerminatorEnd) << "split at " << split;
  }
}

TEST(BodyReader, GivesTheSameResultForEveryThreeWaySplit) {
  for (std::size_t a = 0; a <= kWire.size(); ++a) {
    for (std::size_t b = a; b <= kWire.size(); ++b) {
      const auto out = decode(kWire, {a, b});
      ASSERT_EQ(out.body, kBody) << a << "," << b;
      ASSERT_EQ(out.consumed, kTerminatorEnd) << a << "," << b;
    }
  }
}

TEST(BodyReader, DecodesOneByteAtATime) {
  std::vector<std::size_t> every;
  for (std::size_t i = 1; i < kWire.size(); ++i) every.push_back(i);
  const auto out = decode(kWire, every);
  EXPECT_EQ(out.body, kBody);
  EXPECT_EQ(out.consumed, kTerminatorEnd);
}

TEST(BodyReader, HandlesAnEmptyBody) {
  const auto out = decode(".\r\n", {});
  EXPECT_TRUE(out.finished);
  EXPECT_EQ(out.body, "");
}

TEST(BodyReader, WaitsWhenTheTerminatorHasNotArrived) {
  const auto out = decode("line\r\n.\r", {});
  EXPECT_FALSE(out.finished);
  EXPECT_EQ(out.body, "line\r\n");
}
