// Replays sessions recorded from a real Dovecot (tests/fixtures/transcripts, made by record.mjs)
// through the session, split at every possible byte position, and checks that the result never
// depends on how the server's bytes were chunked, and that it matches the fixture messages.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "pop3/protocol/client_session.hpp"
#include "session_driver.hpp"

using namespace pop3;
using namespace pop3::protocol;
using pop3::testing::SessionDriver;

namespace {

const std::filesystem::path kFixtures = POP3_FIXTURES_DIR;

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in) << path;
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::vector<std::string> read_lines(const std::filesystem::path& path) {
  std::vector<std::string> lines;
  std::istringstream in(read_file(path));
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// A stored (LF) message as a POP3 server sends it: every bare LF becomes CRLF.
std::string to_wire(const std::string& message) {
  std::string out;
  for (std::size_t i = 0; i < message.size(); ++i) {
    if (message[i] == '\n' && (i == 0 || message[i - 1] != '\r')) out += '\r';
    out += message[i];
  }
  return out;
}

std::vector<std::string> fixture_messages() {
  std::vector<std::filesystem::path> paths;
  for (const auto& entry : std::filesystem::directory_iterator(kFixtures / "messages")) {
    if (entry.path().extension() == ".eml") paths.push_back(entry.path());
  }
  std::sort(paths.begin(), paths.end());
  std::vector<std::string> messages;
  for (const auto& p : paths) messages.push_back(to_wire(read_file(p)));
  return messages;
}

std::uint32_t number(std::string_view s) {
  return static_cast<std::uint32_t>(std::stoul(std::string(s)));
}

// The command a recorded line stands for, built through the public factories.
Command parse_command(const std::string& line) {
  std::istringstream in(line);
  std::string keyword, a, b;
  in >> keyword >> a >> b;
  const auto numeric = [](const std::string& s) {
    return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos;
  };
  Result<Command> command = Command::from_keyword(keyword, {.text = a,
                                                            .second = b,
                                                            .number = numeric(a) ? number(a) : 0,
                                                            .lines = numeric(b) ? number(b) : 0});
  EXPECT_TRUE(command.ok()) << line;
  return std::move(*command);
}

struct Replay {
  std::string sent;
  std::string summary;  // every reply and error, flattened; independent of chunking
  std::vector<pop3::testing::Reply> replies;
  std::vector<std::string> session_errors;
  SessionState final_state;
};

std::string summarize(const pop3::testing::Reply& r) {
  std::ostringstream out;
  out << r.id << ' ' << command_keyword(r.kind) << ' ' << r.ok << ' ' << r.error_code << " ["
      << r.response_code << "] " << r.text << " body=" << r.body.size() << ':'
      << std::hash<std::string>{}(r.body) << " data=" << r.data.index();
  return out.str();
}

enum class Submit {
  kUpfront,     // every command queued at once: the session pipelines them
  kSequential,  // each command after the previous reply, as recorded (needed after failures)
};

// Submits the recorded commands, then feeds the server's bytes cut at `cuts` (in sequential
// mode also at the recorded reply boundaries: a reply never arrives before its command left).
Replay replay(const std::vector<std::string>& commands, const std::string& server,
              std::vector<std::size_t> cuts, Submit mode = Submit::kUpfront,
              const std::vector<std::size_t>& reply_ends = {}) {
  if (mode == Submit::kSequential) {
    cuts.insert(cuts.end(), reply_ends.begin(), reply_ends.end());
    std::sort(cuts.begin(), cuts.end());
  }
  SessionDriver d;
  std::size_t submitted = 0;
  auto submit_more = [&] {
    while (submitted < commands.size() &&
           (mode == Submit::kUpfront || d.replies.size() == submitted)) {
      d.submit(parse_command(commands[submitted++]));
    }
  };
  submit_more();
  Replay out;
  std::size_t start = 0;
  auto feed = [&](std::size_t end) {
    if (end > start) d.server(std::string_view(server).substr(start, end - start));
    submit_more();
    out.sent += d.sent();
    start = end;
  };
  for (auto cut : cuts) feed(cut);
  feed(server.size());
  for (const auto& r : d.replies) out.summary += summarize(r) + "\n";
  for (const auto& e : d.session_errors) out.summary += "session error: " + e + "\n";
  out.replies = d.replies;
  out.session_errors = d.session_errors;
  out.final_state = d.session.state();
  return out;
}

std::string joined(const std::vector<std::string>& commands) {
  std::string out;
  for (const auto& c : commands) out += c + "\r\n";
  return out;
}

void expect_split_independent(const std::vector<std::string>& commands, const std::string& server,
                              Submit mode = Submit::kUpfront,
                              const std::vector<std::size_t>& reply_ends = {}) {
  const Replay whole = replay(commands, server, {}, mode, reply_ends);
  for (std::size_t cut = 0; cut <= server.size(); ++cut) {
    const Replay split = replay(commands, server, {cut}, mode, reply_ends);
    ASSERT_EQ(split.summary, whole.summary) << "split at byte " << cut;
    ASSERT_EQ(split.sent, whole.sent) << "split at byte " << cut;
  }
  std::vector<std::size_t> every_byte;
  for (std::size_t i = 1; i < server.size(); ++i) every_byte.push_back(i);
  const Replay bytewise = replay(commands, server, every_byte, mode, reply_ends);
  EXPECT_EQ(bytewise.summary, whole.summary);
}

}  // namespace

TEST(TranscriptReplay, DovecotSessionMatchesTheFixtureMessages) {
  const auto commands = read_lines(kFixtures / "transcripts/dovecot-session.client");
  const auto server = read_file(kFixtures / "transcripts/dovecot-session.server");
  const auto messages = fixture_messages();
  const Replay r = replay(commands, server, {});

  EXPECT_EQ(r.sent, joined(commands));
  EXPECT_TRUE(r.session_errors.empty());
  EXPECT_EQ(r.final_state, SessionState::kClosed);
  ASSERT_EQ(r.replies.size(), commands.size());

  std::uint64_t total = 0;
  for (const auto& m : messages) total += m.size();
  for (std::size_t i = 0; i < commands.size(); ++i) {
    const std::string& command = commands[i];
    const auto& reply = r.replies[i];
    const bool expected_failure =
        command == "RETR 99" || (command == "RETR 1" && i > 0 && commands[i - 1] == "DELE 1");
    EXPECT_EQ(reply.ok, !expected_failure) << command << ": " << reply.error_code;
    if (expected_failure) {
      EXPECT_EQ(reply.error_code, "SERVER_ERROR") << command;
    }
    if (command == "STAT") {
      const auto& stat = std::get<DropListing>(reply.data);
      EXPECT_EQ(stat.count, messages.size());
      EXPECT_EQ(stat.size, total);
    } else if (command == "LIST") {
      const auto& list = std::get<std::vector<ScanListing>>(reply.data);
      ASSERT_EQ(list.size(), messages.size());
      for (std::size_t m = 0; m < list.size(); ++m) EXPECT_EQ(list[m].size, messages[m].size());
    } else if (command == "UIDL") {
      EXPECT_EQ(std::get<std::vector<UidListing>>(reply.data).size(), messages.size());
    } else if (command == "CAPA") {
      const auto& caps = std::get<Capabilities>(reply.data);
      EXPECT_TRUE(caps.pipelining);
      EXPECT_TRUE(caps.uidl);
      EXPECT_TRUE(caps.top);
    } else if (command == "TOP 2 3") {
      const std::string& m = messages[1];
      const auto body_start = m.find("\r\n\r\n") + 4;
      std::size_t end = body_start;
      for (int line = 0; line < 3; ++line) end = m.find("\r\n", end) + 2;
      EXPECT_EQ(reply.body, m.substr(0, end));
    } else if (command.rfind("RETR ", 0) == 0 && reply.ok) {
      EXPECT_EQ(reply.body, messages[std::stoul(command.substr(5)) - 1]) << command;
    }
  }
}

TEST(TranscriptReplay, DovecotSessionDoesNotDependOnChunking) {
  expect_split_independent(read_lines(kFixtures / "transcripts/dovecot-session.client"),
                           read_file(kFixtures / "transcripts/dovecot-session.server"));
}

TEST(TranscriptReplay, DovecotAuthFailureThenApop) {
  const auto commands = read_lines(kFixtures / "transcripts/dovecot-auth.client");
  const auto server = read_file(kFixtures / "transcripts/dovecot-auth.server");
  std::vector<std::size_t> reply_ends;
  for (const auto& line : read_lines(kFixtures / "transcripts/dovecot-auth.offsets")) {
    reply_ends.push_back(std::stoul(line));
  }
  ASSERT_EQ(reply_ends.size(), commands.size() + 1);
  const Replay r = replay(commands, server, {}, Submit::kSequential, reply_ends);
  EXPECT_EQ(r.sent, joined(commands));
  ASSERT_EQ(r.replies.size(), commands.size());
  EXPECT_EQ(r.replies[2].error_code, "AUTH_FAILED");  // PASS wrong
  EXPECT_EQ(r.replies[2].response_code, "AUTH");
  EXPECT_TRUE(r.replies[3].ok);  // APOP
  EXPECT_EQ(std::get<DropListing>(r.replies[4].data).count, 5u);
  EXPECT_EQ(r.final_state, SessionState::kClosed);
  expect_split_independent(commands, server, Submit::kSequential, reply_ends);
}
