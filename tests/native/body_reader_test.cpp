#include "pop3/protocol/body_reader.hpp"

#include <gtest/gtest.h>

#include <string>

using pop3::protocol::BodyReader;
using pop3::protocol::BodySpan;

namespace {

struct Decoded {
  std::string body;
  std::size_t consumed = 0;
  bool finished = false;
  std::size_t carried_crs = 0;
};

// Feeds `wire` in pieces whose boundaries are `splits` (ascending offsets) and rebuilds the body
// from the spans, each read from the piece it was reported for (as a host reads its own buffer).
// Every span must lie inside the consumed part of its piece, in order and without overlap.
Decoded decode(const std::string& wire, const std::vector<std::size_t>& splits) {
  BodyReader reader;
  Decoded out;
  std::size_t start = 0;
  auto feed = [&](std::size_t end) {
    if (out.finished || end <= start) return;
    const std::string piece = wire.substr(start, end - start);  // gone after this call
    std::vector<BodySpan> spans;
    auto step = reader.read(
        std::span(reinterpret_cast<const std::uint8_t*>(piece.data()), piece.size()), spans);
    if (step.carried_cr) {
      out.body += '\r';
      ++out.carried_crs;
    }
    std::size_t previous_end = 0;
    for (const auto& span : spans) {
      EXPECT_GT(span.length, 0u) << "empty span, piece at " << start;
      EXPECT_GE(span.offset, previous_end) << "spans overlap or go back, piece at " << start;
      EXPECT_LE(span.offset + span.length, step.consumed) << "span past the input at " << start;
      previous_end = span.offset + span.length;
      out.body += piece.substr(span.offset, span.length);
    }
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

// Spans, not copies: a body without dot-stuffing is one span per input, whatever its size.
TEST(BodyReader, ReportsAnUnstuffedInputAsOneSpan) {
  BodyReader reader;
  const std::string wire = std::string(100000, 'a') + "\r\nline\r\n";
  std::vector<BodySpan> spans;
  const auto step = reader.read(
      std::span(reinterpret_cast<const std::uint8_t*>(wire.data()), wire.size()), spans, 7);
  EXPECT_FALSE(step.finished);
  ASSERT_EQ(spans.size(), 1u);
  EXPECT_EQ(spans[0].offset, 7u);  // offsets are relative to `base`
  EXPECT_EQ(spans[0].length, wire.size());
}

// The only byte the reader ever holds: ".\r" at the end of one input, then not LF.
TEST(BodyReader, CarriesTheCrOfADotLineAcrossInputsOnlyWhenItIsContent) {
  auto out = decode(".\rx\r\n.\r\n", {2});
  EXPECT_EQ(out.body, "\rx\r\n");
  EXPECT_EQ(out.carried_crs, 1u);
  out = decode(".\rx\r\n.\r\n", {1});  // the CR arrives with the x: a span covers it
  EXPECT_EQ(out.body, "\rx\r\n");
  EXPECT_EQ(out.carried_crs, 0u);
  out = decode("a\r\n.\r\n", {5});  // the terminator split after its CR: nothing carried
  EXPECT_TRUE(out.finished);
  EXPECT_EQ(out.body, "a\r\n");
  EXPECT_EQ(out.carried_crs, 0u);
}

// Every split point of a body with dots at line starts, stuffed dots at input boundaries and a
// terminator split in every way: the spans rebuild the body exactly.
TEST(BodyReader, SpansRebuildTheBodyAtEveryChunkSize) {
  for (std::size_t chunk = 1; chunk <= kWire.size(); ++chunk) {
    std::vector<std::size_t> splits;
    for (std::size_t at = chunk; at < kWire.size(); at += chunk) splits.push_back(at);
    const auto out = decode(kWire, splits);
    ASSERT_TRUE(out.finished) << "chunk " << chunk;
    ASSERT_EQ(out.body, kBody) << "chunk " << chunk;
    ASSERT_EQ(out.consumed, kTerminatorEnd) << "chunk " << chunk;
  }
}
