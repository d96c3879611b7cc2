// LineReader on its own: line ends, chunking, the length limit.
#include "pop3/protocol/line_reader.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace {

using pop3::protocol::LineReader;

std::span<const std::uint8_t> bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

// Feeds `input` in pieces of `chunk` bytes and returns the complete lines.
std::vector<std::string> lines(std::string_view input, std::size_t chunk, std::size_t max = 100) {
  LineReader reader;
  std::vector<std::string> out;
  while (!input.empty()) {
    const auto piece = input.substr(0, chunk);
    const auto step = reader.read(bytes(piece), max);
    EXPECT_NE(step.status, LineReader::Status::kTooLong);
    if (step.status == LineReader::Status::kLine) out.push_back(reader.line());
    input.remove_prefix(step.consumed);
  }
  return out;
}

TEST(LineReader, SplitsCrlfLinesAndStripsTheEnding) {
  EXPECT_EQ(lines("+OK a\r\n-ERR b\r\n", 1000), (std::vector<std::string>{"+OK a", "-ERR b"}));
}

TEST(LineReader, GivesTheSameLinesAtEveryChunkSize) {
  const std::string input = "+OK 2 messages\r\n1 120\r\n2 4000\r\n.\r\n";
  const auto whole = lines(input, input.size());
  for (std::size_t chunk = 1; chunk < input.size(); ++chunk) {
    EXPECT_EQ(lines(input, chunk), whole) << "chunk " << chunk;
  }
}

TEST(LineReader, AcceptsABareLfAndKeepsACrInsideTheLine) {
  EXPECT_EQ(lines("+OK a\n+OK b\rc\r\n", 3), (std::vector<std::string>{"+OK a", "+OK b\rc"}));
}

TEST(LineReader, ConsumesOnlyUpToTheEndOfTheFirstLine) {
  LineReader reader;
  const auto step = reader.read(bytes("one\r\ntwo\r\n"), 100);
  EXPECT_EQ(step.status, LineReader::Status::kLine);
  EXPECT_EQ(step.consumed, 5u);
  EXPECT_EQ(reader.line(), "one");
}

TEST(LineReader, ReportsNeedMoreWithoutALineEnd) {
  LineReader reader;
  const auto step = reader.read(bytes("+OK par"), 100);
  EXPECT_EQ(step.status, LineReader::Status::kNeedMore);
  EXPECT_EQ(step.consumed, 7u);
}

TEST(LineReader, AllowsExactlyTheLimitAndRefusesOneMore) {
  const std::string at_limit(10, 'x');
  LineReader ok;
  EXPECT_EQ(ok.read(bytes(at_limit + "\r\n"), 10).status, LineReader::Status::kLine);
  EXPECT_EQ(ok.line(), at_limit);
  LineReader over;
  EXPECT_EQ(over.read(bytes(at_limit + "y\r\n"), 10).status, LineReader::Status::kTooLong);
}

TEST(LineReader, RefusesAnOverlongLineThatArrivesInPieces) {
  LineReader reader;
  EXPECT_EQ(reader.read(bytes("xxxxxx"), 10).status, LineReader::Status::kNeedMore);
  // 6 + 6 octets exceed 10 (+1 for a CR that may precede the LF) before any line end arrives.
  EXPECT_EQ(reader.read(bytes("xxxxxx"), 10).status, LineReader::Status::kTooLong);
}

TEST(LineReader, StartsAFreshLineAfterACompleteOne) {
  LineReader reader;
  ASSERT_EQ(reader.read(bytes("first\r\n"), 100).status, LineReader::Status::kLine);
  ASSERT_EQ(reader.read(bytes("second\r\n"), 100).status, LineReader::Status::kLine);
  EXPECT_EQ(reader.line(), "second");
}

}  // namespace
