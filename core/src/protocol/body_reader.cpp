#include "pop3/protocol/body_reader.hpp"

#include <cstring>

#if defined(__wasm_simd128__)
#include <wasm_simd128.h>
#elif defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace pop3::protocol {
namespace {

// The first LF in [from, size - 1) followed by '.', or size - 1 if there is none: inside a line,
// only an LF that precedes a dot can change what happens to the bytes (a stuffed dot to drop, or
// the terminator), so the scan skips everything else 16 bytes at a time where the target has
// SIMD (-msimd128 in WASM, SSE2 natively). Lines without a leading dot are never looked at one
// by one.
std::size_t find_lf_before_dot(const std::uint8_t* bytes, std::size_t from, std::size_t size) {
  std::size_t i = from;
#if defined(__wasm_simd128__)
  const v128_t lf = wasm_i8x16_splat('\n');
  const v128_t dot = wasm_i8x16_splat('.');
  for (; i + 17 <= size; i += 16) {
    const v128_t here = wasm_v128_load(bytes + i);
    const v128_t next = wasm_v128_load(bytes + i + 1);
    const auto mask = static_cast<std::uint32_t>(
        wasm_i8x16_bitmask(wasm_v128_and(wasm_i8x16_eq(here, lf), wasm_i8x16_eq(next, dot))));
    if (mask != 0) return i + static_cast<std::size_t>(__builtin_ctz(mask));
  }
#elif defined(__SSE2__)
  const __m128i lf = _mm_set1_epi8('\n');
  const __m128i dot = _mm_set1_epi8('.');
  for (; i + 17 <= size; i += 16) {
    const __m128i here = _mm_loadu_si128(reinterpret_cast<const __m128i*>(bytes + i));
    const __m128i next = _mm_loadu_si128(reinterpret_cast<const __m128i*>(bytes + i + 1));
    const auto mask = static_cast<std::uint32_t>(
        _mm_movemask_epi8(_mm_and_si128(_mm_cmpeq_epi8(here, lf), _mm_cmpeq_epi8(next, dot))));
    if (mask != 0) return i + static_cast<std::size_t>(__builtin_ctz(mask));
  }
#endif
  while (i + 1 < size) {
    const auto* newline =
        static_cast<const std::uint8_t*>(std::memchr(bytes + i, '\n', size - 1 - i));
    if (!newline) break;
    i = static_cast<std::size_t>(newline - bytes);
    if (bytes[i + 1] == '.') return i;
    ++i;
  }
  return size - 1;
}

}  // namespace

BodyReader::Step BodyReader::read(std::span<const std::uint8_t> data, std::vector<BodySpan>& spans,
                                  std::size_t base) {
  const auto* bytes = data.data();
  const std::size_t size = data.size();
  std::size_t i = 0;
  bool carried_cr = false;
  // Bytes [run, i) are message content not yet reported; whole runs rather than lines keep the
  // common case (no dot at a line start) at one span per call.
  std::size_t run = 0;
  auto flush = [&](std::size_t upto) {
    if (upto > run) spans.push_back({base + run, upto - run});
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
        // Either an LF followed by '.', or the last byte of the chunk.
        const std::size_t at = find_lf_before_dot(bytes, i, size);
        if (bytes[at] != '\n') {
          previous_was_cr_ = bytes[at] == '\r';
          i = size;
          break;
        }
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
          return {true, i + 1, carried_cr};
        }
        // ".\r" + something else: the CR was content, here in this input or at the end of the
        // previous one.
        if (i > 0) {
          run = i - 1;
        } else {
          carried_cr = true;
        }
        state_ = State::kInLine;
        previous_was_cr_ = true;
        break;
    }
  }
  flush(size);
  return {false, size, carried_cr};
}

}  // namespace pop3::protocol
