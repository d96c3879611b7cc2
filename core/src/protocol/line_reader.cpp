#include "pop3/protocol/line_reader.hpp"

#include <cstring>

namespace pop3::protocol {

LineReader::Step LineReader::read(std::span<const std::uint8_t> data, std::size_t max_length) {
  if (complete_) reset();
  const auto* begin = data.data();
  const auto* newline = static_cast<const std::uint8_t*>(std::memchr(begin, '\n', data.size()));
  const std::size_t take = newline ? static_cast<std::size_t>(newline - begin) : data.size();
  // +1 leaves room for the CR that precedes the LF and is not part of the content.
  if (line_.size() + take > max_length + 1) return {Status::kTooLong, 0};
  line_.append(reinterpret_cast<const char*>(begin), take);
  if (!newline) return {Status::kNeedMore, take};
  if (!line_.empty() && line_.back() == '\r') line_.pop_back();
  if (line_.size() > max_length) return {Status::kTooLong, 0};
  complete_ = true;
  return {Status::kLine, take + 1};
}

}  // namespace pop3::protocol
