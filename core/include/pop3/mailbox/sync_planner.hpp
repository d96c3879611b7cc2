// The sync planner: given the server's maildrop (numbers, sizes, unique ids), what the local
// store already holds, and a retention policy, it decides which messages to fetch, which to
// delete on the server, and in what order. Pure computation: time comes in as an argument.
//
// Safety rules, which tests and a fuzzer check (fuzz/):
//  - a DELE is planned only for a message the store holds in full, or one fetched in full in
//    this plan; the latter is marked after_store, and the executor sends it only once the store
//    has durably committed the message;
//  - a message whose UID the server lists twice is never deleted, and both copies are fetched
//    under distinct keys, so nothing is lost silently to a server that lies about UIDs;
//  - a message stored only partly (headers, because it was over the size limit) is never
//    deleted on the server by the retention policy.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pop3/error.hpp"
#include "pop3/protocol/capabilities.hpp"

namespace pop3::mailbox {

struct ServerMessage {
  std::uint32_t number = 0;
  std::uint64_t size = 0;
  std::string uid;  // UIDL, or header_key() for servers without UIDL
};

// Without UIDL, a message is known by a digest of its headers and size (the executor computes it
// from TOP n 0; lower-case hex). Its key is the digest behind the prefix "hdr:", made here and
// checked by assign_keys() (docs/sync.md). A listing is keyed by UIDs or by header keys, never a
// mix, so the two kinds cannot collide.
Result<std::string> header_key(std::string_view hex_digest);

struct LocalRecord {
  std::string key;               // the UID (or UID#n for a duplicated UID)
  std::int64_t stored_at = 0;    // seconds since the epoch when it was first stored
  bool partial = false;          // only the headers are stored
  bool deleted_locally = false;  // the user deleted the stored copy
};

enum class Retention : std::uint8_t {
  kLeaveOnServer,        // never delete on the server (except when deleted locally, if asked)
  kDeleteAfterDownload,  // delete once stored
  kLeaveForDays,         // delete `keep_days` after it was first stored
};

struct SyncPolicy {
  Retention retention = Retention::kLeaveOnServer;
  std::uint32_t keep_days = 0;
  bool delete_when_deleted_locally = false;
  // Messages larger than this (0: no limit) are not downloaded in full.
  std::uint64_t max_message_size = 0;
  bool headers_only_when_too_large = true;  // TOP n 0 instead of skipping them
};

struct SyncAction {
  enum class Kind : std::uint8_t { kFetch, kFetchHeaders, kDelete };
  Kind kind;
  std::uint32_t number;
  std::string key;  // local key (UID, or UID#n)
  std::uint64_t size;
  bool after_store;  // kDelete: send only after this message's fetch has been committed
};

struct SyncPlan {
  std::vector<std::string> keys;      // the local key of each server message, in listing order
  std::vector<SyncAction> actions;    // in execution order
  std::vector<std::string> forget;    // local keys whose message is no longer on the server
  std::vector<std::string> warnings;  // for the user: duplicate UIDs, EXPIRE conflicts...
  std::uint32_t fetch_count = 0;
  std::uint64_t fetch_bytes = 0;
  std::uint32_t delete_count = 0;
};

// The local key of each server message, in listing order: its UID (or the header key), and
// UID#2, UID#3... for later messages that repeat one. Fails on a number listed twice or as 0, or
// a message with neither a valid UID nor a header_key().
Result<std::vector<std::string>> assign_keys(const std::vector<ServerMessage>& server);

// `capabilities` (optional) lets the planner warn when the server's EXPIRE contradicts the policy.
Result<SyncPlan> plan_sync(const std::vector<ServerMessage>& server,
                           const std::vector<LocalRecord>& local, const SyncPolicy& policy,
                           std::int64_t now, const protocol::Capabilities* capabilities = nullptr);

}  // namespace pop3::mailbox
