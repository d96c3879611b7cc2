#include "pop3/error.hpp"

namespace pop3 {

const char* error_code_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument: return "INVALID_ARGUMENT";
    case ErrorCode::kInvalidState: return "INVALID_STATE";
    case ErrorCode::kServerError: return "SERVER_ERROR";
    case ErrorCode::kAuthFailed: return "AUTH_FAILED";
    case ErrorCode::kProtocolViolation: return "PROTOCOL_VIOLATION";
    case ErrorCode::kLineTooLong: return "LINE_TOO_LONG";
    case ErrorCode::kReplyTooLarge: return "REPLY_TOO_LARGE";
    case ErrorCode::kApopUnavailable: return "APOP_UNAVAILABLE";
    case ErrorCode::kSessionClosed: return "SESSION_CLOSED";
    case ErrorCode::kNotSent: return "NOT_SENT";
    case ErrorCode::kUnexpectedData: return "UNEXPECTED_DATA";
    case ErrorCode::kCancelled: return "CANCELLED";
    case ErrorCode::kConnectionClosed: return "CONNECTION_CLOSED";
  }
  return "UNKNOWN";
}

}  // namespace pop3
