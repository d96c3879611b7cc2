#include "auth/scram_math.hpp"

#include "auth/secret_memory.hpp"
#include "pop3/auth/scram_keys.hpp"
#include "pop3/auth/sha.hpp"

namespace pop3::auth {
namespace scram {
namespace {

ShaKind sha_kind(ScramHash hash) {
  switch (hash) {
    case ScramHash::kSha1:
      return ShaKind::kSha1;
    case ScramHash::kSha256:
      return ShaKind::kSha256;
    case ScramHash::kSha512:
      return ShaKind::kSha512;
  }
  return ShaKind::kSha256;
}

}  // namespace

std::size_t digest_size(ScramHash hash) {
  return sha_size(sha_kind(hash));
}

std::string hmac(ScramHash hash, std::string_view key, std::string_view data) {
  return hmac_sha(sha_kind(hash), key, data);
}

std::string hash(ScramHash hash, std::string_view data) {
  return Sha::digest(sha_kind(hash), data);
}

std::optional<std::string> salted_password(ScramHash hash, std::string_view password,
                                           std::string_view salt, std::uint32_t iterations) {
  if (iterations == 0) return std::nullopt;
  return pbkdf2_sha(sha_kind(hash), password, salt, iterations);
}

std::string xor_bytes(std::string_view a, std::string_view b) {
  std::string out(a);
  for (std::size_t i = 0; i < out.size() && i < b.size(); ++i) out[i] ^= b[i];
  return out;
}

std::optional<std::vector<std::pair<char, std::string_view>>> attributes(std::string_view message) {
  std::vector<std::pair<char, std::string_view>> out;
  while (!message.empty()) {
    const auto comma = message.find(',');
    const std::string_view item = message.substr(0, comma);
    if (item.size() < 2 || item[1] != '=') return std::nullopt;
    out.emplace_back(item[0], item.substr(2));
    message.remove_prefix(comma == std::string_view::npos ? message.size() : comma + 1);
  }
  return out;
}

}  // namespace scram

std::optional<ScramVariant> scram_variant(std::string_view name) {
  const bool plus = name.ends_with("-PLUS");
  if (plus) name.remove_suffix(5);
  if (name == "SCRAM-SHA-1") return ScramVariant{ScramHash::kSha1, plus};
  if (name == "SCRAM-SHA-256") return ScramVariant{ScramHash::kSha256, plus};
  if (name == "SCRAM-SHA-512") return ScramVariant{ScramHash::kSha512, plus};
  return std::nullopt;
}

bool offers_scram_plus(const std::vector<std::string>& sasl) {
  for (const auto& m : sasl) {
    const auto variant = scram_variant(m);
    if (variant && variant->plus) return true;
  }
  return false;
}

std::string scram_name(ScramVariant variant) {
  const char* base = variant.hash == ScramHash::kSha1     ? "SCRAM-SHA-1"
                     : variant.hash == ScramHash::kSha256 ? "SCRAM-SHA-256"
                                                          : "SCRAM-SHA-512";
  return std::string(base) + (variant.plus ? "-PLUS" : "");
}

Result<ScramKeys> derive_scram_keys(ScramHash hash, std::string_view prepared_password,
                                    std::string salt, std::uint32_t iterations) {
  if (salt.empty() || iterations == 0) {
    return make_error(ErrorCode::kInvalidArgument, "SCRAM keys need a salt and iterations");
  }
  auto salted = scram::salted_password(hash, prepared_password, salt, iterations);
  if (!salted) return make_error(ErrorCode::kInvalidArgument, "SCRAM: PBKDF2 failed");
  ScramKeys keys;
  keys.salt = std::move(salt);
  keys.iterations = iterations;
  keys.stored_key = scram::hash(hash, scram::hmac(hash, *salted, "Client Key"));
  keys.server_key = scram::hmac(hash, *salted, "Server Key");
  wipe(*salted);
  return keys;
}

}  // namespace pop3::auth
