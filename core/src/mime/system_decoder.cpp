// The native backend: the C library's iconv (the real one, behind the shim that interposes it),
// streamed, with undecodable bytes replaced by U+FFFD instead of failing the conversion.
#include <dlfcn.h>
#include <iconv.h>

#include <cerrno>
#include <vector>

#include "charset_backend.hpp"
#include "pop3/utf8.hpp"

namespace pop3::mime {
namespace {

using IconvOpen = iconv_t (*)(const char*, const char*);
using Iconv = size_t (*)(iconv_t, char**, size_t*, char**, size_t*);
using IconvClose = int (*)(iconv_t);

struct LibcIconv {
  IconvOpen open = reinterpret_cast<IconvOpen>(dlsym(RTLD_NEXT, "iconv_open"));
  Iconv convert = reinterpret_cast<Iconv>(dlsym(RTLD_NEXT, "iconv"));
  IconvClose close = reinterpret_cast<IconvClose>(dlsym(RTLD_NEXT, "iconv_close"));
};

const LibcIconv& libc() {
  static const LibcIconv functions;
  return functions;
}

class SystemDecoder final : public Decoder {
 public:
  explicit SystemDecoder(iconv_t cd) : cd_(cd) {}
  ~SystemDecoder() override { libc().close(cd_); }

  void decode(const std::uint8_t* in, std::size_t size, bool flush, std::string& out) override {
    std::string produced;
    convert(in, size, flush, produced);
    // glibc writes code points above U+10FFFF (UCS-4 input) in the old five- and six-byte forms,
    // which are not UTF-8: those become U+FFFD too.
    for (std::size_t i = 0; i < produced.size();) {
      const std::size_t n = utf8_sequence_length(produced, i);
      if (n == 0) {
        out += "\xEF\xBF\xBD";
        count_replacement();
        ++i;
        while (i < produced.size() && (static_cast<unsigned char>(produced[i]) & 0xC0) == 0x80) ++i;
      } else {
        out.append(produced, i, n);
        i += n;
      }
    }
  }

 private:
  void convert(const std::uint8_t* in, std::size_t size, bool flush, std::string& out) {
    pending_.insert(pending_.end(), in, in + size);
    char* input = reinterpret_cast<char*>(pending_.data());
    std::size_t left = pending_.size();
    char buffer[4096];
    while (left > 0) {
      char* output = buffer;
      std::size_t room = sizeof buffer;
      const std::size_t rc = libc().convert(cd_, &input, &left, &output, &room);
      out.append(buffer, static_cast<std::size_t>(output - buffer));
      if (rc != static_cast<std::size_t>(-1)) continue;
      if (errno == E2BIG) continue;
      if (errno == EINVAL && !flush) break;  // a sequence cut at the chunk's end: wait for more
      // EILSEQ, or an incomplete sequence at the very end: one byte becomes U+FFFD.
      out += "\xEF\xBF\xBD";
      count_replacement();
      ++input;
      --left;
    }
    pending_.erase(pending_.begin(),
                   pending_.begin() + static_cast<std::ptrdiff_t>(pending_.size() - left));
    if (flush) {
      char* output = nullptr;
      std::size_t room = 0;
      libc().convert(cd_, nullptr, nullptr, &output, &room);
    }
  }

  iconv_t cd_;
  std::vector<std::uint8_t> pending_;
};

}  // namespace

// WHATWG names (what normalise_charset_label yields) to the glibc converters that decode the same
// repertoire: WHATWG's euc-kr is Windows' UHC, its shift_jis is Windows-31J, its big5 includes
// HKSCS.
std::string libc_name(std::string_view label) {
  static constexpr std::pair<std::string_view, std::string_view> kNames[] = {
      {"euc-kr", "CP949"},      {"shift_jis", "CP932"}, {"big5", "BIG5-HKSCS"},
      {"windows-874", "CP874"}, {"gbk", "GBK"},         {"gb18030", "GB18030"},
  };
  for (const auto& [whatwg, glibc] : kNames) {
    if (label == whatwg) return std::string(glibc);
  }
  return std::string(label);
}

std::unique_ptr<Decoder> open_platform_decoder(std::string_view label) {
  if (!libc().open) return nullptr;
  const std::string name = libc_name(label);
  iconv_t cd = libc().open("UTF-8", name.c_str());
  if (cd == reinterpret_cast<iconv_t>(-1)) return nullptr;
  return std::make_unique<SystemDecoder>(cd);
}

}  // namespace pop3::mime
