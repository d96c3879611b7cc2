// Embind surface of the sync planner: JS objects in, keys or a plan out. Conversion only.
#include <emscripten/bind.h>
#include <emscripten/val.h>

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

// [{number, size, uid}] or, without UIDL, [{number, size, headerDigest}] (lower-case hex).
Result<std::vector<ServerMessage>> server_from(const val& js_server) {
  std::vector<ServerMessage> server;
  for (unsigned i = 0, n = js_server["length"].as<unsigned>(); i < n; ++i) {
    const val m = js_server[i];
    ServerMessage message{static_cast<std::uint32_t>(number(m, "number")),
                          static_cast<std::uint64_t>(number(m, "size")),
                          {}};
    if (m["headerDigest"].isString()) {
      auto key = header_key(m["headerDigest"].as<std::string>());
      if (!key) return key.error();
      message.uid = std::move(*key);
    } else if (m["uid"].isString()) {
      message.uid = m["uid"].as<std::string>();
    }
    server.push_back(std::move(message));
  }
  return server;
}

// server as above -> { keys: [...] } or { error }
val assign_keys_js(val js_server) {
  val out = val::object();
  auto server = server_from(js_server);
  auto keys = server ? assign_keys(*server) : Result<std::vector<std::string>>(server.error());
  if (!keys) {
    out.set("error", to_js(keys.error()));
    return out;
  }
  val array = val::array();
  for (const auto& key : *keys) array.call<void>("push", val(key));
  out.set("keys", array);
  return out;
}

// spec: { server: (as above), local: [{key, storedAt, partial, deletedLocally}],
//         policy: { retention: 'keep'|'delete'|'keep-days', keepDays, deleteWhenDeletedLocally,
//                   maxMessageSize, oversize: 'headers'|'skip' },
//         now: unix seconds, connection?: the client's ClientConnection (its capabilities) }
val plan_sync_js(val spec) {
  val out = val::object();
  auto server = server_from(spec["server"]);
  if (!server) {
    out.set("error", to_js(server.error()));
    return out;
  }
  std::vector<LocalRecord> local;
  const val js_local = spec["local"];
  for (unsigned i = 0, n = js_local["length"].as<unsigned>(); i < n; ++i) {
    const val r = js_local[i];
    LocalRecord record;
    record.key = r["key"].as<std::string>();
    record.stored_at = static_cast<std::int64_t>(number(r, "storedAt"));
    record.partial = flag(r, "partial");
    record.deleted_locally = flag(r, "deletedLocally");
    local.push_back(std::move(record));
  }
  // EXPIRE and the rest come from the client's own session (the core keeps them).
  const protocol::ClientSession* session = session_of(spec["connection"]);
  const auto& caps = session ? session->capabilities() : std::nullopt;
  auto plan = plan_sync(*server, local, policy_from(spec["policy"]),
                        static_cast<std::int64_t>(number(spec, "now")), caps ? &*caps : nullptr);
  if (!plan) {
    out.set("error", to_js(plan.error()));
    return out;
  }
  val actions = val::array();
  for (const auto& a : plan->actions) {
    val action = val::object();
    action.set("kind", val(kind_name(a.kind)));
    action.set("number", a.number);
    action.set("key", val(a.key));
    action.set("size", static_cast<double>(a.size));
    action.set("afterStore", a.after_store);
    actions.call<void>("push", action);
  }
  val keys = val::array();
  for (const auto& key : plan->keys) keys.call<void>("push", val(key));
  out.set("keys", keys);
  val forget = val::array();
  for (const auto& key : plan->forget) forget.call<void>("push", val(key));
  val warnings = val::array();
  for (const auto& w : plan->warnings) warnings.call<void>("push", text(w));
  out.set("actions", actions);
  out.set("forget", forget);
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
