// Accumulates one line of server input across chunks, with a hard length limit. Lines end with
// CRLF; a bare LF is accepted as a line end too (lenient, as deployed clients are), and the CR
// before it is removed. The caller checks the content (NUL bytes, syntax).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace pop3::protocol {

class LineReader {
 public:
  enum class Status { kNeedMore, kLine, kTooLong };

  struct Step {
    Status status;
    std::size_t consumed;  // bytes of `data` used, including the line end for kLine
  };

  // Reads from `data` until a line is complete or `data` is exhausted. On kLine, line() holds
  // the line without its ending until the next call. On kTooLong nothing more can be read.
  Step read(std::span<const std::uint8_t> data, std::size_t max_length);

  const std::string& line() const { return line_; }
  void reset() {
    line_.clear();
    complete_ = false;
  }

 private:
  std::string line_;
  bool complete_ = false;
};

}  // namespace pop3::protocol
