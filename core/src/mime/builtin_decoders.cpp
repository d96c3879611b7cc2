#include "builtin_decoders.hpp"

#include <array>
#include <vector>

#include "ascii.hpp"
#include "pop3/utf8.hpp"

namespace pop3::mime {
namespace {

constexpr std::uint32_t kReplacement = 0xfffd;

class Utf8Decoder final : public Decoder {
 public:
  void decode(const std::uint8_t* in, std::size_t size, bool flush, std::string& out) override {
    pending_.insert(pending_.end(), in, in + size);
    std::size_t i = 0;
    while (i < pending_.size()) {
      if (pending_[i] < 0x80) {  // ASCII a run at a time
        std::size_t end = i + 1;
        while (end < pending_.size() && pending_[end] < 0x80) ++end;
        out.append(reinterpret_cast<const char*>(&pending_[i]), end - i);
        i = end;
        continue;
      }
      const std::uint8_t b0 = pending_[i];
      std::size_t n = b0 < 0x80             ? 1
                      : (b0 & 0xe0) == 0xc0 ? 2
                      : (b0 & 0xf0) == 0xe0 ? 3
                      : (b0 & 0xf8) == 0xf0 ? 4
                                            : 0;
      if (n == 0) {
        replace(out);
        ++i;
        continue;
      }
      if (i + n > pending_.size()) {
        // Possibly a sequence cut by the chunk boundary: wait, unless the stream ends.
        bool prefix_ok = true;
        for (std::size_t k = i + 1; k < pending_.size(); ++k)
          prefix_ok = prefix_ok && (pending_[k] & 0xc0) == 0x80;
        if (!flush && prefix_ok) break;
        replace(out);
        ++i;
        continue;
      }
      std::uint32_t cp = n == 1 ? b0 : n == 2 ? b0 & 0x1f : n == 3 ? b0 & 0x0f : b0 & 0x07;
      bool valid = true;
      for (std::size_t k = 1; k < n; ++k) {
        valid = valid && (pending_[i + k] & 0xc0) == 0x80;
        cp = (cp << 6) | (pending_[i + k] & 0x3f);
      }
      static constexpr std::uint32_t kMin[5] = {0, 0, 0x80, 0x800, 0x10000};
      if (!valid || cp < kMin[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
        replace(out);
        ++i;
        continue;
      }
      out.append(reinterpret_cast<const char*>(&pending_[i]), n);
      i += n;
    }
    pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(i));
  }

 private:
  void replace(std::string& out) {
    append_utf8(out, kReplacement);
    count_replacement();
  }
  std::vector<std::uint8_t> pending_;
};

// The WHATWG Encoding Standard's windows-1252, which is what "iso-8859-1", "us-ascii" and
// "latin1" labels mean in browsers and modern mail clients (0x80-0x9F are printable).
class Windows1252Decoder final : public Decoder {
 public:
  void decode(const std::uint8_t* in, std::size_t size, bool, std::string& out) override {
    static constexpr std::array<std::uint16_t, 32> kHigh = {
        0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
        0x2039, 0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
        0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178};
    for (std::size_t i = 0; i < size;) {
      // ASCII a run at a time: most text in these charsets is (appending byte by byte was a
      // visible share of parsing a small message).
      std::size_t ascii = i;
      while (ascii < size && in[ascii] < 0x80) ++ascii;
      out.append(reinterpret_cast<const char*>(in + i), ascii - i);
      if (ascii == size) break;
      const std::uint8_t b = in[ascii];
      append_utf8(out, b < 0xa0 ? kHigh[b - 0x80] : b);
      i = ascii + 1;
    }
  }
};

// UTF-16 and UTF-32 (and UCS-2/UCS-4): RFC 2781 section 4.3: a BOM decides the byte order,
// otherwise big endian; an explicit LE/BE label fixes it and a matching BOM is dropped.
class WideDecoder final : public Decoder {
 public:
  enum class Order { kSniff, kBig, kLittle };
  WideDecoder(std::size_t unit, Order order) : unit_(unit), order_(order) {}

  void decode(const std::uint8_t* in, std::size_t size, bool flush, std::string& out) override {
    pending_.insert(pending_.end(), in, in + size);
    std::size_t i = 0;
    if (!started_ && pending_.size() >= unit_) {
      started_ = true;
      const bool be_bom = unit_ == 2 ? (pending_[0] == 0xfe && pending_[1] == 0xff)
                                     : (pending_[0] == 0 && pending_[1] == 0 &&
                                        pending_[2] == 0xfe && pending_[3] == 0xff);
      const bool le_bom = unit_ == 2 ? (pending_[0] == 0xff && pending_[1] == 0xfe)
                                     : (pending_[0] == 0xff && pending_[1] == 0xfe &&
                                        pending_[2] == 0 && pending_[3] == 0);
      if (order_ == Order::kSniff) {
        order_ = le_bom ? Order::kLittle : Order::kBig;
        if (be_bom || le_bom) i = unit_;
      } else if ((order_ == Order::kBig && be_bom) || (order_ == Order::kLittle && le_bom)) {
        i = unit_;
      }
    }
    if (!started_ && !flush) return;
    const bool big = order_ != Order::kLittle;
    for (; i + unit_ <= pending_.size(); i += unit_) {
      std::uint32_t value = 0;
      for (std::size_t k = 0; k < unit_; ++k) {
        const std::uint32_t byte = pending_[i + (big ? k : unit_ - 1 - k)];
        value = (value << 8) | byte;
      }
      if (unit_ == 4) {
        emit(out, value <= 0x10ffff && (value < 0xd800 || value > 0xdfff) ? value : kReplacement,
             value > 0x10ffff || (value >= 0xd800 && value <= 0xdfff));
        continue;
      }
      if (high_surrogate_) {
        if (value >= 0xdc00 && value <= 0xdfff) {
          append_utf8(out, 0x10000 + ((high_surrogate_ - 0xd800) << 10) + (value - 0xdc00));
          high_surrogate_ = 0;
          continue;
        }
        emit(out, kReplacement, true);
        high_surrogate_ = 0;
      }
      if (value >= 0xd800 && value <= 0xdbff) {
        high_surrogate_ = value;
      } else if (value >= 0xdc00 && value <= 0xdfff) {
        emit(out, kReplacement, true);
      } else {
        append_utf8(out, value);
      }
    }
    pending_.erase(pending_.begin(),
                   pending_.begin() + static_cast<std::ptrdiff_t>(std::min(i, pending_.size())));
    if (flush) {
      if (high_surrogate_ || !pending_.empty()) emit(out, kReplacement, true);
      high_surrogate_ = 0;
      pending_.clear();
    }
  }

 private:
  void emit(std::string& out, std::uint32_t cp, bool replaced) {
    append_utf8(out, cp);
    if (replaced) count_replacement();
  }
  std::size_t unit_;
  Order order_;
  bool started_ = false;
  std::uint32_t high_surrogate_ = 0;
  std::vector<std::uint8_t> pending_;
};

// UTF-7 (RFC 2152): ASCII, and "+...-" runs of modified base64 carrying UTF-16BE; "+-" is "+".
class Utf7Decoder final : public Decoder {
 public:
  void decode(const std::uint8_t* in, std::size_t size, bool flush, std::string& out) override {
    for (std::size_t i = 0; i < size; ++i) step(in[i], out);
    if (flush) {
      if (in_base64_) end_base64(out);
      in_base64_ = false;
    }
  }

 private:
  void step(std::uint8_t c, std::string& out) {
    if (!in_base64_) {
      if (c == '+') {
        in_base64_ = true;
        just_started_ = true;
        bits_ = 0;
        nbits_ = 0;
        return;
      }
      if (c >= 0x80) {
        append_utf8(out, kReplacement);
        count_replacement();
      } else {
        out += static_cast<char>(c);
      }
      return;
    }
    const int v = ascii::base64_digit(static_cast<char>(c));
    if (v < 0) {
      if (c == '-' && just_started_) {
        out += '+';  // "+-"
      } else {
        end_base64(out);
        if (c != '-') step_direct(c, out);
      }
      in_base64_ = false;
      return;
    }
    just_started_ = false;
    bits_ = (bits_ << 6) | static_cast<std::uint32_t>(v);
    nbits_ += 6;
    if (nbits_ >= 16) {
      nbits_ -= 16;
      unit(static_cast<std::uint16_t>((bits_ >> nbits_) & 0xffff), out);
    }
  }

  void step_direct(std::uint8_t c, std::string& out) {
    in_base64_ = false;
    step(c, out);
  }

  void unit(std::uint16_t u, std::string& out) {
    if (high_) {
      if (u >= 0xdc00 && u <= 0xdfff) {
        append_utf8(out, 0x10000 + ((high_ - 0xd800) << 10) + (u - 0xdc00));
        high_ = 0;
        return;
      }
      append_utf8(out, kReplacement);
      count_replacement();
      high_ = 0;
    }
    if (u >= 0xd800 && u <= 0xdbff) {
      high_ = u;
    } else if (u >= 0xdc00 && u <= 0xdfff) {
      append_utf8(out, kReplacement);
      count_replacement();
    } else {
      append_utf8(out, u);
    }
  }

  void end_base64(std::string& out) {
    // Leftover bits must be zero padding; a dangling high surrogate is an error.
    if (high_) {
      append_utf8(out, kReplacement);
      count_replacement();
      high_ = 0;
    }
    bits_ = 0;
    nbits_ = 0;
  }

  bool in_base64_ = false;
  bool just_started_ = false;
  std::uint32_t bits_ = 0;
  int nbits_ = 0;
  std::uint32_t high_ = 0;
};

}  // namespace

std::unique_ptr<Decoder> open_builtin_decoder(std::string_view label) {
  using Order = WideDecoder::Order;
  if (label == "utf-8") return std::make_unique<Utf8Decoder>();
  if (label == "windows-1252") return std::make_unique<Windows1252Decoder>();
  if (label == "utf-16" || label == "ucs-2") return std::make_unique<WideDecoder>(2, Order::kSniff);
  if (label == "utf-16be" || label == "ucs-2be")
    return std::make_unique<WideDecoder>(2, Order::kBig);
  if (label == "utf-16le" || label == "ucs-2le")
    return std::make_unique<WideDecoder>(2, Order::kLittle);
  if (label == "utf-32" || label == "ucs-4") return std::make_unique<WideDecoder>(4, Order::kSniff);
  if (label == "utf-32be" || label == "ucs-4be")
    return std::make_unique<WideDecoder>(4, Order::kBig);
  if (label == "utf-32le" || label == "ucs-4le")
    return std::make_unique<WideDecoder>(4, Order::kLittle);
  if (label == "utf-7") return std::make_unique<Utf7Decoder>();
  return nullptr;
}

}  // namespace pop3::mime
