// What a ServerSession asks of its host, and what it tells it. Requests (LoginRequest,
// MaildropRequest, MessageDataRequest, UpdateRequest) stop the session until the host answers
// through the matching ServerSession method; the session reads no further command meanwhile, so
// one request is outstanding at a time and pipelined commands wait in order.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace pop3::server {

enum class LoginMethod : std::uint8_t { kUserPass, kApop, kSasl };

// Someone logs in. Answer with ServerSession::answer_login.
struct LoginRequest {
  LoginMethod method;
  std::string mechanism;  // "USER", "APOP" or the SASL mechanism, e.g. "SCRAM-SHA-256"
  std::string user;       // the authentication identity
  std::string authzid;    // the authorization identity asked for (SASL only); empty: user
  // The password as the client sent it, for methods that send it (USER/PASS, PLAIN, LOGIN), so
  // that a host may check it against a hash of its own; empty for the others.
  std::string password;
  bool secure = false;  // TLS is active
};

// The login succeeded: the session needs the maildrop of `user` (the authorization identity),
// locked for this session (RFC 1939: exclusive access). Answer with open_maildrop or
// refuse_maildrop (e.g. "IN-USE" when another session holds the lock).
struct MaildropRequest {
  std::string user;
};

// The session wants bytes of message `number` from `offset` on (RETR, TOP). Answer with
// message_data; any amount, the last call with end = true. Asked again for each next chunk,
// only while output() is below its limit.
struct MessageDataRequest {
  std::uint32_t number;
  std::string uid;
  std::uint64_t offset;
};

// The session needs no more bytes of message `number` (the reply is complete: all sent, TOP's
// lines counted, or the session ended): the host may close what it read from.
struct MessageDoneEvent {
  std::uint32_t number;
};

// QUIT in TRANSACTION: the UPDATE state. The host removes these messages (their numbers and
// unique ids), then calls finish_update. An empty list still needs the answer.
struct UpdateRequest {
  std::vector<std::uint32_t> numbers;
  std::vector<std::string> uids;
};

// The session accepted STLS: run the TLS handshake as the server on this connection, then call
// tls_started(). Nothing is read in clear from here on.
struct TlsRequestedEvent {};

enum class CloseReason : std::uint8_t {
  kQuit,           // QUIT answered
  kTimeout,        // the host's auto-logout timer fired (timeout())
  kClientClosed,   // the client closed the connection (receive_eof())
  kTooManyErrors,  // too many bad commands or failed logins
  kAborted,        // the host ended the session (abort()), e.g. because TLS failed
};

const char* close_reason_name(CloseReason reason);

// The session is over: send what output() still holds, then close the connection, and release
// the maildrop lock if one was taken. `updated`: the UPDATE state ran and succeeded.
struct ClosedEvent {
  CloseReason reason;
  bool updated = false;
};

using ServerEvent = std::variant<LoginRequest, MaildropRequest, MessageDataRequest,
                                 MessageDoneEvent, UpdateRequest, TlsRequestedEvent, ClosedEvent>;

}  // namespace pop3::server
