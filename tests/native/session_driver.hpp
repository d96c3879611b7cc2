// Test helper: drives a ClientSession like a transport would, and flattens its events into
// comparable values.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <variant>
#include <vector>

#include "pop3/protocol/client_session.hpp"

namespace pop3::testing {

struct Reply {
  protocol::CommandId id = 0;
  protocol::CommandKind kind{};
  bool ok = false;
  std::string error_code;  // error_code_name, or "" if none
  std::string error_message;
  std::string response_code;
  std::string text;
  std::string body;  // concatenated BodyChunkEvents
  protocol::ReplyData data;
};

class SessionDriver {
 public:
  explicit SessionDriver(protocol::SessionOptions options = {}) : session(std::move(options)) {}

  // Feeds server bytes in one piece and collects the events.
  void server(std::string_view bytes) {
    std::size_t used = session.receive(bytes);
    consumed += used;
    input_ = bytes;  // where the body spans point
    drain();
    input_ = {};
  }
  void eof() {
    session.receive_eof();
    drain();
  }
  // Everything the session wants to send, marked as sent.
  std::string sent() {
    std::string out(session.output());
    session.consume_output(out.size());
    return out;
  }
  protocol::CommandId submit(Result<protocol::Command> command) {
    EXPECT_TRUE(command.ok());
    auto id = session.submit(std::move(*command));
    EXPECT_TRUE(id.ok()) << (id.ok() ? "" : id.error().message);
    return id.ok() ? *id : 0;
  }
  protocol::CommandId submit(protocol::Command command) {
    return submit(Result<protocol::Command>(std::move(command)));
  }

  void drain() {
    while (auto event = session.next_event()) {
      std::visit([this](auto& e) { on(e); }, *event);
    }
  }

  protocol::ClientSession session;
  std::vector<Reply> replies;
  std::vector<std::string> transcript;
  std::vector<std::string> session_errors;
  std::vector<std::uint64_t> error_offsets;
  std::vector<std::size_t> chunk_sizes;
  int greetings = 0;
  int tls_requests = 0;
  int ready = 0;
  std::vector<std::string> tls_established;
  std::vector<protocol::SaslHostCallEvent> host_calls;
  std::size_t consumed = 0;

 private:
  std::string& body_of(protocol::CommandId id) { return bodies_[id]; }
  void on(protocol::GreetingEvent&) { ++greetings; }
  void on(protocol::BodyChunkEvent& e) {
    chunk_sizes.push_back(e.size());
    for (const auto& span : e.spans) {
      EXPECT_LE(span.offset + span.length, input_.size()) << "a body span outside its input";
    }
    body_of(e.id) += e.bytes(input_);
  }
  void on(protocol::ReplyEvent& e) {
    Reply r;
    r.id = e.id;
    r.kind = e.kind;
    r.ok = e.status.ok && !e.error;
    r.error_code = e.error ? error_code_name(e.error->code) : "";
    r.error_message = e.error ? e.error->message : "";
    r.response_code = e.error ? e.error->response_code : e.status.code;
    r.text = e.status.text;
    r.body = std::move(bodies_[e.id]);
    bodies_.erase(e.id);
    r.data = std::move(e.data);
    replies.push_back(std::move(r));
  }
  void on(protocol::TlsRequestedEvent&) { ++tls_requests; }
  void on(protocol::TlsEstablishedEvent& e) {
    tls_established.push_back(e.protocol + " " + e.cipher);
  }
  void on(protocol::ReadyEvent&) { ++ready; }
  void on(protocol::TranscriptEvent& e) {
    transcript.push_back((e.direction == protocol::Direction::kClient ? "C: " : "S: ") + e.line);
  }
  void on(protocol::SaslHostCallEvent& e) { host_calls.push_back(std::move(e)); }
  void on(protocol::SessionErrorEvent& e) {
    session_errors.push_back(std::string(error_code_name(e.error.code)) + ": " + e.error.message);
    error_offsets.push_back(e.error.stream_offset);
  }
  std::map<protocol::CommandId, std::string> bodies_;
  std::string_view input_;
};

}  // namespace pop3::testing
