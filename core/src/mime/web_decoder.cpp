// The WASM backend: the platform's TextDecoder (WHATWG Encoding Standard), streamed. One JS
// TextDecoder per open conversion, kept in a table on the JS side and addressed by number.
#include <emscripten.h>

#include <cstdlib>

#include "charset_backend.hpp"

// Returns a handle, or -1 if TextDecoder does not know the label. Decoders are pooled per label
// (a mail reader meets the same few charsets again and again, and a TextDecoder costs more to
// make than to reset): a closed one is flushed, which resets it, and handed out again.
EM_JS(int, pop3_text_decoder_open, (const char* label), {
  if (!Module.pop3TextDecoders) {
    Module.pop3TextDecoders = [];      // handle -> { label, decoder }
    Module.pop3FreeTextDecoders = {};  // label -> [handle]
    Module.pop3Utf8Encoder = new TextEncoder();
  }
  const name = UTF8ToString(label);
  const free = Module.pop3FreeTextDecoders[name];
  if (free && free.length) return free.pop();
  let decoder;
  try {
    decoder = new TextDecoder(name, {fatal : false});
  } catch (e) {
    return -1;
  }
  Module.pop3TextDecoders.push({label : name, decoder : decoder});
  return Module.pop3TextDecoders.length - 1;
});

// Decodes `size` bytes; stores a malloc'ed UTF-8 buffer in *out and returns its length, and the
// number of U+FFFD the decoder produced in *replaced.
EM_JS(int, pop3_text_decoder_decode,
      (int id, const unsigned char* input, int size, int flush, char** out, int* replaced), {
        const decoder = Module.pop3TextDecoders[id].decoder;
        const text = decoder.decode(HEAPU8.subarray(input, input + size), {stream : !flush});
        let count = 0;
        for (let at = text.indexOf('\ufffd'); at >= 0; at = text.indexOf('\ufffd', at + 1)) count++;
        HEAP32[replaced >> 2] = count;
        const bytes = Module.pop3Utf8Encoder.encode(text);
        const buffer = _malloc(bytes.length + 1);
        HEAPU8.set(bytes, buffer);
        HEAP32[out >> 2] = buffer;
        return bytes.length;
      });

EM_JS(void, pop3_text_decoder_close, (int id), {
  const entry = Module.pop3TextDecoders[id];
  entry.decoder.decode();  // ends any pending sequence: the decoder starts afresh next time
  const free = Module.pop3FreeTextDecoders;
  if (!free[entry.label]) free[entry.label] = [];
  free[entry.label].push(id);
});

namespace pop3::mime {
namespace {

class WebDecoder final : public Decoder {
 public:
  explicit WebDecoder(int id) : id_(id) {}
  ~WebDecoder() override { pop3_text_decoder_close(id_); }

  void decode(const std::uint8_t* in, std::size_t size, bool flush, std::string& out) override {
    char* buffer = nullptr;
    int replaced = 0;
    const int length = pop3_text_decoder_decode(id_, in, static_cast<int>(size), flush ? 1 : 0,
                                                &buffer, &replaced);
    out.append(buffer, static_cast<std::size_t>(length));
    std::free(buffer);
    for (int i = 0; i < replaced; ++i) count_replacement();
  }

 private:
  int id_;
};

}  // namespace

std::unique_ptr<Decoder> open_platform_decoder(std::string_view label) {
  const std::string name(label);
  const int id = pop3_text_decoder_open(name.c_str());
  if (id < 0) return nullptr;
  return std::make_unique<WebDecoder>(id);
}

}  // namespace pop3::mime
