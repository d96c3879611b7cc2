#include "js_values.hpp"

#include <emscripten/val.h>

#include <string>
#include <vector>

#include "generated/event_kinds.hpp"
#include "pop3/utf8.hpp"

namespace pop3::bindings {

using emscripten::val;
using namespace pop3::protocol;

namespace {

val number_or_undefined(const std::optional<std::uint32_t>& v) {
  return v ? val(*v) : val::undefined();
}

val strings(const std::vector<std::string>& items) {
  val array = val::array();
  for (const auto& item : items) array.call<void>("push", text(item));
  return array;
}

val status_to_js(const StatusLine& status) {
  val out = val::object();
  out.set("ok", status.ok);
  out.set("code", status.code.empty() ? val::undefined() : text(status.code));
  out.set("text", text(status.text));
  return out;
}

val data_to_js(const ReplyData& data) {
  struct Visitor {
    val operator()(const std::monostate&) const { return val::undefined(); }
    val operator()(const DropListing& d) const {
      val out = val::object();
      out.set("count", d.count);
      out.set("size", static_cast<double>(d.size));
      return out;
    }
    val operator()(const ScanListing& s) const {
      val out = val::object();
      out.set("number", s.number);
      out.set("size", static_cast<double>(s.size));
      return out;
    }
    val operator()(const std::vector<ScanListing>& list) const {
      std::vector<std::uint32_t> numbers;
      std::vector<double> sizes;
      for (const auto& s : list) {
        numbers.push_back(s.number);
        sizes.push_back(static_cast<double>(s.size));
      }
      return packed_listing(numbers, &sizes, nullptr);
    }
    val operator()(const UidListing& u) const {
      val out = val::object();
      out.set("number", u.number);
      out.set("uid", text(u.uid));
      return out;
    }
    val operator()(const std::vector<UidListing>& list) const {
      std::vector<std::uint32_t> numbers;
      std::string uids;
      for (const auto& u : list) {
        if (!numbers.empty()) uids += '\n';
        numbers.push_back(u.number);
        uids += u.uid;  // printable ASCII only (listing.cpp checks), so LF cannot occur in one
      }
      return packed_listing(numbers, nullptr, &uids);
    }
    val operator()(const Capabilities& caps) const { return to_js(caps); }
    val operator()(const std::vector<std::string>& lines) const { return strings(lines); }
  };
  return std::visit(Visitor{}, data);
}

}  // namespace

val text(std::string_view bytes) {
  std::string clean;
  clean.reserve(bytes.size());
  for (std::size_t i = 0; i < bytes.size();) {
    const std::size_t n = pop3::utf8_sequence_length(bytes, i);
    if (n == 0 || bytes[i] == '\0') {
      clean += "\xEF\xBF\xBD";
      i += 1;
    } else {
      clean.append(bytes.substr(i, n));
      i += n;
    }
  }
  return val(clean);  // std::string crosses Embind as UTF-8
}

val packed_listing(const std::vector<std::uint32_t>& numbers, const std::vector<double>* sizes,
                   const std::string* uids) {
  val out = val::object();
  // new TypedArray(view) copies: the views point into memory the next call may reuse.
  out.set("numbers", val::global("Uint32Array")
                         .new_(emscripten::typed_memory_view(numbers.size(), numbers.data())));
  if (sizes) {
    out.set("sizes", val::global("Float64Array")
                         .new_(emscripten::typed_memory_view(sizes->size(), sizes->data())));
  }
  if (uids) out.set("uids", val(*uids));
  return out;
}

val bytes_copy(std::string_view bytes) {
  const auto* data = reinterpret_cast<const unsigned char*>(bytes.data());
  return val::global("Uint8Array").new_(emscripten::typed_memory_view(bytes.size(), data));
}

val to_js(const Error& error) {
  val out = val::object();
  out.set("code", val(error_code_name(error.code)));
  out.set("message", text(error.message));
  if (!error.response_code.empty()) out.set("responseCode", text(error.response_code));
  if (!error.server_text.empty()) out.set("serverText", text(error.server_text));
  if (error.server_refused) out.set("serverRefused", true);
  if (!error.details.empty()) out.set("details", text(error.details));
  if (error.code == ErrorCode::kProtocolViolation || error.code == ErrorCode::kLineTooLong ||
      error.code == ErrorCode::kReplyTooLarge || error.code == ErrorCode::kUnexpectedData) {
    out.set("offset", static_cast<double>(error.stream_offset));
  }
  return out;
}

val to_js(const Capabilities& caps) {
  val out = val::object();
  out.set("top", caps.top);
  out.set("user", caps.user);
  out.set("respCodes", caps.resp_codes);
  out.set("authRespCode", caps.auth_resp_code);
  out.set("pipelining", caps.pipelining);
  out.set("uidl", caps.uidl);
  out.set("stls", caps.stls);
  out.set("utf8", caps.utf8);
  out.set("utf8User", caps.utf8_user);
  out.set("lang", caps.lang);
  out.set("sasl", strings(caps.sasl));
  out.set("loginDelay", number_or_undefined(caps.login_delay));
  out.set("loginDelayPerUser", caps.login_delay_per_user);
  switch (caps.expire) {
    case Capabilities::Expire::kNotAnnounced:
      out.set("expire", val::undefined());
      break;
    case Capabilities::Expire::kNever:
      out.set("expire", val("never"));
      break;
    case Capabilities::Expire::kDays:
      out.set("expire", caps.expire_days);
      break;
  }
  out.set("expirePerUser", caps.expire_per_user);
  out.set("implementation",
          caps.implementation.empty() ? val::undefined() : text(caps.implementation));
  out.set("unknown", strings(caps.unknown));
  out.set("lines", strings(caps.lines));
  return out;
}

val to_js(const Event& event) {
  struct Visitor {
    val operator()(const GreetingEvent& e) const {
      val out = val::object();
      out.set("type", val(kEventGreeting));
      out.set("status", status_to_js(e.status));
      out.set("apopTimestamp", e.apop_timestamp ? text(*e.apop_timestamp) : val::undefined());
      return out;
    }
    // The bytes stay where they are: `spans` holds [offset, length] pairs into the input of
    // the last receive(), a CR comes first when `leadingCr` (see BodyChunkEvent).
    val operator()(const BodyChunkEvent& e) const {
      val out = val::object();
      out.set("type", val(kEventBody));
      out.set("id", e.id);
      out.set("leadingCr", e.leading_cr);
      std::vector<std::uint32_t> pairs;
      pairs.reserve(2 * e.spans.size());
      for (const auto& span : e.spans) {
        pairs.push_back(static_cast<std::uint32_t>(span.offset));
        pairs.push_back(static_cast<std::uint32_t>(span.length));
      }
      out.set("spans", val::global("Uint32Array")
                           .new_(emscripten::typed_memory_view(pairs.size(), pairs.data())));
      return out;
    }
    val operator()(const ReplyEvent& e) const {
      val out = val::object();
      out.set("type", val(kEventReply));
      out.set("id", e.id);
      out.set("command", val(command_keyword(e.kind)));
      out.set("ok", e.status.ok && !e.error);
      out.set("status", status_to_js(e.status));
      out.set("error", e.error ? to_js(*e.error) : val::undefined());
      out.set("data", data_to_js(e.data));
      out.set("bodySize", static_cast<double>(e.body_size));
      return out;
    }
    val operator()(const TlsRequestedEvent&) const {
      val out = val::object();
      out.set("type", val(kEventTlsRequested));
      return out;
    }
    val operator()(const TlsEstablishedEvent& e) const {
      val out = val::object();
      out.set("type", val(kEventTlsEstablished));
      out.set("protocol", val(e.protocol));
      out.set("cipher", val(e.cipher));
      return out;
    }
    val operator()(const ReadyEvent&) const {
      val out = val::object();
      out.set("type", val(kEventReady));
      return out;
    }
    val operator()(const TranscriptEvent& e) const {
      val out = val::object();
      out.set("type", val(kEventTranscript));
      out.set("direction", val(e.direction == Direction::kClient ? "client" : "server"));
      out.set("line", text(e.line));
      return out;
    }
    val operator()(const SessionErrorEvent& e) const {
      val out = val::object();
      out.set("type", val(kEventSessionError));
      out.set("error", to_js(e.error));
      return out;
    }
    val operator()(const SaslHostCallEvent& e) const {
      val out = val::object();
      out.set("type", val(kEventSaslHostCall));
      out.set("id", e.id);
      out.set("operation", val(e.operation));
      out.set("input", bytes_copy(e.input));
      return out;
    }
  };
  return std::visit(Visitor{}, event);
}

}  // namespace pop3::bindings
