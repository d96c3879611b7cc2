// Errors shared by every core module: one enum of stable codes, a strerror-like name table, and
// a small Result<T> so that the core never throws (exceptions are off in the WASM build).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <variant>

namespace pop3 {

// Stable error codes. Their names (error_code_name) are part of the public API: JS exposes them
// as `Pop3Error.code`, so never rename or renumber one; only append.
enum class ErrorCode : std::uint8_t {
  kInvalidArgument,      // caller's argument rejected before anything was sent (CR/LF/NUL, length)
  kInvalidState,         // command not valid in the session's (projected) state
  kServerError,          // the server answered -ERR
  kAuthFailed,           // the server answered -ERR to USER/PASS/APOP/AUTH
  kProtocolViolation,    // the server's bytes do not follow the protocol
  kLineTooLong,          // a server line exceeded its limit
  kReplyTooLarge,        // a buffered multi-line reply exceeded its limit
  kApopUnavailable,      // APOP requested but the greeting carries no valid timestamp
  kSessionClosed,        // the session ended (QUIT done, or a fatal error earlier)
  kNotSent,              // a queued command was dropped because one before it failed
  kUnexpectedData,       // bytes arrived where none may (before TLS starts, after QUIT)
  kCancelled,            // the caller cancelled a command before it was sent
  kConnectionClosed,     // the server closed the connection while an answer was due
  kTlsCertUntrusted,     // the certificate chain does not lead to a trusted root
  kTlsCertExpired,       // a certificate is expired or not yet valid
  kTlsCertNameMismatch,  // the certificate is not valid for the host name asked for
  kTlsCertPinMismatch,   // no certificate in the chain matches the configured SPKI pins
  kTlsCertInvalid,       // any other certificate problem (bad signature, wrong usage, ...)
  kTlsHandshakeFailed,   // the TLS handshake failed (no common version or cipher, alert, ...)
  kTlsError,             // a TLS failure after the handshake (bad record, alert, truncation)
  kInsecureAuth,         // every usable login method would send a secret over a clear connection
  kNoAuthMethod,         // the server offers no login method usable with the given credentials
  kTlsUnavailable,       // TLS was asked for with STLS, but the server does not offer or refuses it
};

// Stable upper-case name of a code, e.g. "PROTOCOL_VIOLATION".
const char* error_code_name(ErrorCode code);

struct Error {
  ErrorCode code;
  std::string message;        // human-readable, never contains secrets
  std::string response_code;  // the server's RFC 2449 response code, e.g. "IN-USE"; may be empty
  std::string server_text;    // the server's text after the status indicator and code
  std::string details;        // more from the server, e.g. the JSON error of an OAuth login
  // The server answered the command with -ERR and the client had no objection of its own: the
  // verdict is the server's (a login refused this way may work by another method).
  bool server_refused = false;
  // Byte offset in the server's stream where the problem was detected (protocol errors only).
  std::uint64_t stream_offset = 0;
};

// Either a value or an Error.
template <typename T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}      // NOLINT(google-explicit-constructor)
  Result(Error error) : v_(std::move(error)) {}  // NOLINT(google-explicit-constructor)
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() { return std::get<0>(v_); }
  const T& value() const { return std::get<0>(v_); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() { return value(); }
  const T& operator*() const { return value(); }
  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

inline Error make_error(ErrorCode code, std::string message) {
  return Error{code, std::move(message), {}, {}, {}, 0};
}

}  // namespace pop3
