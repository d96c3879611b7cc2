// Arbitrary server bytes, in arbitrary chunks, against a session with a scripted set of
// commands. Invariants: no crash or sanitizer report; every submitted command ends with exactly
// one ReplyEvent, in submission order; message data never exceeds the bytes fed; after EOF the
// session is closed or failed.
#include <cstdlib>
#include <vector>

#include "fuzz_input.hpp"
#include "pop3/protocol/client_session.hpp"

using namespace pop3::protocol;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  pop3::fuzz::FuzzInput in(data, size);
  SessionOptions options;
  const std::uint8_t config = in.byte();
  options.transcript = config & 1;
  options.allow_pipelining = config & 2;
  options.limits.max_status_line = 64 + in.byte() * 4;
  options.limits.max_listing_bytes = 1024 + in.number(1 << 16);
  ClientSession session(options);

  std::vector<CommandId> submitted;
  auto submit = [&](pop3::Result<Command> command) {
    if (!command) return;
    if (auto id = session.submit(std::move(*command))) submitted.push_back(*id);
  };
  submit(Command::capa());
  if (config & 4) {
    if (auto id = session.submit_apop("user", "secret")) submitted.push_back(*id);
  }
  submit(Command::user("user"));
  submit(Command::pass("secret"));
  const std::uint8_t script = in.byte();
  for (int bit = 0; bit < 8; ++bit) {
    if (!(script & (1 << bit))) continue;
    switch (bit) {
      case 0:
        submit(Command::stat());
        break;
      case 1:
        submit(Command::list());
        break;
      case 2:
        submit(Command::uidl());
        break;
      case 3:
        submit(Command::retr(1));
        break;
      case 4:
        submit(Command::top(2, 3));
        break;
      case 5:
        submit(Command::list(1));
        break;
      case 6:
        submit(Command::uidl(2));
        break;
      case 7:
        submit(Command::stls());
        break;
    }
  }
  if (config & 8) submit(Command::quit());

  std::size_t fed = 0;
  std::size_t body = 0;
  std::size_t fed_now = 0;  // size of the last input: every body span lies inside it
  std::vector<CommandId> replied;
  auto drain = [&] {
    while (auto event = session.next_event()) {
      if (auto* chunk = std::get_if<BodyChunkEvent>(&*event)) {
        body += chunk->size();
        for (const auto& span : chunk->spans) {
          if (span.offset + span.length > fed_now) std::abort();  // outside the input
        }
      }
      if (auto* reply = std::get_if<ReplyEvent>(&*event)) replied.push_back(reply->id);
    }
  };
  while (!in.empty()) {
    const std::string chunk = in.string(1 + in.byte() * 8);
    fed += chunk.size();
    fed_now = chunk.size();
    session.receive(chunk);
    session.consume_output(session.output().size());
    if (session.state() == SessionState::kTlsHandshake) session.tls_started();
    drain();
    if (body > fed) std::abort();
  }
  session.receive_eof();
  drain();
  // Exactly one reply per submitted command, in submission order.
  if (replied != submitted) std::abort();
  if (session.state() != SessionState::kClosed && session.state() != SessionState::kFailed)
    std::abort();
  return 0;
}
