// Errors shared by every core module: one enum of stable codes, a strerror-like name table, and
// a small Result<T> so that the core never throws (exceptions are off in the WASM build).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <variant>

namespace pop3 {

// Stable error codes. Their names (error_code_name) are part of the public API: JS exposes them
// as `Pop3Error.code`, so never rename or renumber one; only append. The list, with what each
// means, is scripts/contract/contract.json (docs/error-codes.md).
enum class ErrorCode : std::uint8_t {
#define POP3_ERROR_CODE(enumerator, name) enumerator,
#include "pop3/generated/error_codes.inc"
#undef POP3_ERROR_CODE
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
