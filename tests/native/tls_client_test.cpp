#include "pop3/tls/tls_client.hpp"

#include <gtest/gtest.h>
#include <openssl/pem.h>

#include <fstream>
#include <iterator>

#include "memory_tls_server.hpp"
#include "pop3/tls/root_bundle.hpp"
#include "test_pki.hpp"

using namespace pop3;
using namespace pop3::tls;
using pop3::testing::MemoryTlsServer;
using pop3::testing::pki_file;
using pop3::testing::pki_pem;

namespace {

TlsOptions trusting_test_ca(std::string name = "localhost") {
  TlsOptions options;
  options.server_name = std::move(name);
  options.ca_pems = {pki_pem("ca.pem")};
  return options;
}

std::unique_ptr<TlsClient> make_client(const TlsOptions& options) {
  auto client = TlsClient::create(options);
  EXPECT_TRUE(client.ok()) << (client.ok() ? "" : client.error().message);
  return client.ok() ? std::move(*client) : nullptr;
}

}  // namespace

TEST(TlsClient, CompletesATls13HandshakeAndCarriesDataBothWays) {
  MemoryTlsServer server(pki_file("server.pem"), pki_file("server.key"));
  auto client = make_client(trusting_test_ca());
  ASSERT_TRUE(client);
  EXPECT_FALSE(client->output().empty());  // the ClientHello is ready at once
  ASSERT_FALSE(client->send("CAPA\r\n"));  // queued until the handshake completes
  std::string plaintext;
  ASSERT_FALSE(pump(*client, server, plaintext));
  EXPECT_TRUE(client->handshake_complete());
  EXPECT_EQ(client->protocol(), "TLSv1.3");
  EXPECT_EQ(client->cipher(), "TLS_CHACHA20_POLY1305_SHA256");  // our preference, server agrees
  EXPECT_EQ(server.received, "CAPA\r\n");
  const std::string reply = server.send("+OK\r\nSTLS\r\n.\r\n");
  ASSERT_FALSE(client->receive(
      std::span(reinterpret_cast<const std::uint8_t*>(reply.data()), reply.size()), plaintext));
  EXPECT_EQ(plaintext, "+OK\r\nSTLS\r\n.\r\n");
}

TEST(TlsClient, NegotiatesTls12WhenTheServerStopsThere) {
  MemoryTlsServer server(pki_file("server.pem"), pki_file("server.key"), TLS1_2_VERSION);
  auto client = make_client(trusting_test_ca());
  std::string plaintext;
  ASSERT_FALSE(pump(*client, server, plaintext));
  EXPECT_EQ(client->protocol(), "TLSv1.2");
  EXPECT_EQ(client->cipher(), "ECDHE-ECDSA-CHACHA20-POLY1305");
}

TEST(TlsClient, RefusesACertificateFromAnUntrustedIssuer) {
  MemoryTlsServer server(pki_file("rogue.pem"), pki_file("rogue.key"));
  auto client = make_client(trusting_test_ca());
  ASSERT_FALSE(client->send("PASS secret\r\n"));
  std::string plaintext;
  auto error = pump(*client, server, plaintext);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code, ErrorCode::kTlsCertUntrusted);
  EXPECT_NE(error->message.find("'localhost'"), std::string::npos) << error->message;
  EXPECT_NE(error->message.find("rogue CA"), std::string::npos) << error->message;
  EXPECT_EQ(server.received, "");  // the queued password never left
}

TEST(TlsClient, RefusesAnExpiredCertificate) {
  MemoryTlsServer server(pki_file("expired.pem"), pki_file("server.key"));
  auto client = make_client(trusting_test_ca());
  std::string plaintext;
  auto error = pump(*client, server, plaintext);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code, ErrorCode::kTlsCertExpired);
  EXPECT_NE(error->message.find("has expired: "), std::string::npos) << error->message;
  EXPECT_NE(error->message.find(" to Jan  1 00:00:00 2021 GMT, for DNS:localhost"),
            std::string::npos)
      << error->message;
}

TEST(TlsClient, RefusesACertificateForAnotherName) {
  MemoryTlsServer server(pki_file("server.pem"), pki_file("server.key"));
  auto client = make_client(trusting_test_ca("pop.wrong.example"));
  std::string plaintext;
  auto error = pump(*client, server, plaintext);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code, ErrorCode::kTlsCertNameMismatch);
  EXPECT_NE(error->message.find("'pop.wrong.example'"), std::string::npos) << error->message;
  EXPECT_NE(error->message.find("DNS:localhost"), std::string::npos) << error->message;
}

TEST(TlsClient, VerifiesIpAddressesAgainstIpSubjectAltNames) {
  MemoryTlsServer good(pki_file("server.pem"), pki_file("server.key"));
  auto client = make_client(trusting_test_ca("127.0.0.1"));
  std::string plaintext;
  EXPECT_FALSE(pump(*client, good, plaintext));
  MemoryTlsServer other(pki_file("server.pem"), pki_file("server.key"));
  auto wrong = make_client(trusting_test_ca("127.0.0.2"));
  auto error = pump(*wrong, other, plaintext);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code, ErrorCode::kTlsCertNameMismatch);
}

TEST(TlsClient, UsesTheCallersClockForValidity) {
  MemoryTlsServer server(pki_file("server.pem"), pki_file("server.key"));
  TlsOptions options = trusting_test_ca();
  options.verification_time = 4102444800;  // 2100-01-01: the 10-year certificate has expired
  auto client = make_client(options);
  std::string plaintext;
  auto error = pump(*client, server, plaintext);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code, ErrorCode::kTlsCertExpired);
}

TEST(TlsClient, AcceptsAMatchingPinAndRefusesOthersBeforeSendingData) {
  // The pin of the test CA's key: any certificate of the chain may match.
  std::string ca_pin;
  {
    MemoryTlsServer server(pki_file("server.pem"), pki_file("server.key"));
    TlsOptions options = trusting_test_ca();
    options.spki_sha256_pins = {"sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="};
    auto client = make_client(options);
    ASSERT_FALSE(client->send("PASS secret\r\n"));
    std::string plaintext;
    auto error = pump(*client, server, plaintext);
    ASSERT_TRUE(error);
    EXPECT_EQ(error->code, ErrorCode::kTlsCertPinMismatch);
    EXPECT_EQ(server.received, "");
    const auto at = error->message.find("sha256//");
    ASSERT_NE(at, std::string::npos);
    ca_pin = error->message.substr(at, error->message.find(')', at) - at);  // the server's key
  }
  MemoryTlsServer server(pki_file("server.pem"), pki_file("server.key"));
  TlsOptions options = trusting_test_ca();
  options.spki_sha256_pins = {ca_pin};
  auto client = make_client(options);
  ASSERT_FALSE(client->send("CAPA\r\n"));
  std::string plaintext;
  EXPECT_FALSE(pump(*client, server, plaintext));
  EXPECT_EQ(server.received, "CAPA\r\n");
}

TEST(TlsClient, EmbedsTheMozillaRootsAndDoesNotTrustTheTestCaByDefault) {
  EXPECT_GT(mozilla_root_count(), 100u);
  MemoryTlsServer server(pki_file("server.pem"), pki_file("server.key"));
  TlsOptions options;
  options.server_name = "localhost";
  auto client = make_client(options);
  std::string plaintext;
  auto error = pump(*client, server, plaintext);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code, ErrorCode::kTlsCertUntrusted);
}

TEST(TlsClient, RejectsUnusableOptions) {
  TlsOptions options;
  EXPECT_EQ(TlsClient::create(options).error().code, ErrorCode::kInvalidArgument);  // no name
  options.server_name = "localhost";
  options.ca_pems = {"not a certificate"};
  EXPECT_EQ(TlsClient::create(options).error().code, ErrorCode::kInvalidArgument);
}

// The embedded roots have their self-signatures dropped (scripts/generate-root-bundle.mjs);
// a root stripped the same way must still anchor a chain.
TEST(TlsClient, TrustsARootWhoseSelfSignatureWasDropped) {
  const std::string dir = pop3::testing::pki_dir() + "/stripped";
  const std::string command = "mkdir -p " + dir + " && cp " + pki_file("ca.pem") + " " + dir +
                              "/ca.crt && node " + POP3_SOURCE_DIR +
                              "/scripts/generate-root-bundle.mjs " + dir + " " + dir +
                              "/bundle.cpp --der " + dir + "/bundle.der >/dev/null";
  ASSERT_EQ(std::system(command.c_str()), 0);
  std::ifstream in(dir + "/bundle.der", std::ios::binary);
  const std::string der((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  X509* root = d2i_X509(nullptr, &p, static_cast<long>(der.size()));
  ASSERT_NE(root, nullptr);
  const ASN1_BIT_STRING* signature = nullptr;
  X509_get0_signature(&signature, nullptr, root);
  EXPECT_EQ(ASN1_STRING_length(signature), 0);  // really stripped
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(bio, root);
  char* data = nullptr;
  const long length = BIO_get_mem_data(bio, &data);
  const std::string pem(data, static_cast<std::size_t>(length));
  BIO_free(bio);
  X509_free(root);

  MemoryTlsServer server(pki_file("server.pem"), pki_file("server.key"));
  TlsOptions options;
  options.server_name = "localhost";
  options.use_default_roots = false;
  options.ca_pems = {pem};
  auto client = make_client(options);
  std::string plaintext;
  EXPECT_FALSE(pump(*client, server, plaintext));
  EXPECT_TRUE(client->handshake_complete());
}
