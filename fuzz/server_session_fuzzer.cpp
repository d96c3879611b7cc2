// Arbitrary client bytes, in arbitrary chunks, against a ServerSession whose host answers every
// request, reads the output only sometimes, times out and hangs up at random. Invariants: no
// crash or sanitizer report; input and output stay within their limits (output may pass its
// limit by one host chunk and one line); message bytes are asked for in order, each message
// released once; at most one ClosedEvent, and the session is closed after EOF.
#include <map>
#include <string>

#include "fuzz_input.hpp"
#include "pop3/server/server_session.hpp"

using namespace pop3::server;
using pop3::fuzz::require;

namespace {

const std::string kMessages[] = {
    "Subject: one\r\n\r\n.dot\r\n..\r\n.\r\nbody\r\n",
    "Subject: two\n\nLF only\n.\nno final line end",
    std::string(3000, 'x') + "\r\n.\r\n" + std::string(3000, 'y'),
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  pop3::fuzz::FuzzInput in(data, size);
  const std::uint8_t config = in.byte();
  ServerOptions options;
  options.stls = config & 1;
  options.require_tls_for_login = config & 2;
  options.allow_cleartext_without_tls = config & 4;
  options.apop = config & 8;
  options.user_pass = config & 16;
  const bool locked = config & 32;
  const bool update_fails = config & 64;
  options.utf8 = config & 128;
  options.limits.max_output_buffered = 64 + in.byte() * 16;
  options.limits.max_sasl_line = 300;
  options.limits.max_input_buffered = 302;
  const std::size_t chunk = 1 + in.byte() * 8;
  options.random = [state = 0x9e3779b9u ^ in.byte()](std::span<std::uint8_t> out) mutable {
    for (auto& b : out) {
      state ^= state << 13;
      state ^= state >> 17;
      state ^= state << 5;
      b = static_cast<std::uint8_t>(state);
    }
  };
  ServerSession session(options);

  bool reject_logins = false;
  int closes = 0;
  std::map<std::uint32_t, std::uint64_t> streamed;  // message -> bytes handed so far
  auto serve = [&] {
    while (auto event = session.next_event()) {
      if (std::holds_alternative<LoginRequest>(*event)) {
        const auto& login = std::get<LoginRequest>(*event);
        pop3::auth::AccountSecrets secrets;
        secrets.password = "secret";
        require(!session.answer_login(reject_logins || login.user != "alice"
                                          ? LoginAnswer::reject()
                                          : LoginAnswer::verify(secrets)));
      } else if (std::holds_alternative<MaildropRequest>(*event)) {
        if (locked) {
          require(!session.refuse_maildrop("IN-USE", "locked"));
        } else {
          require(!session.open_maildrop({{kMessages[0].size(), "a"},
                                          {kMessages[1].size(), "b"},
                                          {kMessages[2].size(), "c"}}));
        }
      } else if (auto* request = std::get_if<MessageDataRequest>(&*event)) {
        require(request->number >= 1 && request->number <= 3);
        require(streamed[request->number] == request->offset);
        const std::string& message = kMessages[request->number - 1];
        const std::string piece = message.substr(static_cast<std::size_t>(request->offset), chunk);
        streamed[request->number] += piece.size();
        require(!session.message_data(piece, request->offset + piece.size() >= message.size()));
      } else if (auto* done = std::get_if<MessageDoneEvent>(&*event)) {
        streamed.erase(done->number);  // a later RETR of it starts again from offset 0
      } else if (std::holds_alternative<UpdateRequest>(*event)) {
        require(!session.finish_update(update_fails ? std::optional<std::string>("failed")
                                                    : std::nullopt));
      } else if (std::holds_alternative<ClosedEvent>(*event)) {
        ++closes;
        require(session.closed());
      }
    }
    require(closes <= 1);
    require(session.input_buffered() <= options.limits.max_input_buffered);
    require(session.output().size() <= options.limits.max_output_buffered + chunk + 1024);
  };
  serve();
  while (!in.empty()) {
    const std::uint8_t op = in.byte();
    if (op < 0xc0) {
      std::string bytes;
      for (int i = 0; i <= op && !in.empty(); ++i) bytes.push_back(static_cast<char>(in.byte()));
      const std::size_t taken = session.receive(bytes);
      require(taken <= bytes.size());
      if (session.closed()) require(taken == 0 || closes == 0);
    } else {
      switch (op & 7) {
        case 1:
          session.consume_output(session.output().size() / 2);
          break;
        case 2:
          session.timeout();
          break;
        case 3:
          session.receive_eof();
          break;
        case 4:
          session.tls_started();
          break;
        case 5:
          reject_logins = !reject_logins;
          break;
        default:
          session.consume_output(session.output().size());
          break;
      }
    }
    serve();
  }
  session.receive_eof();
  serve();
  require(session.closed());
  require(closes == 1);
  return 0;
}
