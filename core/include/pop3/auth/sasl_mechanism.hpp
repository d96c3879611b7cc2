// A SASL client mechanism (RFC 4422) as a small sans-IO state machine. The POP3 session drives
// it through AUTH (RFC 5034): it hands over each server challenge, decoded from base64, and sends
// back the response, base64-encoded. Mechanisms never see sockets, and take their randomness
// (SCRAM's nonce) from the caller.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "pop3/error.hpp"

namespace pop3::auth {

// A call into a library outside the core that the host must make before the exchange can go on:
// GSSAPI's tokens come from the platform's Kerberos library (docs/authentication.md, GSSAPI).
struct HostCall {
  std::string operation;  // "gss_init_sec_context", "gss_unwrap" or "gss_wrap"
  std::string input;      // the server's token, or the message to unwrap or wrap
};

// What the host's library returned for a HostCall.
struct HostReply {
  std::string output;     // the token to send, or the unwrapped or wrapped message
  bool complete = false;  // gss_init_sec_context: the security context is established
};

class SaslMechanism {
 public:
  virtual ~SaslMechanism() = default;

  // The registered mechanism name, e.g. "SCRAM-SHA-256".
  virtual std::string_view name() const = 0;
  // The client's first message for client-first mechanisms (PLAIN, SCRAM, OAuth), or nothing for
  // server-first ones (LOGIN, CRAM-MD5). May be empty: an empty initial response is still sent.
  virtual std::optional<std::string> initial_response() = 0;
  // The response to a server challenge. An error aborts the exchange (the session sends "*").
  virtual Result<std::string> respond(std::string_view challenge) = 0;
  // The server said +OK. Mechanisms that authenticate the server too (SCRAM) fail here if the
  // server never proved that it knows the password: the session is then not trusted.
  virtual std::optional<Error> complete() { return std::nullopt; }
  // What the server explained about a failure inside the exchange (the JSON error of XOAUTH2 and
  // OAUTHBEARER), for the error the caller sees.
  virtual std::string failure_details() const { return {}; }
  // Whether the mechanism hands over the secret itself (PLAIN, LOGIN, bearer tokens): such
  // mechanisms are refused over an unencrypted connection unless the caller opted in.
  virtual bool sends_secret() const = 0;
  // Set after respond() or host_reply() when the response must come from the host: the session
  // sends nothing until the host's reply arrives through host_reply().
  virtual std::optional<HostCall> host_call() const { return std::nullopt; }
  // The host's answer to host_call(): the response to send (unless host_call() asks again).
  virtual Result<std::string> host_reply(const HostReply& /*reply*/) {
    return make_error(ErrorCode::kInvalidState, std::string(name()) + " makes no host calls");
  }
};

}  // namespace pop3::auth
