#include "pop3/error.hpp"

namespace pop3 {

const char* error_code_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return "INVALID_ARGUMENT";
    case ErrorCode::kInvalidState:
      return "INVALID_STATE";
    case ErrorCode::kServerError:
      return "SERVER_ERROR";
    case ErrorCode::kAuthFailed:
      return "AUTH_FAILED";
    case ErrorCode::kProtocolViolation:
      return "PROTOCOL_VIOLATION";
    case ErrorCode::kLineTooLong:
      return "LINE_TOO_LONG";
    case ErrorCode::kReplyTooLarge:
      return "REPLY_TOO_LARGE";
    case ErrorCode::kApopUnavailable:
      return "APOP_UNAVAILABLE";
    case ErrorCode::kSessionClosed:
      return "SESSION_CLOSED";
    case ErrorCode::kNotSent:
      return "NOT_SENT";
    case ErrorCode::kUnexpectedData:
      return "UNEXPECTED_DATA";
    case ErrorCode::kCancelled:
      return "CANCELLED";
    case ErrorCode::kConnectionClosed:
      return "CONNECTION_CLOSED";
    case ErrorCode::kTlsCertUntrusted:
      return "TLS_CERT_UNTRUSTED";
    case ErrorCode::kTlsCertExpired:
      return "TLS_CERT_EXPIRED";
    case ErrorCode::kTlsCertNameMismatch:
      return "TLS_CERT_NAME_MISMATCH";
    case ErrorCode::kTlsCertPinMismatch:
      return "TLS_CERT_PIN_MISMATCH";
    case ErrorCode::kTlsCertInvalid:
      return "TLS_CERT_INVALID";
    case ErrorCode::kTlsHandshakeFailed:
      return "TLS_HANDSHAKE_FAILED";
    case ErrorCode::kTlsError:
      return "TLS_ERROR";
    case ErrorCode::kInsecureAuth:
      return "INSECURE_AUTH";
    case ErrorCode::kNoAuthMethod:
      return "NO_AUTH_METHOD";
    case ErrorCode::kTlsUnavailable:
      return "TLS_UNAVAILABLE";
  }
  return "UNKNOWN";
}

}  // namespace pop3
