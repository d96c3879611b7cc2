// The WASM backend: the platform's TextDecoder (WHATWG Encoding Standard), streamed. One JS
// TextDecoder per conversion, kept in a table on the JS side and addressed by number.
#include <emscripten.h>

#include <cstdlib>

#include "charset_backend.hpp"

// Returns a handle, or -1 if TextDecoder does not know the label.
EM_JS(int, pop3_text_decoder_open, (const char* label), {
  if (!Module.pop3TextDecoders) Module.pop3TextDecoders = new Map();
  const table = Module.pop3TextDecoders;
  let decoder;
  try {
    decoder = new TextDecoder(UTF8ToString(label), {fatal : false});
  } catch (e) {
    return -1;
  }
  const id = (Module.pop3NextTextDecoder = (Module.pop3NextTextDecoder || 0) + 1);
  table.set(id, decoder);
  return id;
});

// Decodes `size` bytes; stores a malloc'ed UTF-8 buffer in *out and returns its length, and the
// number of U+FFFD the decoder produced in *replaced.
EM_JS(int, pop3_text_decoder_decode,
      (int id, const unsigned char* input, int size, int flush, char** out, int* replaced), {
        const decoder = Module.pop3TextDecoders.get(id);
        const text = decoder.decode(HEAPU8.subarray(input, input + size), {stream : !flush});
        let count = 0;
        for (let at = text.indexOf('\ufffd'); at >= 0; at = text.indexOf('\ufffd', at + 1)) count++;
        HEAP32[replaced >> 2] = count;
        const length = lengthBytesUTF8(text);
        const buffer = _malloc(length + 1);
        stringToUTF8(text, buffer, length + 1);
        HEAP32[out >> 2] = buffer;
        return length;
      });

EM_JS(void, pop3_text_decoder_close, (int id), { Module.pop3TextDecoders.delete(id); });

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
