// Codec throughput: a 50 MB multi-line RETR reply (byte-stuffed, with dot lines) fed to a
// ClientSession in 64 KiB chunks, as a transport would. Prints one JSON object. Timed on the
// process's CPU time (as bench/js/codec-throughput.mjs is): on a shared machine wall time mostly
// measures the other tenants.
#include <cstdio>
#include <ctime>
#include <string>

#include "pop3/protocol/client_session.hpp"

using namespace pop3::protocol;

namespace {

// The same generator as bench/js/codec-wire.mjs: lines of 1..120 printable bytes, every 50th
// beginning with a (stuffed) dot.
std::string make_wire(std::size_t body_size) {
  std::string wire = "+OK message follows\r\n";
  wire.reserve(body_size + body_size / 40);
  std::uint32_t state = 12345;
  std::size_t line = 0;
  std::size_t body = 0;
  while (body < body_size) {
    state = state * 1103515245u + 12345u;
    const std::size_t length = 1 + (state >> 16) % 120;
    if (++line % 50 == 0) {
      wire += "..";
      body += 1;
    }
    for (std::size_t i = 0; i < length; ++i) wire += static_cast<char>('A' + (i + line) % 58);
    wire += "\r\n";
    body += length + 2;
  }
  wire += ".\r\n";
  return wire;
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t mb = argc > 1 ? std::stoul(argv[1]) : 50;
  const std::string wire = make_wire(mb * 1000 * 1000);
  const std::size_t chunk = 64 * 1024;
  double best = 0;
  std::uint64_t body_bytes = 0;
  for (int round = 0; round < 5; ++round) {
    ClientSession s;
    s.receive(std::string_view("+OK ready\r\n"));
    (void)s.submit(*Command::user("u"));
    s.receive(std::string_view("+OK\r\n"));
    (void)s.submit(*Command::pass("p"));
    s.receive(std::string_view("+OK\r\n"));
    (void)s.submit(*Command::retr(1));
    while (s.next_event()) {
    }
    body_bytes = 0;
    const std::clock_t start = std::clock();
    for (std::size_t pos = 0; pos < wire.size(); pos += chunk) {
      s.receive(std::string_view(wire).substr(pos, chunk));
      while (auto event = s.next_event()) {
        if (auto* body = std::get_if<BodyChunkEvent>(&*event)) body_bytes += body->size();
      }
    }
    const double seconds = static_cast<double>(std::clock() - start) / CLOCKS_PER_SEC;
    best = std::max(best, wire.size() / seconds / 1e6);
  }
  std::printf("{\"wire_bytes\":%zu,\"body_bytes\":%llu,\"mb_per_s\":%.1f}\n", wire.size(),
              static_cast<unsigned long long>(body_bytes), best);
  return 0;
}
