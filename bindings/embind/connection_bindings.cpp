// Embind surface of the protocol module: the client connection (POP3 session on the TLS
// engine), byte staging, and the event stream. Thin by design (docs/architecture.md): every
// decision stays in core/, this file only converts.
#include <emscripten/bind.h>
#include <emscripten/val.h>
#include <malloc.h>

#include <cstdint>
#include <string>
#include <vector>

#include "client_session_access.hpp"
#include "js_options.hpp"
#include "js_values.hpp"
#include "platform_random.hpp"
#include "pop3/auth/login_negotiation.hpp"
#include "pop3/auth/mechanisms.hpp"
#include "pop3/auth/saslprep.hpp"
#include "pop3/client/connection.hpp"
#include "pop3/tls/channel_binding.hpp"

namespace pop3::bindings {
namespace {

using emscripten::val;
using protocol::Command;

// { mode: 'none'|'implicit'|'starttls', inCore, serverName, ca: [pem], defaultRoots, pins: [],
//   minVersion, maxVersion, verificationTime (seconds), tls12Ciphers, tls13Ciphersuites }
void read_tls_options(const val& js, client::ConnectionOptions& options) {
  if (js.isUndefined() || js.isNull()) return;
  const std::string mode = js["mode"].isUndefined() ? "none" : js["mode"].as<std::string>();
  options.tls_mode = mode == "implicit"   ? client::TlsMode::kImplicit
                     : mode == "starttls" ? client::TlsMode::kStartTls
                                          : client::TlsMode::kNone;
  if (!js["inCore"].isUndefined()) options.tls_in_core = js["inCore"].as<bool>();
  auto& tls = options.tls;
  if (!js["serverName"].isUndefined()) tls.server_name = js["serverName"].as<std::string>();
  tls.ca_pems = string_list(js["ca"]);
  if (!js["defaultRoots"].isUndefined()) tls.use_default_roots = js["defaultRoots"].as<bool>();
  tls.spki_sha256_pins = string_list(js["pins"]);
  tls.min_version = tls_version(js["minVersion"], tls.min_version);
  tls.max_version = tls_version(js["maxVersion"], tls.max_version);
  if (!js["verificationTime"].isUndefined()) {
    tls.verification_time = static_cast<std::int64_t>(js["verificationTime"].as<double>());
  }
  if (!js["tls12Ciphers"].isUndefined()) tls.tls12_ciphers = js["tls12Ciphers"].as<std::string>();
  if (!js["tls13Ciphersuites"].isUndefined()) {
    tls.tls13_ciphersuites = js["tls13Ciphersuites"].as<std::string>();
  }
}

client::ConnectionOptions connection_options(const val& js) {
  client::ConnectionOptions connection;
  protocol::SessionOptions& options = connection.session;
  if (js.isUndefined() || js.isNull()) return connection;
  read_tls_options(js["tls"], connection);
  connection.run_startup = true;  // the connect sequence is the core's (pop3-client.js awaits it)
  if (!js["capa"].isUndefined()) connection.ask_capabilities = js["capa"].as<bool>();
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
    l.max_message_bytes = size_option(limits, "maxMessageBytes", l.max_message_bytes);
    l.max_pipelined_commands =
        size_option(limits, "maxPipelinedCommands", l.max_pipelined_commands);
    l.max_pipelined_bytes = size_option(limits, "maxPipelinedBytes", l.max_pipelined_bytes);
  }
  return connection;
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
    return make_error(ErrorCode::kInvalidArgument, std::string(name) + " must be an integer from " +
                                                       std::to_string(static_cast<int>(min)) +
                                                       " to 4294967295");
  }
  return static_cast<std::uint32_t>(d);
}

// NFKC for SASLprep comes from the platform: String.prototype.normalize (the core carries no
// Unicode tables).
std::optional<std::string> js_nfkc(std::string_view utf8) {
  const val normalized = val(std::string(utf8)).call<val>("normalize", std::string("NFKC"));
  return normalized.as<std::string>();
}

// A Uint8Array's bytes (small ones: channel-binding data, a certificate).
std::string byte_string(const val& array) {
  const auto bytes = emscripten::convertJSArrayToNumberVector<std::uint8_t>(array);
  return std::string(bytes.begin(), bytes.end());
}

}  // namespace

class JsClientConnection {
 public:
  // Unusable options (a CA that is not PEM, a TLS host name missing) leave the object without a
  // connection; creation_error() says why. Emscripten's exceptions are off, hence no throw.
  explicit JsClientConnection(val options) {
    auto connection = client::ClientConnection::create(connection_options(options));
    if (connection) {
      connection_ = std::move(*connection);
    } else {
      creation_error_ = connection.error();
      // A plain connection keeps every method callable; the caller must not use it.
      connection_ = std::move(*client::ClientConnection::create({}));
    }
  }
  val creation_error() const {
    return creation_error_ ? to_js(*creation_error_) : val::undefined();
  }

  // Staging area for server bytes: JS copies a chunk to HEAPU8 at this address, then calls
  // receive(length). Cheaper than passing a Uint8Array through Embind (byte-by-byte copy).
  std::uintptr_t input_buffer(std::size_t length) {
    if (input_.size() < length) input_.resize(length);
    return reinterpret_cast<std::uintptr_t>(input_.data());
  }
  void receive(std::size_t length) {
    connection_->receive(std::span(input_.data(), std::min(length, input_.size())));
  }
  void receive_eof() { connection_->receive_eof(); }

  // spec: { command: 'RETR', number?, lines?, arg? }
  val submit(val spec) {
    auto command = build(spec);
    if (!command) return result_to_js(command.error());
    return result_to_js(connection_->session().submit(std::move(*command)));
  }
  val submit_apop(std::string name, std::string secret) {
    return result_to_js(connection_->session().submit_apop(name, secret));
  }
  bool cancel(std::uint32_t id) { return connection_->session().cancel(id); }

  // spec: { havePassword, haveToken, haveGssapi, allowInsecure, only: [], forbid: [] }
  //   -> { method: 'sasl'|'apop'|'user', mechanism } or { error }
  val plan_login(val spec) const {
    const auto& session = connection_->session();
    auth::LoginSituation situation;
    situation.capabilities = session.capabilities() ? &*session.capabilities() : nullptr;
    situation.apop_offered = session.apop_timestamp().has_value();
    situation.secure = connection_->secure();
    situation.channel_binding = channel_binding(spec).available();
    situation.allow_insecure =
        !spec["allowInsecure"].isUndefined() && spec["allowInsecure"].as<bool>();
    situation.have_password =
        !spec["havePassword"].isUndefined() && spec["havePassword"].as<bool>();
    situation.have_token = !spec["haveToken"].isUndefined() && spec["haveToken"].as<bool>();
    situation.have_gssapi = !spec["haveGssapi"].isUndefined() && spec["haveGssapi"].as<bool>();
    situation.only = string_list(spec["only"]);
    situation.forbid = string_list(spec["forbid"]);
    auto plan = auth::plan_login(situation);
    val out = val::object();
    if (!plan) {
      out.set("error", to_js(plan.error()));
      return out;
    }
    const char* method = plan->method == auth::LoginMethod::kSasl   ? "sasl"
                         : plan->method == auth::LoginMethod::kApop ? "apop"
                                                                    : "user";
    out.set("method", val(method));
    out.set("mechanism", val(plan->mechanism));
    return out;
  }

  // AUTH with the named mechanism. credentials: { user, password, accessToken, authzid, host, port,
  // channelBinding }
  val submit_auth(std::string mechanism, val credentials) {
    auth::Credentials c;
    c.user = string_or_empty(credentials["user"]);
    c.password = string_or_empty(credentials["password"]);
    c.access_token = string_or_empty(credentials["accessToken"]);
    c.authzid = string_or_empty(credentials["authzid"]);
    auth::MechanismContext context;
    context.host = string_or_empty(credentials["host"]);
    if (!credentials["port"].isUndefined()) context.port = credentials["port"].as<std::uint16_t>();
    // The platform's NFKC and randomness; SASLprep and the nonce are the mechanism's business.
    context.normalize = js_nfkc;
    context.random = platform_random;
    context.channel_binding = channel_binding(credentials);
    const auto& caps = connection_->session().capabilities();
    context.server_offers_plus = caps && auth::offers_scram_plus(caps->sasl);
    auto built = auth::make_mechanism(mechanism, c, context);
    if (!built) return result_to_js(built.error());
    return result_to_js(connection_->session().submit_auth(std::move(*built)));
  }

  // The host's answer to a 'saslHostCall' event (GSSAPI): { output: Uint8Array, complete } from
  // the platform's GSS-API library, or { error: message } when the call failed.
  val sasl_host_reply(protocol::CommandId id, val reply) {
    Result<auth::HostReply> host_reply = auth::HostReply{};
    if (!reply["error"].isUndefined()) {
      host_reply = make_error(ErrorCode::kAuthFailed, reply["error"].as<std::string>());
    } else {
      const auto bytes = emscripten::convertJSArrayToNumberVector<std::uint8_t>(reply["output"]);
      host_reply->output.assign(bytes.begin(), bytes.end());
      host_reply->complete = reply["complete"].as<bool>();
    }
    auto failed = connection_->session().sasl_host_reply(id, std::move(host_reply));
    return failed ? to_js(*failed) : val::undefined();
  }

  // The bytes to send, copied out and marked as sent.
  val take_output() {
    const std::string_view out = connection_->output();
    val bytes = bytes_copy(out);
    connection_->consume_output(out.size());
    return bytes;
  }

  // Body events point into the last receive()'s input: the caller's own bytes on a plain link,
  // which it slices without a copy; with TLS in the core, the plaintext in WASM memory, whose
  // address `inputPointer` gives (one copy out, the only one).
  val next_event() {
    auto event = connection_->next_event();
    if (!event) return val::null();
    val out = to_js(*event);
    if (std::holds_alternative<protocol::BodyChunkEvent>(*event) &&
        connection_->session_input_decrypted()) {
      out.set("inputPointer",
              reinterpret_cast<std::uintptr_t>(connection_->session_input().data()));
    }
    return out;
  }

  // For TLS run outside the core (Node's tls): the caller finished the handshake.
  void tls_started() { connection_->tls_started(); }
  bool want_read() const { return connection_->want_read(); }
  bool want_write() { return connection_->want_write(); }
  std::string startup_step() const { return connection_->startup_step(); }
  bool authenticated() const { return connection_->session().authenticated(); }
  const protocol::ClientSession& session() const { return connection_->session(); }
  // { text, apopTimestamp } once the greeting arrived, else null.
  val greeting() const {
    const auto& session = connection_->session();
    if (session.state() == protocol::SessionState::kGreeting) return val::null();
    val out = val::object();
    out.set("text", text(session.greeting_text()));
    out.set("apopTimestamp",
            session.apop_timestamp() ? text(*session.apop_timestamp()) : val::undefined());
    return out;
  }
  // The messages LIST (and UIDL) reported, joined, without those marked deleted since, packed
  // (packed_listing): a uid of "" means the server gave none.
  val listing() const {
    std::vector<std::uint32_t> numbers;
    std::vector<double> sizes;
    std::string uids;
    for (const auto& m : connection_->session().maildrop().messages()) {
      if (m.deleted) continue;
      if (!numbers.empty()) uids += '\n';
      numbers.push_back(m.number);
      sizes.push_back(static_cast<double>(m.size));
      uids += m.uid;
    }
    return packed_listing(numbers, &sizes, &uids);
  }
  bool secure() const { return connection_->secure(); }
  void close_tls() { connection_->close_tls(); }
  void set_transcript(bool enabled) { connection_->session().set_transcript(enabled); }
  std::string state() const { return protocol::session_state_name(connection_->session().state()); }
  val capabilities() const {
    return connection_->session().capabilities() ? to_js(*connection_->session().capabilities())
                                                 : val::undefined();
  }

 private:
  // The channel binding of this connection: the core's TLS engine computes it; with Node's TLS,
  // spec.channelBinding carries what Node knows: { type: 'tls-exporter', data } or
  // { type: 'tls-server-end-point', certificate } (the server certificate, DER).
  auth::ChannelBinding channel_binding(const val& spec) const {
    if (!connection_->secure()) return {};
    const val given = spec["channelBinding"];
    if (given.isUndefined() || given.isNull()) return connection_->channel_binding();
    const std::string type = given["type"].as<std::string>();
    if (type == "tls-server-end-point" && !given["certificate"].isUndefined()) {
      auto binding = tls::server_end_point_binding(byte_string(given["certificate"]));
      return binding ? std::move(*binding) : auth::ChannelBinding{};
    }
    if (type == "tls-exporter" && !given["data"].isUndefined()) {
      return {type, byte_string(given["data"])};
    }
    return {};
  }

  Result<Command> build(const val& spec) {
    const std::string name = spec["command"].as<std::string>();
    const auto arg = [&](const char* key) {
      const val v = spec[key];
      return v.isUndefined() || v.isNull() ? std::string() : v.as<std::string>();
    };
    const protocol::Limits limits;  // the factories' argument limits are RFC 2449's
    // 0 stands for "no number" (whole listing) in LIST and UIDL only; elsewhere it is rejected.
    const auto number = integer_arg(spec, "number", 1, 0);
    if (!number) return number.error();
    const auto lines = integer_arg(spec, "lines", 0, 0);
    if (!lines) return lines.error();
    // APOP and AUTH need the greeting or a mechanism: submitApop and submitAuth build them.
    const auto kind = protocol::command_kind_from_keyword(name);
    if (kind == protocol::CommandKind::kApop || kind == protocol::CommandKind::kAuth) {
      return make_error(ErrorCode::kInvalidArgument, name + " is sent through its own call");
    }
    const std::string text = arg("arg");
    return Command::from_keyword(
        name, {.text = text, .second = {}, .number = *number, .lines = *lines}, limits);
  }

  std::unique_ptr<client::ClientConnection> connection_;
  std::optional<Error> creation_error_;
  std::vector<std::uint8_t> input_;
};

const protocol::ClientSession* session_of(const val& connection) {
  if (!connection.instanceof (val::module_property("ClientConnection"))) return nullptr;
  return &connection.as<const JsClientConnection&>().session();
}

// Bytes currently allocated on the WASM heap: tests use it to prove that sessions leak nothing.
double heap_in_use() {
  return static_cast<double>(mallinfo().uordblks);
}

EMSCRIPTEN_BINDINGS(pop3_core) {
  emscripten::function("heapInUse", &heap_in_use);
  emscripten::class_<JsClientConnection>("ClientConnection")
      .constructor<val>()
      .function("creationError", &JsClientConnection::creation_error)
      .function("inputBuffer", &JsClientConnection::input_buffer)
      .function("receive", &JsClientConnection::receive)
      .function("receiveEof", &JsClientConnection::receive_eof)
      .function("submit", &JsClientConnection::submit)
      .function("submitApop", &JsClientConnection::submit_apop)
      .function("cancel", &JsClientConnection::cancel)
      .function("planLogin", &JsClientConnection::plan_login)
      .function("submitAuth", &JsClientConnection::submit_auth)
      .function("saslHostReply", &JsClientConnection::sasl_host_reply)
      .function("takeOutput", &JsClientConnection::take_output)
      .function("nextEvent", &JsClientConnection::next_event)
      .function("tlsStarted", &JsClientConnection::tls_started)
      .function("setTranscript", &JsClientConnection::set_transcript)
      .function("secure", &JsClientConnection::secure)
      .function("closeTls", &JsClientConnection::close_tls)
      .function("state", &JsClientConnection::state)
      .function("capabilities", &JsClientConnection::capabilities)
      .function("wantRead", &JsClientConnection::want_read)
      .function("wantWrite", &JsClientConnection::want_write)
      .function("startupStep", &JsClientConnection::startup_step)
      .function("authenticated", &JsClientConnection::authenticated)
      .function("greeting", &JsClientConnection::greeting)
      .function("listing", &JsClientConnection::listing);
}

}  // namespace pop3::bindings
