// The client's TLS engine in a build without a TLS library: the lite protocol module
// (docs/architecture.md, "Module flavours"), used when TLS runs outside the core (Node's TLS,
// a TLS-terminating bridge) or not at all. Creating an engine fails with a clear error; the JS
// loader picks the full module whenever TLS must run in WASM, so users meet this only when they
// force the lite module on a connection that needs it.
#include "pop3/tls/tls_client.hpp"

namespace pop3::tls {
namespace {

Error unavailable() {
  return make_error(ErrorCode::kInvalidArgument,
                    "this protocol module has no TLS engine (the lite flavour); TLS in WebAssembly "
                    "needs the full module, pop3-core.wasm");
}

}  // namespace

struct TlsClient::Impl {};

Result<std::unique_ptr<TlsClient>> TlsClient::create(const TlsOptions&) {
  return unavailable();
}
TlsClient::~TlsClient() = default;
std::optional<Error> TlsClient::receive(std::span<const std::uint8_t>, std::string&) {
  return unavailable();
}
std::optional<Error> TlsClient::send(std::string_view) {
  return unavailable();
}
void TlsClient::close() {}
std::string_view TlsClient::output() {
  return {};
}
void TlsClient::consume_output(std::size_t) {}
std::string TlsClient::protocol() const {
  return {};
}
std::string TlsClient::cipher() const {
  return {};
}
std::vector<auth::ChannelBinding> TlsClient::channel_bindings() const {
  return {};
}

}  // namespace pop3::tls
