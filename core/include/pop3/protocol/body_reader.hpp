// Streams the data of a multi-line reply (RETR, TOP): removes the byte-stuffing dot from lines
// that begin with "." and stops at the terminating ".CRLF" (RFC 1939 section 3), for any split
// of the input into chunks. Nothing is buffered: each call appends what it decoded to `out`.
// Line ends are CRLF only; a bare LF is message content, so a terminator needs CRLF "." CRLF.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace pop3::protocol {

class BodyReader {
 public:
  struct Step {
    bool finished;         // the terminator was consumed
    std::size_t consumed;  // bytes of `data` used (everything unless finished)
  };

  // Decodes `data` and appends the message bytes to `out`.
  Step read(std::span<const std::uint8_t> data, std::string& out);
  void reset() {
    state_ = State::kLineStart;
    previous_was_cr_ = false;
  }

 private:
  enum class State : std::uint8_t {
    kLineStart,  // the next byte begins a line
    kDot,        // a line began with "."
    kDotCr,      // a line began with ".\r"
    kInLine,     // inside a line
  };
  State state_ = State::kLineStart;
  bool previous_was_cr_ = false;  // in kInLine: the last byte seen was CR
};

}  // namespace pop3::protocol
