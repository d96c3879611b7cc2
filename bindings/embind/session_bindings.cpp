// Embind surface of the protocol module: the ClientSession, byte staging, and the event stream.
// Thin by design (DESIGN.md): every decision stays in core/, this file only converts.
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <cstdint>
#include <string>
#include <vector>

#include "js_values.hpp"
#include "pop3/protocol/client_session.hpp"

namespace pop3::bindings {
namespace {

using emscripten::val;
using protocol::Command;

std::size_t size_option(const val& limits, const char* name, std::size_t fallback) {
  const val v = limits[name];
  return v.isUndefined() ? fallback : static_cast<std::size_t>(v.as<double>());
}

protocol::SessionOptions session_options(const val& js) {
  protocol::SessionOptions options;
  if (js.isUndefined() || js.isNull()) return options;
  if (!js["transcript"].isUndefined()) options.transcript = js["transcript"].as<bool>();
  if (!js["allowPipelining"].isUndefined()) {
    options.allow_pipelining = js["allowPipelining"].as<bool>();
  }
  const val limits = js["limits"];
  if (!limits.isUndefined()) {
    auto& l = options.limits;
    l.max_status_line = size_option(limits, "maxStatusLine", l.max_status_line);
    l.max_listing_line = size_option(limits, "maxListingLine", l.max_listing_line);
    l.max_listing_bytes = size_option(limits, "maxListingBytes", l.max_listing_bytes);
    l.max_pipelined_commands = size_option(limits, "maxPipelinedCommands", l.max_pipelined_commands);
    l.max_pipelined_bytes = size_option(limits, "maxPipelinedBytes", l.max_pipelined_bytes);
  }
  return options;
}

val result_to_js(const Result<protocol::CommandId>& result) {
  val out = val::object();
  if (result.ok()) {
    out.set("id", *result);
  } else {
    out.set("error", to_js(result.error()));
  }
  return out;
}

// A JS number that must be an integer in [min, 2^32-1]; `absent` when undefined or null.
Result<std::uint32_t> integer_arg(const val& spec, const char* name, double min,
                                  std::uint32_t absent) {
  const val v = spec[name];
  if (v.isUndefined() || v.isNull()) return absent;
  const double d = v.isNumber() ? v.as<double>() : -1;
  if (!(d >= min && d <= 4294967295.0) || d != static_cast<double>(static_cast<std::uint32_t>(d))) {
    return make_error(ErrorCode::kInvalidArgument,
                      std::string(name) + " must be an integer from " +
                          std::to_string(static_cast<int>(min)) + " to 4294967295");
  }
  return static_cast<std::uint32_t>(d);
}

}  // namespace

class JsClientSession {
 public:
  explicit JsClientSession(val options)
      : options_(session_options(options)), session_(options_) {}

  // Staging area for server bytes: JS copies a chunk to HEAPU8 at this address, then calls
  // receive(length). Cheaper than passing a Uint8Array through Embind (byte-by-byte copy).
  std::uintptr_t input_buffer(std::size_t length) {
    if (input_.size() < length) input_.resize(length);
    return reinterpret_cast<std::uintptr_t>(input_.data());
  }
  std::size_t receive(std::size_t length) {
    return session_.receive(std::span(input_.data(), std::min(length, input_.size())));
  }
  void receive_eof() { session_.receive_eof(); }

  // spec: { command: 'RETR', number?, lines?, arg? }
  val submit(val spec) {
    auto command = build(spec);
    if (!command) return result_to_js(command.error());
    return result_to_js(session_.submit(std::move(*command)));
  }
  val submit_apop(std::string name, std::string secret) {
    return result_to_js(session_.submit_apop(name, secret));
  }
  bool cancel(std::uint32_t id) { return session_.cancel(id); }

  // The bytes to send, copied out and marked as sent.
  val take_output() {
    const std::string_view out = session_.output();
    val bytes = bytes_copy(out);
    session_.consume_output(out.size());
    return bytes;
  }

  val next_event() {
    auto event = session_.next_event();
    return event ? to_js(*event) : val::null();
  }

  void tls_started() { session_.tls_started(); }
  void set_transcript(bool enabled) { session_.set_transcript(enabled); }
  std::string state() const { return protocol::session_state_name(session_.state()); }
  bool pipelining() const { return session_.pipelining(); }
  val capabilities() const {
    return session_.capabilities() ? to_js(*session_.capabilities()) : val::undefined();
  }
  val apop_timestamp() const {
    return session_.apop_timestamp() ? text(*session_.apop_timestamp()) : val::undefined();
  }
  double stream_offset() const { return static_cast<double>(session_.stream_offset()); }

 private:
  Result<Command> build(const val& spec) {
    const std::string name = spec["command"].as<std::string>();
    const auto arg = [&](const char* key) {
      const val v = spec[key];
      return v.isUndefined() || v.isNull() ? std::string() : v.as<std::string>();
    };
    const auto& limits = options_.limits;
    // 0 stands for "no number" (whole listing) in LIST and UIDL only; elsewhere it is rejected.
    const auto number = integer_arg(spec, "number", 1, 0);
    if (!number) return number.error();
    if (name == "USER") return Command::user(arg("arg"), limits);
    if (name == "PASS") return Command::pass(arg("arg"), limits);
    if (name == "CAPA") return Command::capa();
    if (name == "STLS") return Command::stls();
    if (name == "UTF8") return Command::utf8();
    if (name == "LANG") return Command::lang(arg("arg"), limits);
    if (name == "STAT") return Command::stat();
    if (name == "LIST") return Command::list(*number);
    if (name == "UIDL") return Command::uidl(*number);
    if (name == "RETR") return Command::retr(*number);
    if (name == "TOP") {
      const auto lines = integer_arg(spec, "lines", 0, 0);
      if (!lines) return lines.error();
      return Command::top(*number, *lines);
    }
    if (name == "DELE") return Command::dele(*number);
    if (name == "NOOP") return Command::noop();
    if (name == "RSET") return Command::rset();
    if (name == "QUIT") return Command::quit();
    return make_error(ErrorCode::kInvalidArgument, "unknown command " + name);
  }

  protocol::SessionOptions options_;
  protocol::ClientSession session_;
  std::vector<std::uint8_t> input_;
};

EMSCRIPTEN_BINDINGS(pop3_core) {
  emscripten::class_<JsClientSession>("ClientSession")
      .constructor<val>()
      .function("inputBuffer", &JsClientSession::input_buffer)
      .function("receive", &JsClientSession::receive)
      .function("receiveEof", &JsClientSession::receive_eof)
      .function("submit", &JsClientSession::submit)
      .function("submitApop", &JsClientSession::submit_apop)
      .function("cancel", &JsClientSession::cancel)
      .function("takeOutput", &JsClientSession::take_output)
      .function("nextEvent", &JsClientSession::next_event)
      .function("tlsStarted", &JsClientSession::tls_started)
      .function("setTranscript", &JsClientSession::set_transcript)
      .function("state", &JsClientSession::state)
      .function("pipelining", &JsClientSession::pipelining)
      .function("capabilities", &JsClientSession::capabilities)
      .function("apopTimestamp", &JsClientSession::apop_timestamp)
      .function("streamOffset", &JsClientSession::stream_offset);
}

}  // namespace pop3::bindings
