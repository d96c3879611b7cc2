// Test helper: a host for a ServerSession (alone or inside a ServerConnection) that answers every
// request at once from in-memory accounts and a maildrop, and a wire that pumps bytes between a
// ClientSession and the server in chunks of a chosen size. Randomness is a fixed xorshift, so every
// run sends the same bytes.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "pop3/server/server_connection.hpp"
#include "pop3/server/server_session.hpp"
#include "session_driver.hpp"

namespace pop3::testing {

// xorshift32: deterministic "randomness" for the server's challenges.
inline RandomSource fixed_random(std::uint32_t seed = 2463534242u) {
  return [state = seed](std::span<std::uint8_t> out) mutable {
    for (auto& b : out) {
      state ^= state << 13;
      state ^= state >> 17;
      state ^= state << 5;
      b = static_cast<std::uint8_t>(state);
    }
  };
}

inline server::ServerOptions test_server_options() {
  server::ServerOptions o;
  o.random = fixed_random();
  o.host_name = "pop.test";
  o.allow_cleartext_without_tls = true;
  return o;
}

struct StoredMessage {
  std::string uid;
  std::string data;
};

class TestHost {
 public:
  explicit TestHost(server::ServerOptions options = test_server_options())
      : own_session(std::make_unique<server::ServerSession>(std::move(options))),
        session(*own_session) {}
  explicit TestHost(std::unique_ptr<server::ServerConnection> c)
      : connection(std::move(c)), session(connection->session()) {}

  // Answers everything the session asks, as long as it asks.
  void serve() {
    while (auto event = connection ? connection->next_event() : session.next_event()) {
      std::visit([this](auto& e) { on(e); }, *event);
    }
  }

  std::unique_ptr<server::ServerSession> own_session;
  std::unique_ptr<server::ServerConnection> connection;
  server::ServerSession& session;
  std::map<std::string, auth::AccountSecrets> accounts;
  std::vector<StoredMessage> messages;
  bool locked = false;             // another session holds the maildrop
  std::size_t chunk_size = 1000;   // bytes per message_data answer
  bool hold_message_data = false;  // leave MessageDataRequests unanswered (backpressure tests)

  std::vector<server::LoginRequest> logins;
  std::vector<std::string> maildrops;
  std::vector<server::MessageDataRequest> data_requests;
  std::vector<std::uint32_t> done;
  std::vector<std::vector<std::uint32_t>> updates;
  std::vector<server::ClosedEvent> closes;
  int tls_requests = 0;

 private:
  void on(server::LoginRequest& e) {
    logins.push_back(e);
    const auto it = accounts.find(e.user);
    EXPECT_FALSE(session.answer_login(it == accounts.end()
                                          ? server::LoginAnswer::reject()
                                          : server::LoginAnswer::verify(it->second)));
  }
  void on(server::MaildropRequest& e) {
    maildrops.push_back(e.user);
    if (locked) {
      EXPECT_FALSE(session.refuse_maildrop("IN-USE", "maildrop already locked"));
      return;
    }
    std::vector<server::MessageInfo> infos;
    for (const auto& m : messages) infos.push_back({m.data.size(), m.uid});
    EXPECT_FALSE(session.open_maildrop(std::move(infos)));
  }
  void on(server::MessageDataRequest& e) {
    data_requests.push_back(e);
    if (hold_message_data) return;
    answer_data(e);
  }
  void on(server::MessageDoneEvent& e) { done.push_back(e.number); }
  void on(server::UpdateRequest& e) {
    updates.push_back(e.numbers);
    for (auto it = e.numbers.rbegin(); it != e.numbers.rend(); ++it)
      messages.erase(messages.begin() + (*it - 1));
    EXPECT_FALSE(session.finish_update());
  }
  void on(server::TlsRequestedEvent&) { ++tls_requests; }
  void on(server::ClosedEvent& e) { closes.push_back(e); }

 public:
  void answer_data(const server::MessageDataRequest& e) {
    const std::string& data = messages.at(e.number - 1).data;
    const std::string chunk = data.substr(static_cast<std::size_t>(e.offset), chunk_size);
    EXPECT_FALSE(session.message_data(chunk, e.offset + chunk.size() >= data.size()));
  }
};

inline auth::AccountSecrets password_account(std::string password) {
  auth::AccountSecrets s;
  s.password = std::move(password);
  return s;
}

// Moves bytes both ways, `chunk` bytes at a time (0: all at once), until nothing moves.
inline void pump(SessionDriver& client, TestHost& host, std::size_t chunk = 0) {
  for (int round = 0; round < 100000; ++round) {
    host.serve();
    bool moved = false;
    std::string up(client.session.output());
    std::size_t taken = 0;
    while (taken < up.size()) {
      const std::size_t n = chunk == 0 ? up.size() - taken : std::min(chunk, up.size() - taken);
      const std::size_t used = host.session.receive(std::string_view(up).substr(taken, n));
      host.serve();
      taken += used;
      if (used == 0) break;
    }
    client.session.consume_output(taken);
    moved |= taken > 0;
    const std::string down(host.session.output());
    for (std::size_t at = 0; at < down.size();) {
      const std::size_t n = chunk == 0 ? down.size() - at : std::min(chunk, down.size() - at);
      client.server(std::string_view(down).substr(at, n));
      at += n;
    }
    host.session.consume_output(down.size());
    host.serve();
    moved |= !down.empty();
    if (!moved) return;
  }
  ADD_FAILURE() << "the wire never went quiet";
}

}  // namespace pop3::testing
