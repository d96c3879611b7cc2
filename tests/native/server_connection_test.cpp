// Our ClientConnection against our ServerConnection, both with TLS in the core: POP3S and STLS
// with the test PKI, every login method, bytes cut into chunks; a client that never reads.
#include <gtest/gtest.h>

#include "pop3/auth/mechanisms.hpp"
#include "pop3/client/connection.hpp"
#include "server_host.hpp"
#include "test_pki.hpp"

using namespace pop3;
using namespace pop3::protocol;
using pop3::testing::password_account;
using pop3::testing::pki_pem;
using pop3::testing::TestHost;

namespace {

std::span<const std::uint8_t> bytes(std::string_view s) {
  return std::span(reinterpret_cast<const std::uint8_t*>(s.data()), s.size());
}

std::unique_ptr<client::ClientConnection> make_client(
    client::TlsMode mode, tls::TlsVersion max_version = tls::TlsVersion::kTls13) {
  client::ConnectionOptions o;
  o.tls_mode = mode;
  o.tls.max_version = max_version;
  o.tls.server_name = "localhost";
  o.tls.ca_pems = {pki_pem("ca.pem")};
  o.tls.use_default_roots = false;
  auto c = client::ClientConnection::create(o);
  EXPECT_TRUE(c.ok());
  return std::move(*c);
}

std::unique_ptr<TestHost> make_server(server::ServerTlsMode mode,
                                      bool cleartext_without_tls = false) {
  server::ServerConnectionOptions o;
  o.session = pop3::testing::test_server_options();
  o.session.allow_cleartext_without_tls = cleartext_without_tls;
  o.tls_mode = mode;
  o.tls.certificate_chain_pem = pki_pem("server.pem");
  o.tls.private_key_pem = pki_pem("server.key");
  auto c = server::ServerConnection::create(o);
  EXPECT_TRUE(c.ok()) << (c.ok() ? "" : c.error().message);
  auto host = std::make_unique<TestHost>(std::move(*c));
  host->accounts["alice"] = password_account("secret");
  host->messages = {{"u1", "Subject: one\r\n\r\n.dot\r\nbody\r\n"},
                    {"u2", std::string(100000, 'z') + "\r\n"}};
  return host;
}

struct Seen {
  std::vector<std::string> kinds;
  std::vector<ReplyEvent> replies;
  std::map<CommandId, std::string> bodies;
  std::vector<std::string> errors;
  std::string tls;
};

void drain(client::ClientConnection& c, Seen& seen) {
  while (auto e = c.next_event()) {
    if (auto* r = std::get_if<ReplyEvent>(&*e)) {
      seen.kinds.push_back(std::string("reply:") + command_keyword(r->kind));
      seen.replies.push_back(*r);
    } else if (auto* b = std::get_if<BodyChunkEvent>(&*e)) {
      seen.bodies[b->id] += b->bytes(c.session_input());
    } else if (auto* t = std::get_if<TlsEstablishedEvent>(&*e)) {
      seen.kinds.push_back("tls");
      seen.tls = t->protocol;
    } else if (std::holds_alternative<GreetingEvent>(*e)) {
      seen.kinds.push_back("greeting");
    } else if (auto* s = std::get_if<SessionErrorEvent>(&*e)) {
      seen.errors.push_back(error_code_name(s->error.code) + std::string(": ") + s->error.message);
    }
  }
}

// Moves bytes both ways `chunk` at a time (0: whole) until nothing moves.
void pump(client::ClientConnection& c, TestHost& host, Seen& seen, std::size_t chunk = 0) {
  auto& server = *host.connection;
  for (int round = 0; round < 100000; ++round) {
    host.serve();
    bool moved = false;
    const std::string up(c.output());
    std::size_t taken = 0;
    while (taken < up.size()) {
      const std::size_t n = chunk == 0 ? up.size() - taken : std::min(chunk, up.size() - taken);
      const std::size_t used = server.receive(std::string_view(up).substr(taken, n));
      host.serve();
      if (used == 0) break;
      taken += used;
    }
    c.consume_output(taken);
    moved |= taken > 0;
    const std::string down(server.output());
    for (std::size_t at = 0; at < down.size();) {
      const std::size_t n = chunk == 0 ? down.size() - at : std::min(chunk, down.size() - at);
      c.receive(bytes(std::string_view(down).substr(at, n)));
      drain(c, seen);  // body spans point into this input only
      at += n;
    }
    server.consume_output(down.size());
    moved |= !down.empty();
    drain(c, seen);
    if (!moved) return;
  }
  ADD_FAILURE() << "the wire never went quiet";
}

std::unique_ptr<auth::SaslMechanism> mechanism(const std::string& name) {
  auth::Credentials credentials;
  credentials.user = "alice";
  credentials.password = "secret";
  auth::MechanismContext context;
  context.client_nonce = "fyko+d2lbbFgONRv9qkxdawL";
  return std::move(*auth::make_mechanism(name, credentials, context));
}

// A SCRAM mechanism as the client's login would build it on `c`: with the connection's binding
// (altered when `tamper`), and knowing whether the server offered -PLUS.
std::unique_ptr<auth::SaslMechanism> scram_on(const client::ClientConnection& c,
                                              const std::string& name, bool tamper = false) {
  auth::Credentials credentials;
  credentials.user = "alice";
  credentials.password = "secret";
  auth::MechanismContext context;
  context.client_nonce = "fyko+d2lbbFgONRv9qkxdawL";
  context.channel_binding = c.channel_binding();
  if (tamper && !context.channel_binding.data.empty()) context.channel_binding.data[0] ^= 1;
  context.server_offers_plus = auth::offers_scram_plus(c.session().capabilities()->sasl);
  auto built = auth::make_mechanism(name, credentials, context);
  EXPECT_TRUE(built.ok()) << (built.ok() ? "" : built.error().message);
  return built.ok() ? std::move(*built) : nullptr;
}

}  // namespace

TEST(ServerConnection, ScramPlusBindsToTheTlsConnection) {
  struct Case {
    tls::TlsVersion version;
    const char* protocol;
    const char* binding;
  };
  for (const Case k : {Case{tls::TlsVersion::kTls13, "TLSv1.3", "tls-exporter"},
                       Case{tls::TlsVersion::kTls12, "TLSv1.2", "tls-server-end-point"}}) {
    for (const std::string name :
         {"SCRAM-SHA-512-PLUS", "SCRAM-SHA-256-PLUS", "SCRAM-SHA-1-PLUS", "SCRAM-SHA-512"}) {
      SCOPED_TRACE(name + " over " + k.protocol);
      auto host = make_server(server::ServerTlsMode::kImplicit);
      auto c = make_client(client::TlsMode::kImplicit, k.version);
      Seen seen;
      ASSERT_TRUE(c->session().submit(Command::capa()).ok());
      pump(*c, *host, seen);
      EXPECT_EQ(seen.tls, k.protocol);
      EXPECT_EQ(c->channel_binding().type, k.binding);
      EXPECT_EQ(c->session().capabilities()->sasl.at(0), "SCRAM-SHA-512-PLUS");
      ASSERT_TRUE(c->session().submit_auth(scram_on(*c, name)).ok());
      pump(*c, *host, seen);
      EXPECT_EQ(c->session().state(), SessionState::kTransaction)
          << (seen.errors.empty() ? seen.replies.back().status.text : seen.errors[0]);
      EXPECT_EQ(host->logins.at(0).mechanism, name);
    }
  }
}

TEST(ServerConnection, ScramPlusWithAnotherConnectionsBindingIsRefused) {
  for (const auto version : {tls::TlsVersion::kTls13, tls::TlsVersion::kTls12}) {
    auto host = make_server(server::ServerTlsMode::kImplicit);
    auto c = make_client(client::TlsMode::kImplicit, version);
    Seen seen;
    ASSERT_TRUE(c->session().submit(Command::capa()).ok());
    pump(*c, *host, seen);
    ASSERT_TRUE(c->session().submit_auth(scram_on(*c, "SCRAM-SHA-256-PLUS", true)).ok());
    pump(*c, *host, seen);
    EXPECT_EQ(c->session().state(), SessionState::kAuthorization);
    const auto& reply = seen.replies.back();
    ASSERT_TRUE(reply.error);
    EXPECT_EQ(reply.status.code, "AUTH");
    EXPECT_NE(reply.status.text.find("channel binding mismatch"), std::string::npos)
        << reply.status.text;
  }
}

TEST(ServerConnection, ScramPlusIsNeitherOfferedNorAcceptedInClear) {
  auto host = make_server(server::ServerTlsMode::kStartTls);
  auto c = make_client(client::TlsMode::kStartTls);
  Seen seen;
  ASSERT_TRUE(c->session().submit(Command::capa()).ok());
  pump(*c, *host, seen);
  const auto& clear = c->session().capabilities()->sasl;
  EXPECT_EQ(clear.at(0), "SCRAM-SHA-512");
  for (const auto& m : clear) EXPECT_FALSE(m.ends_with("-PLUS")) << m;
  EXPECT_FALSE(c->channel_binding().available());
  // A -PLUS attempt in clear (made up by hand: the factory refuses it) is refused by name.
  auth::Credentials credentials;
  credentials.user = "alice";
  credentials.password = "secret";
  auto forced = auth::make_scram(auth::ScramHash::kSha256, credentials, "fyko+d2lbbFgONRv9qkxdawL",
                                 {'p', {"tls-exporter", std::string(32, 'x')}});
  ASSERT_TRUE(c->session().submit_auth(std::move(forced)).ok());
  pump(*c, *host, seen);
  EXPECT_EQ(seen.replies.back().status.text, "Unsupported authentication mechanism");
  ASSERT_TRUE(c->session().submit(Command::stls()).ok());
  pump(*c, *host, seen);
  ASSERT_TRUE(c->session().submit(Command::capa()).ok());
  pump(*c, *host, seen);
  EXPECT_EQ(c->session().capabilities()->sasl.at(0), "SCRAM-SHA-512-PLUS");
  ASSERT_TRUE(c->session().submit_auth(scram_on(*c, "SCRAM-SHA-512-PLUS")).ok());
  pump(*c, *host, seen);
  EXPECT_EQ(c->session().state(), SessionState::kTransaction);
}

TEST(ServerConnection, ServesPop3sToOurClient) {
  for (std::size_t chunk : {0, 7, 100}) {
    for (const std::string method :
         {"USER", "APOP", "PLAIN", "LOGIN", "CRAM-MD5", "SCRAM-SHA-1", "SCRAM-SHA-256"}) {
      SCOPED_TRACE(method + " chunk " + std::to_string(chunk));
      auto host = make_server(server::ServerTlsMode::kImplicit);
      auto c = make_client(client::TlsMode::kImplicit);
      Seen seen;
      pump(*c, *host, seen, chunk);
      ASSERT_EQ(seen.kinds, (std::vector<std::string>{"tls", "greeting"}));
      EXPECT_EQ(seen.tls, "TLSv1.3");
      EXPECT_TRUE(host->connection->secure());
      auto& s = c->session();
      ASSERT_TRUE(s.submit(Command::capa()).ok());
      if (method == "USER") {
        ASSERT_TRUE(s.submit(*Command::user("alice")).ok());
        ASSERT_TRUE(s.submit(*Command::pass("secret")).ok());
      } else if (method == "APOP") {
        ASSERT_TRUE(s.submit_apop("alice", "secret").ok());
      } else {
        ASSERT_TRUE(s.submit_auth(mechanism(method)).ok());
      }
      pump(*c, *host, seen, chunk);
      ASSERT_EQ(s.state(), SessionState::kTransaction)
          << (seen.errors.empty() ? "" : seen.errors[0]);
      EXPECT_TRUE(host->logins.at(0).secure);
      const auto retr = s.submit(*Command::retr(1));
      const auto big = s.submit(*Command::retr(2));
      ASSERT_TRUE(s.submit(*Command::dele(1)).ok());
      ASSERT_TRUE(s.submit(Command::quit()).ok());
      pump(*c, *host, seen, chunk);
      EXPECT_TRUE(seen.errors.empty()) << seen.errors[0];
      EXPECT_EQ(seen.bodies[*retr], "Subject: one\r\n\r\n.dot\r\nbody\r\n");
      EXPECT_EQ(seen.bodies[*big].size(), 100002u);
      EXPECT_EQ(s.state(), SessionState::kClosed);
      EXPECT_TRUE(host->connection->finished());
      EXPECT_EQ(host->messages.size(), 1u);
    }
  }
}

TEST(ServerConnection, UpgradesWithStlsAndAnnouncesCapabilitiesAgain) {
  for (std::size_t chunk : {0, 5}) {
    auto host = make_server(server::ServerTlsMode::kStartTls);
    auto c = make_client(client::TlsMode::kStartTls);
    Seen seen;
    auto& s = c->session();
    ASSERT_TRUE(s.submit(Command::capa()).ok());
    pump(*c, *host, seen, chunk);
    const auto before = *s.capabilities();
    EXPECT_TRUE(before.stls);
    EXPECT_FALSE(before.user);  // no clear-text passwords on a clear connection
    EXPECT_FALSE(before.has_sasl("PLAIN"));
    ASSERT_TRUE(s.submit(Command::stls()).ok());
    pump(*c, *host, seen, chunk);
    ASSERT_TRUE(s.submit(Command::capa()).ok());
    ASSERT_TRUE(s.submit(*Command::user("alice")).ok());
    ASSERT_TRUE(s.submit(*Command::pass("secret")).ok());
    ASSERT_TRUE(s.submit(Command::stat()).ok());
    pump(*c, *host, seen, chunk);
    EXPECT_TRUE(seen.errors.empty()) << seen.errors[0];
    EXPECT_TRUE(c->secure());
    EXPECT_EQ(seen.tls, "TLSv1.3");
    const auto after = *s.capabilities();
    EXPECT_FALSE(after.stls);
    EXPECT_TRUE(after.user);
    EXPECT_TRUE(after.has_sasl("PLAIN"));
    EXPECT_EQ(s.state(), SessionState::kTransaction);
    EXPECT_EQ(std::get<DropListing>(seen.replies.back().data).count, 2u);
    EXPECT_EQ(host->tls_requests, 0);  // handled inside the connection
  }
}

TEST(ServerConnection, PlainConnectionOffersNoStls) {
  auto host = make_server(server::ServerTlsMode::kNone, true);
  auto c = make_client(client::TlsMode::kNone);
  Seen seen;
  ASSERT_TRUE(c->session().submit(Command::capa()).ok());
  ASSERT_TRUE(c->session().submit(Command::stls()).ok());
  pump(*c, *host, seen);
  EXPECT_FALSE(c->session().capabilities()->stls);
  ASSERT_EQ(seen.replies.size(), 2u);
  EXPECT_EQ(seen.replies[1].error->code, ErrorCode::kServerError);
}

TEST(ServerConnection, RefusesAnUnusableIdentity) {
  server::ServerConnectionOptions o;
  o.session = pop3::testing::test_server_options();
  o.tls_mode = server::ServerTlsMode::kImplicit;
  o.tls.certificate_chain_pem = pki_pem("server.pem");
  o.tls.private_key_pem = "not a key";
  auto c = server::ServerConnection::create(o);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().code, ErrorCode::kInvalidArgument);
  o.tls.private_key_pem = pki_pem("rogue.key");  // another certificate's key
  EXPECT_FALSE(server::ServerConnection::create(o).ok());
}

TEST(ServerConnection, BoundsCiphertextForAClientThatNeverReads) {
  auto host = make_server(server::ServerTlsMode::kImplicit);
  host->messages.push_back({"big", std::string(4 << 20, 'x')});
  auto c = make_client(client::TlsMode::kImplicit);
  Seen seen;
  pump(*c, *host, seen);
  ASSERT_TRUE(c->session().submit(*Command::user("alice")).ok());
  ASSERT_TRUE(c->session().submit(*Command::pass("secret")).ok());
  pump(*c, *host, seen);
  ASSERT_TRUE(c->session().submit(*Command::retr(3)).ok());
  const std::string up(c->output());
  c->consume_output(up.size());
  host->connection->receive(up);
  host->serve();
  // The server's ciphertext is never read: it stays near the output limit, not 4 MiB.
  for (int i = 0; i < 50; ++i) {
    host->serve();
    EXPECT_LE(host->connection->output().size(), 2u * 64 * 1024 + 4096);
  }
  EXPECT_LT(host->data_requests.size(), 200u);
}

TEST(ServerConnection, ReportsAFailedHandshakeAsAnAbort) {
  auto host = make_server(server::ServerTlsMode::kImplicit);
  host->connection->receive("USER alice\r\n");  // clear text where TLS was expected
  host->serve();
  ASSERT_EQ(host->closes.size(), 1u);
  EXPECT_EQ(host->closes[0].reason, server::CloseReason::kAborted);
}

TEST(ServerConnection, AnswersStlsInClearAndDropsWhatWasInjectedBehindIt) {
  auto host = make_server(server::ServerTlsMode::kStartTls, true);
  auto& server = *host->connection;
  std::string greeting(server.output());
  server.consume_output(greeting.size());
  EXPECT_EQ(server.receive("STLS\r\nUSER alice\r\nPASS secret\r\n"), 31u);
  host->serve();
  EXPECT_EQ(std::string(server.output()), "+OK Begin TLS negotiation\r\n");
  server.consume_output(server.output().size());
  tls::TlsOptions options;
  options.server_name = "localhost";
  options.ca_pems = {pki_pem("ca.pem")};
  auto tls = std::move(*tls::TlsClient::create(options));
  std::string plaintext;
  for (int i = 0; i < 10; ++i) {
    const std::string up(tls->output());
    tls->consume_output(up.size());
    server.receive(up);
    host->serve();
    const std::string down(server.output());
    server.consume_output(down.size());
    ASSERT_FALSE(tls->receive(bytes(down), plaintext));
  }
  ASSERT_TRUE(tls->handshake_complete());
  EXPECT_EQ(plaintext, "");  // nothing answered the injected lines
  EXPECT_TRUE(host->logins.empty());
  ASSERT_FALSE(tls->send("CAPA\r\n"));
  const std::string up(tls->output());
  tls->consume_output(up.size());
  server.receive(up);
  const std::string down(server.output());
  ASSERT_FALSE(tls->receive(bytes(down), plaintext));
  EXPECT_TRUE(plaintext.starts_with("+OK Capability list follows\r\n"));
  EXPECT_EQ(plaintext.find("STLS"), std::string::npos);
}

TEST(ServerConnection, OurClientEndsTlsWithCloseNotifyAfterQuit) {
  auto host = make_server(server::ServerTlsMode::kImplicit);
  auto c = make_client(client::TlsMode::kImplicit);
  Seen seen;
  pump(*c, *host, seen);
  ASSERT_TRUE(c->session().submit(Command::quit()).ok());
  pump(*c, *host, seen);
  ASSERT_EQ(c->session().state(), SessionState::kClosed);
  EXPECT_TRUE(c->output().empty());
  c->close_tls();
  const std::string alert(c->output());
  // One TLS record (an encrypted alert under TLS 1.3): header of 5 octets and a payload.
  ASSERT_GE(alert.size(), 5u + 17u);
  EXPECT_EQ(static_cast<unsigned char>(alert[0]), 0x17);
  EXPECT_EQ(alert.size(), 5u + ((static_cast<unsigned char>(alert[3]) << 8) |
                                static_cast<unsigned char>(alert[4])));
  c->consume_output(alert.size());
  c->close_tls();  // once only
  EXPECT_TRUE(c->output().empty());
  EXPECT_TRUE(seen.errors.empty()) << seen.errors[0];
}

TEST(ServerConnection, ClosingTlsOnAPlainConnectionSendsNothing) {
  auto host = make_server(server::ServerTlsMode::kNone);
  auto c = make_client(client::TlsMode::kNone);
  Seen seen;
  pump(*c, *host, seen);
  c->close_tls();
  EXPECT_TRUE(c->output().empty());
}
