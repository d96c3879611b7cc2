#include "pop3/protocol/body_reader.hpp"

#include <cstring>

namespace pop3::protocol {

BodyReader::Step BodyReader::read(std::span<const std::uint8_t> data, std::string& out) {
  const auto* bytes = data.data();
  const std::size_t size = data.size();
  std::size_t i = 0;
  // Bytes [run, i) are message content not yet copied to `out`; copying whole runs rather than
  // line by line keeps the common case (no dot at a line start) at one append per call.
  std::size_t run = 0;
  auto flush = [&](std::size_t upto) {
    if (upto > run) out.append(reinterpret_cast<const char*>(bytes + run), upto - run);
  };
  while (i < size) {
    switch (state_) {
      case State::kLineStart:
        if (bytes[i] == '.') {
          flush(i);
          ++i;
          run = i;  // the dot is either stuffing or the terminator: never content
          state_ = State::kDot;
        } else {
          state_ = State::kInLine;
          previous_was_cr_ = false;
        }
        break;
      case State::kInLine: {
        const auto* newline =
            static_cast<const std::uint8_t*>(std::memchr(bytes + i, '\n', size - i));
        if (!newline) {
          previous_was_cr_ = bytes[size - 1] == '\r';
          i = size;
          break;
        }
        const auto at = static_cast<std::size_t>(newline - bytes);
        const bool crlf = at > i ? bytes[at - 1] == '\r' : previous_was_cr_;
        i = at + 1;
        if (crlf) {
          state_ = State::kLineStart;
        } else {
          previous_was_cr_ = false;
        }
        break;
      }
      case State::kDot:
        if (bytes[i] == '\r') {
          ++i;
          run = i;  // held back: content only if no LF follows
          state_ = State::kDotCr;
        } else {
          state_ = State::kInLine;  // stuffed dot dropped, the rest of the line is content
          previous_was_cr_ = false;
        }
        break;
      case State::kDotCr:
        if (bytes[i] == '\n') {
          reset();
          return {true, i + 1};
        }
        out.push_back('\r');  // ".\r" + something else: the CR was content
        state_ = State::kInLine;
        previous_was_cr_ = true;
        break;
    }
  }
  flush(size);
  return {false, size};
}

}  // namespace pop3::protocol
