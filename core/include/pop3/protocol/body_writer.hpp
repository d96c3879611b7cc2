// The inverse of BodyReader, for servers: turns message bytes, handed over in chunks of any size,
// into the data of a RETR or TOP reply (RFC 1939 section 3): a "." is added before every line
// that begins with one, a bare LF becomes CRLF (messages stored with LF endings go out as the
// protocol's CRLF), and finish() ends the last line if the message did not and appends ".CRLF".
// For TOP n k it counts lines itself: the header, the blank line, then k body lines.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>

namespace pop3::protocol {

class BodyWriter {
 public:
  // `top_lines`: the k of TOP (nothing: the whole message, RETR).
  explicit BodyWriter(std::optional<std::uint32_t> top_lines = std::nullopt);

  // Appends the stuffed form of `data` to `out`. Returns true once TOP has all it needs; the
  // rest of `data` and anything after it is then ignored.
  bool write(std::span<const std::uint8_t> data, std::string& out);
  // Appends the line end the message may lack and the terminating ".CRLF".
  void finish(std::string& out);
  bool done() const { return done_; }

 private:
  std::optional<std::uint32_t> lines_left_;  // body lines TOP still sends
  bool in_header_ = true;
  bool at_line_start_ = true;
  bool line_empty_ = true;    // the current line has no content yet (a lone CR aside)
  bool previous_cr_ = false;  // the last byte written was CR
  bool done_ = false;
};

}  // namespace pop3::protocol
