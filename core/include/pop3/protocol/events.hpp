// What a ClientSession reports. Every submitted command ends with exactly one ReplyEvent, in
// submission order; RETR and TOP data arrive before it as BodyChunkEvents.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "pop3/error.hpp"
#include "pop3/protocol/body_reader.hpp"
#include "pop3/protocol/capabilities.hpp"
#include "pop3/protocol/command.hpp"
#include "pop3/protocol/listing.hpp"
#include "pop3/protocol/status_line.hpp"

namespace pop3::protocol {

using CommandId = std::uint32_t;

// The server's greeting arrived. A -ERR greeting fails the session instead (SessionErrorEvent).
struct GreetingEvent {
  StatusLine status;
  std::optional<std::string> apop_timestamp;
};

// Decoded (dot-unstuffed) message bytes of a RETR or TOP reply, in order, as places in the input
// of the receive() call that reported them rather than as copies: the session never holds a
// message, and a host that fed its own buffer hands out views of it (docs/architecture.md, "The
// life of a RETR"). A CR first when `leading_cr` (kept from the previous input, see
// BodyReader::Step), then the bytes of each span. Valid until the next receive(): drain the
// events after each call.
struct BodyChunkEvent {
  CommandId id;
  bool leading_cr = false;
  std::vector<BodySpan> spans;

  std::size_t size() const {
    std::size_t n = leading_cr ? 1 : 0;
    for (const auto& span : spans) n += span.length;
    return n;
  }
  // The bytes, copied out of `input` (what that receive() call was given).
  std::string bytes(std::span<const std::uint8_t> input) const {
    std::string out(leading_cr ? "\r" : "");
    out.reserve(size());
    for (const auto& span : spans) {
      out.append(reinterpret_cast<const char*>(input.data()) + span.offset, span.length);
    }
    return out;
  }
  std::string bytes(std::string_view input) const {
    return bytes(std::span(reinterpret_cast<const std::uint8_t*>(input.data()), input.size()));
  }
};

// Parsed data of a successful reply, by command: STAT -> DropListing, "LIST n" -> ScanListing,
// LIST -> vector<ScanListing>, "UIDL n" -> UidListing, UIDL -> vector<UidListing>,
// CAPA -> Capabilities, LANG -> vector<string> (the listing's lines); otherwise monostate.
using ReplyData =
    std::variant<std::monostate, DropListing, ScanListing, std::vector<ScanListing>, UidListing,
                 std::vector<UidListing>, Capabilities, std::vector<std::string>>;

struct ReplyEvent {
  CommandId id;
  CommandKind kind;
  std::optional<Error> error;  // set when the command failed, locally or at the server
  StatusLine status;           // the server's status line; empty if the command was never answered
  ReplyData data;
  std::uint64_t body_size = 0;  // RETR/TOP: decoded bytes delivered in BodyChunkEvents
};

// The server accepted STLS: the caller must now run the TLS handshake on the same connection and
// call ClientSession::tls_started(). Nothing is read or sent in clear from here on.
struct TlsRequestedEvent {};

// TLS is up (implicit TLS, or after STLS when the core runs TLS): protocol version and cipher.
struct TlsEstablishedEvent {
  std::string protocol;
  std::string cipher;
};

// The connection is ready for login: the greeting is read, the capabilities asked, and TLS is up
// when it was asked for. Only a ClientConnection that runs the connect sequence emits it.
struct ReadyEvent {};

enum class Direction : std::uint8_t { kClient, kServer };

// A protocol line for humans (only when SessionOptions::transcript is set). Secrets are redacted;
// message data is summarised, not copied.
struct TranscriptEvent {
  Direction direction;
  std::string line;
};

// An AUTH exchange waits for the host: make this call into the platform's library (GSSAPI's
// Kerberos) and hand the result to ClientSession::sasl_host_reply(id, ...).
struct SaslHostCallEvent {
  CommandId id;
  std::string operation;
  std::string input;
};

// The session cannot continue: a protocol violation, a limit exceeded, or the connection lost.
struct SessionErrorEvent {
  Error error;
};

using Event =
    std::variant<GreetingEvent, BodyChunkEvent, ReplyEvent, TlsRequestedEvent, TlsEstablishedEvent,
                 ReadyEvent, TranscriptEvent, SessionErrorEvent, SaslHostCallEvent>;

}  // namespace pop3::protocol
