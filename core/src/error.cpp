#include "pop3/error.hpp"

namespace pop3 {

const char* error_code_name(ErrorCode code) {
  switch (code) {
#define POP3_ERROR_CODE(enumerator, name) \
  case ErrorCode::enumerator:             \
    return name;
#include "pop3/generated/error_codes.inc"
#undef POP3_ERROR_CODE
  }
  return "UNKNOWN";
}

}  // namespace pop3
