// The session stacked on the TLS engine: POP3S and STLS against a real OpenSSL server.
#include "pop3/client/connection.hpp"

#include <gtest/gtest.h>

#include "memory_tls_server.hpp"
#include "test_pki.hpp"

using namespace pop3;
using namespace pop3::client;
using namespace pop3::protocol;
using pop3::testing::MemoryTlsServer;
using pop3::testing::pki_file;
using pop3::testing::pki_pem;

namespace {

std::span<const std::uint8_t> bytes(std::string_view s) {
  return std::span(reinterpret_cast<const std::uint8_t*>(s.data()), s.size());
}

ConnectionOptions options(TlsMode mode) {
  ConnectionOptions o;
  o.tls_mode = mode;
  o.tls.server_name = "localhost";
  o.tls.ca_pems = {pki_pem("ca.pem")};
  return o;
}

std::string take(ClientConnection& c) {
  std::string out(c.output());
  c.consume_output(out.size());
  return out;
}

// Runs the connection against the server until both are quiet.
void pump(ClientConnection& c, MemoryTlsServer& server) {
  for (int i = 0; i < 20; ++i) {
    const std::string up = take(c);
    const std::string down = server.feed(up);
    if (up.empty() && down.empty()) return;
    c.receive(bytes(down));
  }
}

struct Seen {
  std::vector<std::string> kinds;
  std::vector<ReplyEvent> replies;
  std::string tls;
};

Seen drain(ClientConnection& c) {
  Seen seen;
  while (auto e = c.next_event()) {
    if (auto* r = std::get_if<ReplyEvent>(&*e)) {
      seen.kinds.push_back(std::string("reply:") + command_keyword(r->kind));
      seen.replies.push_back(*r);
    } else if (auto* t = std::get_if<TlsEstablishedEvent>(&*e)) {
      seen.kinds.push_back("tls");
      seen.tls = t->protocol;
    } else if (std::holds_alternative<GreetingEvent>(*e)) {
      seen.kinds.push_back("greeting");
    } else if (auto* s = std::get_if<SessionErrorEvent>(&*e)) {
      seen.kinds.push_back(std::string("error:") + error_code_name(s->error.code));
    }
  }
  return seen;
}

}  // namespace

TEST(ClientConnection, SpeaksPop3InsideImplicitTls) {
  MemoryTlsServer server(pki_file("server.pem"), pki_file("server.key"));
  auto c = std::move(*ClientConnection::create(options(TlsMode::kImplicit)));
  pump(*c, server);
  ASSERT_TRUE(server.handshake_done());
  c->receive(bytes(server.send("+OK POP3S ready\r\n")));
  EXPECT_EQ(drain(*c).kinds, (std::vector<std::string>{"tls", "greeting"}));
  EXPECT_TRUE(c->secure());
  ASSERT_TRUE(c->session().submit(Command::capa()).ok());
  pump(*c, server);
  EXPECT_EQ(server.received, "CAPA\r\n");
  c->receive(bytes(server.send("+OK\r\nUSER\r\nPIPELINING\r\n.\r\n")));
  const auto seen = drain(*c);
  ASSERT_EQ(seen.replies.size(), 1u);
  EXPECT_TRUE(std::get<Capabilities>(seen.replies[0].data).pipelining);
}

TEST(ClientConnection, UpgradesWithStlsAndAsksForCapabilitiesAgain) {
  MemoryTlsServer server(pki_file("server.pem"), pki_file("server.key"));
  auto c = std::move(*ClientConnection::create(options(TlsMode::kStartTls)));
  c->receive(bytes("+OK ready\r\n"));
  ASSERT_TRUE(c->session().submit(Command::capa()).ok());
  EXPECT_EQ(take(*c), "CAPA\r\n");
  c->receive(bytes("+OK\r\nSTLS\r\nUSER\r\n.\r\n"));
  ASSERT_TRUE(c->session().submit(Command::stls()).ok());
  EXPECT_EQ(take(*c), "STLS\r\n");
  c->receive(bytes("+OK Begin TLS negotiation\r\n"));
  EXPECT_FALSE(c->session().capabilities().has_value());  // forgotten (RFC 2595)
  pump(*c, server);
  EXPECT_TRUE(c->secure());
  ASSERT_TRUE(c->session().submit(Command::capa()).ok());
  ASSERT_TRUE(c->session().submit(*Command::user("alice")).ok());
  pump(*c, server);
  EXPECT_EQ(server.received, "CAPA\r\n");  // one at a time: no PIPELINING known yet
  c->receive(bytes(server.send("+OK\r\nUSER\r\n.\r\n")));
  pump(*c, server);
  EXPECT_EQ(server.received, "CAPA\r\nUSER alice\r\n");
  const auto seen = drain(*c);
  EXPECT_EQ(seen.tls, "TLSv1.3");
  EXPECT_EQ(seen.kinds, (std::vector<std::string>{"greeting", "reply:CAPA", "reply:STLS", "tls",
                                                  "reply:CAPA"}));
  EXPECT_FALSE(c->session().capabilities()->stls);
}

TEST(ClientConnection, RefusesPlaintextSmuggledAfterStls) {
  auto c = std::move(*ClientConnection::create(options(TlsMode::kStartTls)));
  c->receive(bytes("+OK ready\r\n"));
  ASSERT_TRUE(c->session().submit(Command::stls()).ok());
  take(*c);
  c->receive(bytes("+OK Begin TLS\r\n-ERR [AUTH] injected before the handshake\r\n"));
  const auto seen = drain(*c);
  ASSERT_FALSE(seen.kinds.empty());
  EXPECT_EQ(seen.kinds.back(), "error:UNEXPECTED_DATA");
}

TEST(ClientConnection, ReportsACertificateFailureAsASessionError) {
  MemoryTlsServer server(pki_file("expired.pem"), pki_file("server.key"));
  auto c = std::move(*ClientConnection::create(options(TlsMode::kImplicit)));
  ASSERT_TRUE(c->session().submit(Command::capa()).ok());
  pump(*c, server);
  const auto seen = drain(*c);
  EXPECT_EQ(seen.kinds, (std::vector<std::string>{"reply:CAPA", "error:TLS_CERT_EXPIRED"}));
  EXPECT_EQ(server.received, "");
}

TEST(ClientConnection, ReportsAConnectionClosedDuringTheHandshake) {
  auto c = std::move(*ClientConnection::create(options(TlsMode::kImplicit)));
  take(*c);
  c->receive_eof();
  EXPECT_EQ(drain(*c).kinds, (std::vector<std::string>{"error:TLS_HANDSHAKE_FAILED"}));
}

namespace {

// The session error's message, for the tests that read it.
std::string session_error(ClientConnection& c) {
  while (auto e = c.next_event()) {
    if (auto* s = std::get_if<SessionErrorEvent>(&*e)) {
      return std::string(error_code_name(s->error.code)) + ": " + s->error.message;
    }
  }
  return "";
}

}  // namespace

TEST(ClientConnection, NamesAPlainPortUsedForImplicitTls) {
  auto c = std::move(*ClientConnection::create(options(TlsMode::kImplicit)));
  take(*c);  // the ClientHello
  c->receive(bytes("+OK Dovecot (Debian) ready.\r\n"));
  const std::string error = session_error(*c);
  EXPECT_EQ(error.rfind("TLS_HANDSHAKE_FAILED: ", 0), 0u) << error;
  EXPECT_NE(error.find("answered in clear text, not TLS: \"+OK Dovecot (Debian) ready.\""),
            std::string::npos)
      << error;
  EXPECT_NE(error.find("use tls: 'starttls'"), std::string::npos) << error;
}

TEST(ClientConnection, QuotesAServerThatRefusesInClearAfterAcceptingStls) {
  auto c = std::move(*ClientConnection::create(options(TlsMode::kStartTls)));
  c->receive(bytes("+OK ready\r\n"));
  ASSERT_TRUE(c->session().submit(Command::stls()).ok());
  take(*c);
  c->receive(bytes("+OK Begin TLS\r\n"));
  take(*c);  // the ClientHello
  c->receive(bytes("-ERR STARTTLS failed: no certificate configured\r\n"));
  const std::string error = session_error(*c);
  EXPECT_EQ(error.rfind("TLS_HANDSHAKE_FAILED: ", 0), 0u) << error;
  EXPECT_NE(error.find("accepted STLS, then answered in clear text instead of starting TLS: \"-ERR "
                       "STARTTLS failed: no certificate configured\""),
            std::string::npos)
      << error;
}

TEST(ClientConnection, LeavesOpenSslsWordsForHandshakeFailuresThatAreNotPop3Lines) {
  auto c = std::move(*ClientConnection::create(options(TlsMode::kImplicit)));
  take(*c);
  c->receive(bytes("HTTP/1.1 400 Bad Request\r\n\r\n"));
  const std::string error = session_error(*c);
  EXPECT_EQ(error.rfind("TLS_HANDSHAKE_FAILED: ", 0), 0u) << error;
  EXPECT_EQ(error.find("clear text"), std::string::npos) << error;
}

// ---- the connect sequence (run_startup) ------------------------------------------------------

namespace {

ConnectionOptions startup_options(TlsMode mode) {
  ConnectionOptions o = options(mode);
  o.run_startup = true;
  return o;
}

Seen drain_with_ready(ClientConnection& c) {
  Seen seen;
  while (auto e = c.next_event()) {
    if (std::holds_alternative<ReadyEvent>(*e)) seen.kinds.push_back("ready");
    if (std::holds_alternative<GreetingEvent>(*e)) seen.kinds.push_back("greeting");
    if (std::holds_alternative<TlsEstablishedEvent>(*e)) seen.kinds.push_back("tls");
    if (auto* r = std::get_if<ReplyEvent>(&*e)) {
      seen.kinds.push_back(std::string("reply:") + command_keyword(r->kind));
    }
    if (auto* s = std::get_if<SessionErrorEvent>(&*e)) {
      seen.kinds.push_back(std::string("error:") + error_code_name(s->error.code) + ": " +
                           s->error.message);
    }
  }
  return seen;
}

}  // namespace

TEST(ClientConnectionStartup, RunsCapaStlsCapaItselfAndReportsReady) {
  MemoryTlsServer server(pki_file("server.pem"), pki_file("server.key"));
  auto c = std::move(*ClientConnection::create(startup_options(TlsMode::kStartTls)));
  EXPECT_STREQ(c->startup_step(), "GREETING");
  c->receive(bytes("+OK ready\r\n"));
  EXPECT_STREQ(c->startup_step(), "CAPA");
  EXPECT_EQ(take(*c), "CAPA\r\n");
  c->receive(bytes("+OK\r\nSTLS\r\nUSER\r\n.\r\n"));
  EXPECT_STREQ(c->startup_step(), "STLS");
  EXPECT_EQ(take(*c), "STLS\r\n");
  c->receive(bytes("+OK Begin TLS negotiation\r\n"));
  EXPECT_STREQ(c->startup_step(), "TLS");
  pump(*c, server);
  EXPECT_TRUE(c->secure());
  EXPECT_EQ(server.received, "CAPA\r\n");  // asked again inside TLS (RFC 2595 section 4)
  c->receive(bytes(server.send("+OK\r\nUSER\r\nPIPELINING\r\n.\r\n")));
  // The caller sees the greeting, TLS and readiness; the sequence's own replies stay inside.
  EXPECT_EQ(drain_with_ready(*c).kinds, (std::vector<std::string>{"greeting", "tls", "ready"}));
  EXPECT_STREQ(c->startup_step(), "READY");
  EXPECT_TRUE(c->session().capabilities()->pipelining);
  EXPECT_TRUE(c->want_read());
  EXPECT_FALSE(c->want_write());
}

TEST(ClientConnectionStartup, RefusesToContinueWhenStlsIsNotOffered) {
  auto c = std::move(*ClientConnection::create(startup_options(TlsMode::kStartTls)));
  c->receive(bytes("+OK ready\r\n"));
  take(*c);
  c->receive(bytes("+OK\r\nUSER\r\n.\r\n"));
  const auto kinds = drain_with_ready(*c).kinds;
  ASSERT_FALSE(kinds.empty());
  EXPECT_EQ(kinds.back().rfind("error:TLS_UNAVAILABLE: 'localhost' does not offer STLS", 0), 0u)
      << kinds.back();
  EXPECT_EQ(take(*c), "");  // nothing sent in clear after that, no USER, no STLS
  EXPECT_FALSE(c->want_read());
}

TEST(ClientConnectionStartup, RefusesToContinueWhenStlsIsRefused) {
  auto c = std::move(*ClientConnection::create(startup_options(TlsMode::kStartTls)));
  c->receive(bytes("+OK ready\r\n"));
  take(*c);
  c->receive(bytes("+OK\r\nSTLS\r\n.\r\n"));
  take(*c);
  c->receive(bytes("-ERR [SYS/TEMP] TLS not configured\r\n"));
  const auto kinds = drain_with_ready(*c).kinds;
  ASSERT_FALSE(kinds.empty());
  EXPECT_EQ(kinds.back(),
            "error:TLS_UNAVAILABLE: 'localhost' refused STLS (TLS not configured); refusing to "
            "continue without TLS");
}

TEST(ClientConnectionStartup, IsReadyAfterTheGreetingWhenCapabilitiesAreNotAsked) {
  ConnectionOptions o = startup_options(TlsMode::kNone);
  o.ask_capabilities = false;
  auto c = std::move(*ClientConnection::create(o));
  c->receive(bytes("+OK ready\r\n"));
  EXPECT_EQ(take(*c), "");
  EXPECT_EQ(drain_with_ready(*c).kinds, (std::vector<std::string>{"greeting", "ready"}));
}

TEST(ClientConnectionStartup, TreatsARefusedCapaAsAServerWithoutCapabilities) {
  auto c = std::move(*ClientConnection::create(startup_options(TlsMode::kNone)));
  c->receive(bytes("+OK RFC 1939 only\r\n"));
  EXPECT_EQ(take(*c), "CAPA\r\n");
  c->receive(bytes("-ERR unknown command\r\n"));
  EXPECT_EQ(drain_with_ready(*c).kinds, (std::vector<std::string>{"greeting", "ready"}));
  EXPECT_FALSE(c->session().capabilities().has_value());
}

TEST(ClientConnectionStartup, LetsTheCallersTlsFinishTheUpgrade) {
  ConnectionOptions o = startup_options(TlsMode::kStartTls);
  o.tls_in_core = false;  // e.g. Node's TLS: the caller upgrades the socket itself
  auto c = std::move(*ClientConnection::create(o));
  c->receive(bytes("+OK ready\r\n"));
  EXPECT_EQ(take(*c), "CAPA\r\n");
  c->receive(bytes("+OK\r\nSTLS\r\n.\r\n"));
  EXPECT_EQ(take(*c), "STLS\r\n");
  c->receive(bytes("+OK go ahead\r\n"));
  bool requested = false;
  while (auto e = c->next_event()) requested |= std::holds_alternative<TlsRequestedEvent>(*e);
  EXPECT_TRUE(requested);
  c->tls_started();
  EXPECT_EQ(take(*c), "CAPA\r\n");
  c->receive(bytes("+OK\r\nUSER\r\n.\r\n"));
  EXPECT_EQ(drain_with_ready(*c).kinds, (std::vector<std::string>{"ready"}));
}
