#include "pop3/protocol/body_writer.hpp"

namespace pop3::protocol {

BodyWriter::BodyWriter(std::optional<std::uint32_t> top_lines) : lines_left_(top_lines) {}

bool BodyWriter::write(std::span<const std::uint8_t> data, std::string& out) {
  if (done_) return true;
  const auto* bytes = data.data();
  std::size_t run = 0;  // [run, i) is content not yet copied
  auto flush = [&](std::size_t upto) {
    if (upto > run) out.append(reinterpret_cast<const char*>(bytes + run), upto - run);
    run = upto;
  };
  for (std::size_t i = 0; i < data.size(); ++i) {
    const auto c = bytes[i];
    if (at_line_start_) {
      at_line_start_ = false;
      line_empty_ = true;
      if (c == '.') {
        flush(i);
        out.push_back('.');  // byte-stuffing
      }
    }
    if (c == '\n') {
      if (!previous_cr_) {
        flush(i);
        out.push_back('\r');
      }
      previous_cr_ = false;
      at_line_start_ = true;
      bool counted = false;
      if (in_header_) {
        if (line_empty_) in_header_ = false;  // the blank line: TOP's header part is over
      } else {
        counted = true;
      }
      // TOP with k = 0 ends after the blank line; a message without one is all header.
      if (lines_left_ && !in_header_) {
        if (counted) --*lines_left_;
        if (*lines_left_ == 0) {
          flush(i + 1);
          done_ = true;
          return true;
        }
      }
      continue;
    }
    if (previous_cr_ || c != '\r') line_empty_ = false;
    previous_cr_ = c == '\r';
  }
  flush(data.size());
  return false;
}

void BodyWriter::finish(std::string& out) {
  if (!at_line_start_) out += previous_cr_ ? "\n" : "\r\n";
  out += ".\r\n";
  done_ = true;
}

}  // namespace pop3::protocol
