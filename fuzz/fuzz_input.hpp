// Splits a fuzzer's input into decisions and payloads, deterministically (like LLVM's
// FuzzedDataProvider, kept tiny and ours).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

namespace pop3::fuzz {

// An invariant of the code under test: a violation aborts, which libFuzzer reports as a crash.
inline void require(bool condition) {
  if (!condition) std::abort();
}

class FuzzInput {
 public:
  FuzzInput(const std::uint8_t* data, std::size_t size)
      : data_(reinterpret_cast<const char*>(data), size) {}

  std::uint8_t byte() {
    if (data_.empty()) return 0;
    const auto b = static_cast<std::uint8_t>(data_.front());
    data_.remove_prefix(1);
    return b;
  }
  std::uint32_t number(std::uint32_t max) {
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v = (v << 8) | byte();
    return max == 0 ? 0 : v % (max + 1);
  }
  // A string of up to `max` bytes, length chosen by the input.
  std::string string(std::size_t max) {
    const std::size_t n =
        std::min<std::size_t>(number(static_cast<std::uint32_t>(max)), data_.size());
    std::string out(data_.substr(0, n));
    data_.remove_prefix(n);
    return out;
  }
  std::string_view rest() {
    std::string_view out = data_;
    data_ = {};
    return out;
  }
  bool empty() const { return data_.empty(); }

 private:
  std::string_view data_;
};

}  // namespace pop3::fuzz
