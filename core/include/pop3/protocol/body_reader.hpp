// Streams the data of a multi-line reply (RETR, TOP): removes the byte-stuffing dot from lines
// that begin with "." and stops at the terminating ".CRLF" (RFC 1939 section 3), for any split
// of the input into chunks. Nothing is copied: unstuffing only drops the one dot at a line start,
// so the message bytes of a chunk are runs of the chunk itself, reported as spans into it.
// Line ends are CRLF only; a bare LF is message content, so a terminator needs CRLF "." CRLF.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace pop3::protocol {

// Message bytes at [offset, offset + length) of the input they were found in.
struct BodySpan {
  std::size_t offset;
  std::size_t length;
};

class BodyReader {
 public:
  struct Step {
    bool finished;         // the terminator was consumed
    std::size_t consumed;  // bytes of `data` used (everything unless finished)
    // A CR kept from the previous call is message data: ".\r" ended that input and what
    // followed was not LF. It comes before this call's spans (it is in no span: that input is
    // gone). The only byte the reader ever holds.
    bool carried_cr;
  };

  // Decodes `data`: appends to `spans` where its message bytes are, with offsets into `data`
  // plus `base`.
  Step read(std::span<const std::uint8_t> data, std::vector<BodySpan>& spans, std::size_t base = 0);
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
