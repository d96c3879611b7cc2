// Server lines quoted in error messages: cut and made printable, because they are for humans and
// must not carry terminal control sequences from a hostile server into logs.
#pragma once

#include <string>
#include <string_view>

namespace pop3::protocol {

// `line` in double quotes, at most 80 characters, non-printable bytes as \xNN, "..." if cut.
std::string quote(std::string_view line);

}  // namespace pop3::protocol
