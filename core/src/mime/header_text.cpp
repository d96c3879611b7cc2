#include "header_text.hpp"

#include <glib.h>

#include <optional>
#include <vector>

#include "ascii.hpp"
#include "charset_backend.hpp"
#include "text_decoding.hpp"

namespace pop3::mime {
namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// One word's payload; each word is decoded on its own, so padding ends only its own word.
std::optional<std::string> decode_base64(std::string_view text) {
  std::string out;
  std::uint32_t bits = 0;
  int count = 0;
  for (char c : text) {
    if (c == '=') break;
    const int v = ascii::base64_digit(c);
    if (v < 0) return std::nullopt;
    bits = (bits << 6) | static_cast<std::uint32_t>(v);
    count += 6;
    if (count >= 8) {
      count -= 8;
      out += static_cast<char>((bits >> count) & 0xff);
    }
  }
  return out;
}

std::optional<std::string> decode_q(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '_') {
      out += ' ';
    } else if (c == '=' && i + 2 < text.size() + 0 && hex_value(text[i + 1]) >= 0 &&
               hex_value(text[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2]));
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

struct EncodedWord {
  std::size_t begin;  // "=?"
  std::size_t end;    // just after "?="
  std::string charset;
  std::string bytes;  // decoded, still in `charset`
};

// The encoded word starting at `at` ("=?charset?B|Q?text?="), if it is one.
std::optional<EncodedWord> encoded_word_at(std::string_view text, std::size_t at) {
  if (text.substr(at, 2) != "=?") return std::nullopt;
  const std::size_t charset_end = text.find('?', at + 2);
  if (charset_end == std::string_view::npos || charset_end == at + 2 ||
      charset_end + 2 >= text.size())
    return std::nullopt;
  const char encoding = text[charset_end + 1];
  if (text[charset_end + 2] != '?') return std::nullopt;
  const std::size_t payload = charset_end + 3;
  const std::size_t close = text.find("?=", payload);
  if (close == std::string_view::npos) return std::nullopt;
  std::string_view charset = text.substr(at + 2, charset_end - at - 2);
  charset = charset.substr(0, charset.find('*'));  // RFC 2231 language suffix
  for (char c : charset) {
    if (is_space(c)) return std::nullopt;
  }
  const std::string_view data = text.substr(payload, close - payload);
  std::optional<std::string> bytes;
  if (encoding == 'B' || encoding == 'b')
    bytes = decode_base64(data);
  else if (encoding == 'Q' || encoding == 'q')
    bytes = decode_q(data);
  if (!bytes) return std::nullopt;
  return EncodedWord{at, close + 2, std::string(charset), std::move(*bytes)};
}

}  // namespace

std::string unfold(std::string_view raw) {
  // Line breaks go, a run of text at a time (this runs for every header of every message).
  std::string out;
  out.reserve(raw.size());
  for (std::size_t at = 0; at < raw.size();) {
    const std::size_t newline = raw.find('\n', at);
    std::size_t end = newline == std::string_view::npos ? raw.size() : newline;
    const std::size_t next = newline == std::string_view::npos ? raw.size() : newline + 1;
    if (newline != std::string_view::npos && end > at && raw[end - 1] == '\r') --end;  // CRLF
    out.append(raw.substr(at, end - at));
    at = next;
  }
  const auto blank = [](char c) { return c == ' ' || c == '\t'; };
  std::size_t first = 0;
  while (first < out.size() && blank(out[first])) ++first;
  std::size_t last = out.size();
  while (last > first && blank(out[last - 1])) --last;
  return out.substr(first, last - first);
}

std::string decode_header_text(std::string_view text, bool* damaged) {
  std::string out;
  std::size_t i = 0;
  std::size_t plain_start = 0;
  // A run of encoded words in one charset is converted as one byte string: mailers split words
  // in the middle of multi-byte characters.
  std::string run_charset;
  std::string run_bytes;
  bool in_run = false;
  auto end_run = [&] {
    if (!in_run) return;
    if (auto converted = convert_to_utf8(run_charset, run_bytes, damaged)) {
      out += *converted;
    } else {
      out += undeclared_text(run_bytes, damaged);  // unknown charset: read the bytes as they are
    }
    run_bytes.clear();
    in_run = false;
  };
  while (i < text.size()) {
    const auto word = text[i] == '=' ? encoded_word_at(text, i) : std::nullopt;
    if (!word) {
      ++i;
      continue;
    }
    const std::string_view between = text.substr(plain_start, word->begin - plain_start);
    bool only_space = in_run;
    for (char c : between) only_space = only_space && is_space(c);
    if (!only_space) {
      end_run();
      out += undeclared_text(between, damaged);
    }
    if (in_run && normalise_charset_label(word->charset) != normalise_charset_label(run_charset))
      end_run();
    if (!in_run) {
      run_charset = word->charset;
      in_run = true;
    }
    run_bytes += word->bytes;
    i = word->end;
    plain_start = i;
  }
  end_run();
  out += undeclared_text(text.substr(plain_start), damaged);
  return out;
}

std::string merge_encoded_word_runs(std::string_view text) {
  std::string out;
  std::size_t copied = 0;  // text before this is in `out`
  std::size_t run_begin = 0;
  std::size_t run_end = 0;
  int run_words = 0;
  auto end_run = [&] {
    if (run_words >= 2) {
      out.append(text.substr(copied, run_begin - copied));
      const std::string utf8 = decode_header_text(text.substr(run_begin, run_end - run_begin));
      gchar* base64 = g_base64_encode(reinterpret_cast<const guchar*>(utf8.data()), utf8.size());
      out.append("=?UTF-8?B?").append(base64).append("?=");
      g_free(base64);
      copied = run_end;
    }
    run_words = 0;
  };
  for (std::size_t i = 0; i < text.size();) {
    const auto word = text[i] == '=' ? encoded_word_at(text, i) : std::nullopt;
    if (!word) {
      if (!is_space(text[i])) end_run();
      ++i;
      continue;
    }
    if (run_words == 0) run_begin = word->begin;
    run_end = word->end;
    ++run_words;
    i = word->end;
  }
  end_run();
  out.append(text.substr(copied));
  return out;
}

}  // namespace pop3::mime
