// mime-dump FILE...: prints the MIME summary JSON of each message, one per line, with every
// attachment's size and SHA-256 filled in (the native oracle for the WASM module). With --part ID,
// writes that part's decoded bytes instead; with
// --builtin-charsets, decodes charsets with the module's own decoders only (as the comparison
// does).
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>

#include "pop3/mime/mime_message.hpp"

int main(int argc, char** argv) {
  const char* part = nullptr;
  int status = 0;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--builtin-charsets") == 0) {
      pop3::mime::set_charset_mode(pop3::mime::CharsetMode::kBuiltinOnly);
      continue;
    }
    if (std::strcmp(argv[i], "--part") == 0 && i + 1 < argc) {
      part = argv[++i];
      continue;
    }
    std::ifstream in(argv[i], std::ios::binary);
    if (!in) {
      std::cerr << "mime-dump: cannot read " << argv[i] << "\n";
      status = 1;
      continue;
    }
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto message = pop3::mime::MimeMessage::parse(bytes);
    if (part) {
      const auto content = message->part_content(part);
      if (!content) {
        std::cerr << "mime-dump: no part " << part << " in " << argv[i] << "\n";
        status = 1;
        continue;
      }
      std::fwrite(content->data(), 1, content->size(), stdout);
    } else {
      const std::string json = pop3::mime::summary_json(message->summary_with_digests());
      std::fwrite(json.data(), 1, json.size(), stdout);
      std::fputc('\n', stdout);
    }
  }
  return status;
}
