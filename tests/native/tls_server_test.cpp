// The TLS server engine against the TLS client engine: both OpenSSL on memory BIOs.
#include "pop3/tls/tls_server.hpp"

#include <gtest/gtest.h>

#include "pop3/tls/tls_client.hpp"
#include "test_pki.hpp"

using namespace pop3;
using namespace pop3::tls;
using pop3::testing::pki_pem;

namespace {

std::span<const std::uint8_t> bytes(std::string_view s) {
  return std::span(reinterpret_cast<const std::uint8_t*>(s.data()), s.size());
}

TlsServerOptions identity() {
  TlsServerOptions o;
  o.certificate_chain_pem = pki_pem("server.pem");
  o.private_key_pem = pki_pem("server.key");
  return o;
}

struct Ends {
  std::string at_client;
  std::string at_server;
  std::optional<Error> client_error;
  std::optional<Error> server_error;
};

void pump(TlsClient& client, TlsServer& server, Ends& ends) {
  for (int i = 0; i < 20; ++i) {
    const std::string up(client.output());
    client.consume_output(up.size());
    if (!ends.server_error) ends.server_error = server.receive(bytes(up), ends.at_server);
    const std::string down(server.output());
    server.consume_output(down.size());
    if (!ends.client_error) ends.client_error = client.receive(bytes(down), ends.at_client);
    if (up.empty() && down.empty()) return;
  }
}

}  // namespace

TEST(TlsServer, ServesOurClientWithTls13And12) {
  for (auto version : {TlsVersion::kTls13, TlsVersion::kTls12}) {
    auto options = identity();
    options.max_version = version;
    auto server = std::move(*TlsServer::create(options));
    TlsOptions client_options;
    client_options.server_name = "localhost";
    client_options.ca_pems = {pki_pem("ca.pem")};
    auto client = std::move(*TlsClient::create(client_options));
    // Data written before the handshake waits for it on both sides.
    ASSERT_FALSE(server->send("+OK hello\r\n"));
    ASSERT_FALSE(client->send("CAPA\r\n"));
    Ends ends;
    pump(*client, *server, ends);
    EXPECT_FALSE(ends.client_error);
    EXPECT_FALSE(ends.server_error);
    EXPECT_TRUE(server->handshake_complete());
    EXPECT_EQ(server->protocol(), version == TlsVersion::kTls13 ? "TLSv1.3" : "TLSv1.2");
    EXPECT_EQ(server->cipher(), client->cipher());
    EXPECT_EQ(server->server_name(), "localhost");
    EXPECT_EQ(ends.at_client, "+OK hello\r\n");
    EXPECT_EQ(ends.at_server, "CAPA\r\n");
    client->close();
    pump(*client, *server, ends);
    EXPECT_TRUE(server->peer_closed());
  }
}

TEST(TlsServer, IsRefusedByAClientThatDoesNotTrustIt) {
  auto server = std::move(*TlsServer::create(identity()));
  TlsOptions client_options;
  client_options.server_name = "mail.example.com";
  client_options.ca_pems = {pki_pem("ca.pem")};
  auto client = std::move(*TlsClient::create(client_options));
  Ends ends;
  pump(*client, *server, ends);
  ASSERT_TRUE(ends.client_error);
  EXPECT_EQ(ends.client_error->code, ErrorCode::kTlsCertNameMismatch);
  ASSERT_TRUE(ends.server_error);
  EXPECT_EQ(ends.server_error->code, ErrorCode::kTlsHandshakeFailed);
}

TEST(TlsServer, RejectsAnUnusableIdentity) {
  auto options = identity();
  options.certificate_chain_pem = "nothing";
  EXPECT_EQ(TlsServer::create(options).error().code, ErrorCode::kInvalidArgument);
  options = identity();
  options.private_key_pem = pki_pem("rogue.key");
  EXPECT_EQ(TlsServer::create(options).error().code, ErrorCode::kInvalidArgument);
}
