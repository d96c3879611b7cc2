// BodyWriter against BodyReader: whatever is written reads back as the message (with CRLF line
// ends), for every split of the message into chunks; TOP counts its lines.
#include "pop3/protocol/body_writer.hpp"

#include <gtest/gtest.h>

#include "pop3/protocol/body_reader.hpp"

using namespace pop3::protocol;

namespace {

std::span<const std::uint8_t> bytes(std::string_view s) {
  return std::span(reinterpret_cast<const std::uint8_t*>(s.data()), s.size());
}

std::string write(std::string_view message, std::size_t chunk,
                  std::optional<std::uint32_t> top = std::nullopt) {
  BodyWriter writer(top);
  std::string out;
  for (std::size_t at = 0; at < message.size(); at += chunk) {
    if (writer.write(bytes(message.substr(at, chunk)), out)) break;
  }
  writer.finish(out);
  return out;
}

std::string read_back(std::string_view wire) {
  BodyReader reader;
  std::vector<pop3::protocol::BodySpan> spans;
  const auto step = reader.read(bytes(wire), spans);
  EXPECT_TRUE(step.finished);
  EXPECT_EQ(step.consumed, wire.size());
  std::string out;
  for (const auto& span : spans) out += wire.substr(span.offset, span.length);
  return out;
}

}  // namespace

TEST(BodyWriter, StuffsDotsAndTerminates) {
  EXPECT_EQ(write("a\r\n.b\r\n..\r\n.\r\n", 100), "a\r\n..b\r\n...\r\n..\r\n.\r\n");
  EXPECT_EQ(write("", 1), ".\r\n");
  EXPECT_EQ(write(".", 1), "..\r\n.\r\n");
}

TEST(BodyWriter, EndsAnUnfinishedLastLineAndTurnsBareLfIntoCrlf) {
  EXPECT_EQ(write("a\nb", 100), "a\r\nb\r\n.\r\n");
  EXPECT_EQ(write("a\r", 100), "a\r\n.\r\n");
  EXPECT_EQ(write("a\rb\r\n", 100), "a\rb\r\n.\r\n");
}

TEST(BodyWriter, RoundTripsThroughTheReaderForEverySplit) {
  const std::string message = "From: x\r\n.\r\n..\r\n.a\r\n\r\n.\r\n\r\nbody\r\n.\r\nend\r\n";
  for (std::size_t chunk = 1; chunk <= message.size(); ++chunk) {
    EXPECT_EQ(read_back(write(message, chunk)), message) << chunk;
  }
}

TEST(BodyWriter, CountsTopLines) {
  const std::string message = "A: 1\r\nB: 2\r\n\r\none\r\n.two\r\nthree\r\n";
  for (std::size_t chunk = 1; chunk <= message.size(); ++chunk) {
    EXPECT_EQ(write(message, chunk, 0), "A: 1\r\nB: 2\r\n\r\n.\r\n");
    EXPECT_EQ(write(message, chunk, 2), "A: 1\r\nB: 2\r\n\r\none\r\n..two\r\n.\r\n") << chunk;
    EXPECT_EQ(write(message, chunk, 9), "A: 1\r\nB: 2\r\n\r\none\r\n..two\r\nthree\r\n.\r\n");
  }
  EXPECT_EQ(write("no blank line\r\nat all", 100, 0), "no blank line\r\nat all\r\n.\r\n");
  EXPECT_EQ(write("A: 1\n\nbody\nmore\n", 3, 1), "A: 1\r\n\r\nbody\r\n.\r\n");
}
