// Embind surface of the sync planner: JS objects in, keys or a plan out. Conversion only.
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "client_session_access.hpp"
#include "js_values.hpp"
#include "pop3/mailbox/sync_planner.hpp"

namespace pop3::bindings {
namespace {

using emscripten::val;
using namespace pop3::mailbox;

bool flag(const val& object, const char* name) {
  const val v = object[name];
  return !v.isUndefined() && !v.isNull() && v.as<bool>();
}

double number(const val& object, const char* name, double fallback = 0) {
  const val v = object[name];
  return v.isUndefined() || v.isNull() ? fallback : v.as<double>();
}

SyncPolicy policy_from(const val& js) {
  SyncPolicy policy;
  const std::string retention =
      js["retention"].isUndefined() ? "keep" : js["retention"].as<std::string>();
  policy.retention = retention == "delete"      ? Retention::kDeleteAfterDownload
                     : retention == "keep-days" ? Retention::kLeaveForDays
                                                : Retention::kLeaveOnServer;
  policy.keep_days = static_cast<std::uint32_t>(number(js, "keepDays"));
  policy.delete_when_deleted_locally = flag(js, "deleteWhenDeletedLocally");
  policy.max_message_size = static_cast<std::uint64_t>(number(js, "maxMessageSize"));
  policy.headers_only_when_too_large =
      js["oversize"].isUndefined() || js["oversize"].as<std::string>() != "skip";
  return policy;
}

const char* kind_name(SyncAction::Kind kind) {
  switch (kind) {
    case SyncAction::Kind::kFetch:
      return "fetch";
    case SyncAction::Kind::kFetchHeaders:
      return "fetch-headers";
    case SyncAction::Kind::kDelete:
      return "delete";
  }
  return "unknown";
}

// Lists cross the boundary packed, not as one JS object per message: each property read or
// written through Embind is a call between JS and WASM, and objects for 10,000 messages cost
// 0.2-0.5 s, more than the planning itself (docs/sync.md, "Planning"). Keys are joined by LF,
// which no key holds (UIDs are printable ASCII, header keys hex; sync() keeps any other local
// key away from here), numbers travel in typed arrays.

std::vector<std::string_view> split_lines(std::string_view joined) {
  std::vector<std::string_view> parts;
  if (joined.empty()) return parts;
  for (std::size_t start = 0;;) {
    const std::size_t end = joined.find('\n', start);
    parts.push_back(joined.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

std::string join_lines(const std::vector<std::string>& parts) {
  std::string joined;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) joined += '\n';
    joined += parts[i];
  }
  return joined;
}

val uint32_array(const std::vector<std::uint32_t>& values) {
  return val::global("Uint32Array")
      .new_(emscripten::typed_memory_view(values.size(), values.data()));
}

// The maildrop the client's session listed (LIST + UIDL), in listing order, without messages
// marked deleted: what client.list() returned. `digests` (a string: LF-separated lower-case hex,
// one per message in listing order) keys a server without UIDL by its headers instead.
Result<std::vector<ServerMessage>> server_from(const val& connection, const val& digests) {
  const protocol::ClientSession* session = session_of(connection);
  if (!session)
    return make_error(ErrorCode::kInvalidArgument, "sync needs the client's live connection");
  std::vector<ServerMessage> server;
  for (const auto& m : session->maildrop().messages()) {
    if (!m.deleted) server.push_back(ServerMessage{m.number, m.size, m.uid});
  }
  if (!digests.isString()) return server;
  const std::string joined = digests.as<std::string>();
  const auto parts = split_lines(joined);
  if (parts.size() != server.size()) {
    return make_error(ErrorCode::kInvalidArgument,
                      "one header digest per listed message is needed");
  }
  for (std::size_t i = 0; i < parts.size(); ++i) {
    auto key = header_key(parts[i]);
    if (!key) return key.error();
    server[i].uid = std::move(*key);
  }
  return server;
}

// (connection, digests?) -> { keys: 'k1\nk2...' } (listing order) or { error }
val assign_keys_js(val connection, val digests) {
  val out = val::object();
  auto server = server_from(connection, digests);
  auto keys = server ? assign_keys(*server) : Result<std::vector<std::string>>(server.error());
  if (!keys) {
    out.set("error", to_js(keys.error()));
    return out;
  }
  out.set("keys", val(join_lines(*keys)));
  return out;
}

// Local records, packed: keys LF-joined, storedAt a Float64Array (unix seconds), flags a
// Uint8Array (1: partial, 2: deleted locally).
std::vector<LocalRecord> local_from(const val& spec) {
  const std::string keys = spec["localKeys"].as<std::string>();
  const auto stored_at = emscripten::convertJSArrayToNumberVector<double>(spec["localStoredAt"]);
  const auto flags = emscripten::convertJSArrayToNumberVector<std::uint8_t>(spec["localFlags"]);
  const auto parts = split_lines(keys);
  std::vector<LocalRecord> local;
  local.reserve(parts.size());
  for (std::size_t i = 0; i < parts.size() && i < stored_at.size() && i < flags.size(); ++i) {
    local.push_back(LocalRecord{std::string(parts[i]), static_cast<std::int64_t>(stored_at[i]),
                                (flags[i] & 1) != 0, (flags[i] & 2) != 0});
  }
  return local;
}

// spec: { connection: the client's ClientConnection (its listing and capabilities),
//         digests?: as server_from(), localKeys, localStoredAt, localFlags: as local_from(),
//         policy: { retention: 'keep'|'delete'|'keep-days', keepDays, deleteWhenDeletedLocally,
//                   maxMessageSize, oversize: 'headers'|'skip' },
//         now: unix seconds }
// -> { kinds: ['fetch', ...], actions: Uint32Array of (kind index, listing index, afterStore)
//      triples in execution order, forget: Uint32Array of indexes into the local records,
//      warnings, fetchCount, fetchBytes, deleteCount } or { error }
val plan_sync_js(val spec) {
  val out = val::object();
  const val connection = spec["connection"];
  auto server = server_from(connection, spec["digests"]);
  if (!server) {
    out.set("error", to_js(server.error()));
    return out;
  }
  const std::vector<LocalRecord> local = local_from(spec);
  // EXPIRE and the rest come from the client's own session (the core keeps them).
  const auto& caps = session_of(connection)->capabilities();
  auto plan = plan_sync(*server, local, policy_from(spec["policy"]),
                        static_cast<std::int64_t>(number(spec, "now")), caps ? &*caps : nullptr);
  if (!plan) {
    out.set("error", to_js(plan.error()));
    return out;
  }
  std::unordered_map<std::uint32_t, std::uint32_t> listed;  // message number -> listing index
  for (std::uint32_t i = 0; i < server->size(); ++i) listed.emplace((*server)[i].number, i);
  std::vector<std::uint32_t> actions;
  actions.reserve(plan->actions.size() * 3);
  for (const auto& a : plan->actions) {
    actions.push_back(static_cast<std::uint32_t>(a.kind));
    actions.push_back(listed.at(a.number));
    actions.push_back(a.after_store ? 1 : 0);
  }
  std::unordered_map<std::string_view, std::uint32_t> local_index;
  for (std::uint32_t i = 0; i < local.size(); ++i) local_index.emplace(local[i].key, i);
  std::vector<std::uint32_t> forget;
  for (const auto& key : plan->forget) forget.push_back(local_index.at(key));
  val kinds = val::array();
  for (const auto kind :
       {SyncAction::Kind::kFetch, SyncAction::Kind::kFetchHeaders, SyncAction::Kind::kDelete}) {
    kinds.set(static_cast<unsigned>(kind), val(kind_name(kind)));
  }
  val warnings = val::array();
  for (const auto& w : plan->warnings) warnings.call<void>("push", text(w));
  out.set("kinds", kinds);
  out.set("actions", uint32_array(actions));
  out.set("forget", uint32_array(forget));
  out.set("warnings", warnings);
  out.set("fetchCount", plan->fetch_count);
  out.set("fetchBytes", static_cast<double>(plan->fetch_bytes));
  out.set("deleteCount", plan->delete_count);
  return out;
}

}  // namespace

EMSCRIPTEN_BINDINGS(pop3_mailbox) {
  emscripten::function("assignKeys", &assign_keys_js);
  emscripten::function("planSync", &plan_sync_js);
}

}  // namespace pop3::bindings
