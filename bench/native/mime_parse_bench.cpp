// Native GMime parse throughput through the MIME module's wrapper (the same code as the WASM
// module): every file given is parsed `rounds` times; prints one JSON line with MB/s.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "pop3/mime/mime_message.hpp"

int main(int argc, char** argv) {
  int rounds = 5;
  std::vector<std::string> messages;
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], "--rounds=", 9) == 0) {
      rounds = std::atoi(argv[i] + 9);
      continue;
    }
    std::ifstream in(argv[i], std::ios::binary);
    messages.emplace_back((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  }
  std::size_t bytes = 0;
  for (const auto& m : messages) bytes += m.size();
  double best = 0;
  for (int r = 0; r < rounds; ++r) {
    const auto start = std::chrono::steady_clock::now();
    std::size_t json = 0;
    for (const auto& m : messages)
      json += pop3::mime::summary_json(pop3::mime::MimeMessage::parse(m)->summary()).size();
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (json == 0) return 1;
    best = std::max(best, static_cast<double>(bytes) / seconds / 1e6);
  }
  std::printf("{\"messages\":%zu,\"bytes\":%zu,\"mb_per_s\":%.2f}\n", messages.size(), bytes, best);
  return 0;
}
