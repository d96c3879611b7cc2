// The core session behind a JS ClientConnection object of this module, for the other bindings of
// the same module (sync planning reads the session's capabilities there, not a JS copy of them).
#pragma once

#include <emscripten/val.h>

#include "pop3/protocol/client_session.hpp"

namespace pop3::bindings {

// nullptr when `connection` is not a live ClientConnection of this module.
const protocol::ClientSession* session_of(const emscripten::val& connection);

}  // namespace pop3::bindings
