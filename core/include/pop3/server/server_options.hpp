// What the host decides for a ServerSession: identity, which login methods, TLS policy, what CAPA
// announces, limits, and the randomness the session uses.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "pop3/protocol/capabilities.hpp"
#include "pop3/random_source.hpp"

namespace pop3::server {

struct ServerLimits {
  // RFC 2449 section 4: a command line is at most 255 octets including CRLF.
  std::size_t max_command_line = 255;
  // A SASL response line (RFC 5034 section 4: not bound by the 255 octets).
  std::size_t max_sasl_line = 16 * 1024;
  // Unprocessed input held while the session waits (for its host, or for the client to read):
  // receive() takes no more than this, so that a pipelining flood pushes back on the transport.
  // Raised to max_sasl_line + 2 if smaller.
  std::size_t max_input_buffered = 64 * 1024;
  // The session stops reading commands and asking for message bytes while output() holds this
  // much: a client that never reads costs at most this plus one host chunk.
  std::size_t max_output_buffered = 64 * 1024;
  // -ERR answers to unknown, misplaced or malformed commands before the session closes.
  std::uint32_t max_bad_commands = 20;
  // Failed logins before the session closes.
  std::uint32_t max_failed_logins = 3;
};

struct ServerOptions {
  // Required: greeting timestamps, CRAM-MD5 challenges, SCRAM nonces and salts.
  RandomSource random;
  // In the APOP timestamp and the CRAM-MD5 challenge ("<...@host_name>"). No spaces or "<>".
  std::string host_name = "localhost";
  std::string greeting = "POP3 server ready";
  std::string implementation;  // CAPA IMPLEMENTATION; empty: not announced

  // Login methods offered. SASL mechanisms in the order CAPA lists them; any of PLAIN, LOGIN,
  // CRAM-MD5, SCRAM-SHA-1, SCRAM-SHA-256, SCRAM-SHA-512, and the SCRAM ones with -PLUS (listed
  // only inside TLS, where there is channel-binding data).
  bool user_pass = true;
  bool apop = true;  // a timestamp in the greeting, APOP accepted
  std::vector<std::string> sasl = {"SCRAM-SHA-512-PLUS",
                                   "SCRAM-SHA-256-PLUS",
                                   "SCRAM-SHA-1-PLUS",
                                   "SCRAM-SHA-512",
                                   "SCRAM-SHA-256",
                                   "SCRAM-SHA-1",
                                   "CRAM-MD5",
                                   "PLAIN",
                                   "LOGIN"};

  // TLS: whether the host can run STLS, and what may happen on a clear connection. The
  // defaults follow RFC 2595 section 2.2 and RFC 8314: passwords never in clear text.
  bool stls = false;
  bool require_tls_for_login = false;        // every method refused until TLS is up
  bool allow_cleartext_without_tls = false;  // USER/PASS, PLAIN and LOGIN on a clear connection
  bool utf8 = true;                          // RFC 6856 UTF8 (announced as "UTF8 USER")

  // Announced in CAPA (RFC 2449 sections 6.5, 6.7); the session does not enforce them.
  std::optional<std::uint32_t> login_delay;
  protocol::Capabilities::Expire expire = protocol::Capabilities::Expire::kNotAnnounced;
  std::uint32_t expire_days = 0;

  // The host's auto-logout timer (RFC 1939 section 3: at least 10 minutes; smaller values are
  // raised to 600). The session has no clock: the host restarts its timer whenever receive()
  // takes bytes and calls ServerSession::timeout() when it fires.
  std::uint32_t idle_timeout_seconds = 600;
  // PBKDF2 iterations for SCRAM keys derived from a plain password.
  std::uint32_t scram_iterations = 4096;

  ServerLimits limits;
};

}  // namespace pop3::server
