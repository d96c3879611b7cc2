// "tls-server-end-point" (RFC 5929 section 4.1) without a TLS library: the certificate's
// signature algorithm is read from its DER (RFC 5280 section 4.1.1.2) and the certificate hashed
// with the core's own SHA. Both engines use it (the WASM engine on OpenSSL's DER of the peer's
// certificate, Node's on the DER it reports), and the protocol module without a TLS engine has it.
#include <optional>

#include "pop3/auth/sha.hpp"
#include "pop3/tls/channel_binding.hpp"

namespace pop3::tls {
namespace {

struct Tlv {
  std::uint8_t tag;
  std::string_view value;
  std::size_t size;  // the whole element: tag, length and value
};

// One DER element at the start of `in` (definite lengths of up to 4 octets).
std::optional<Tlv> read_tlv(std::string_view in) {
  if (in.size() < 2) return std::nullopt;
  const auto tag = static_cast<std::uint8_t>(in[0]);
  std::size_t length = static_cast<std::uint8_t>(in[1]);
  std::size_t header = 2;
  if (length & 0x80) {
    const std::size_t octets = length & 0x7f;
    if (octets == 0 || octets > 4 || in.size() < 2 + octets) return std::nullopt;
    length = 0;
    for (std::size_t i = 0; i < octets; ++i)
      length = (length << 8) | static_cast<std::uint8_t>(in[2 + i]);
    header += octets;
  }
  if (in.size() - header < length) return std::nullopt;
  return Tlv{tag, in.substr(header, length), header + length};
}

constexpr std::uint8_t kSequence = 0x30;
constexpr std::uint8_t kOid = 0x06;

// The OIDs' DER contents, and the hash each signature names (RFC 5929: MD5 and SHA-1 become
// SHA-256).
struct Known {
  std::string_view oid;
  auth::ShaKind hash;
};
using auth::ShaKind;
const Known kSignatures[] = {
    {"\x2a\x86\x48\x86\xf7\x0d\x01\x01\x04", ShaKind::kSha256},  // md5WithRSAEncryption
    {"\x2a\x86\x48\x86\xf7\x0d\x01\x01\x05", ShaKind::kSha256},  // sha1WithRSAEncryption
    {"\x2a\x86\x48\x86\xf7\x0d\x01\x01\x0b", ShaKind::kSha256},  // sha256WithRSAEncryption
    {"\x2a\x86\x48\x86\xf7\x0d\x01\x01\x0c", ShaKind::kSha384},  // sha384WithRSAEncryption
    {"\x2a\x86\x48\x86\xf7\x0d\x01\x01\x0d", ShaKind::kSha512},  // sha512WithRSAEncryption
    {"\x2a\x86\x48\xce\x3d\x04\x01", ShaKind::kSha256},          // ecdsa-with-SHA1
    {"\x2a\x86\x48\xce\x3d\x04\x03\x02", ShaKind::kSha256},      // ecdsa-with-SHA256
    {"\x2a\x86\x48\xce\x3d\x04\x03\x03", ShaKind::kSha384},      // ecdsa-with-SHA384
    {"\x2a\x86\x48\xce\x3d\x04\x03\x04", ShaKind::kSha512},      // ecdsa-with-SHA512
};
constexpr std::string_view kRsaPss = "\x2a\x86\x48\x86\xf7\x0d\x01\x01\x0a";
const Known kHashes[] = {
    {"\x2b\x0e\x03\x02\x1a", ShaKind::kSha256},                  // sha1 (-> SHA-256)
    {"\x60\x86\x48\x01\x65\x03\x04\x02\x01", ShaKind::kSha256},  // sha256
    {"\x60\x86\x48\x01\x65\x03\x04\x02\x02", ShaKind::kSha384},  // sha384
    {"\x60\x86\x48\x01\x65\x03\x04\x02\x03", ShaKind::kSha512},  // sha512
};

std::optional<ShaKind> lookup(const Known* table, std::size_t n, std::string_view oid) {
  for (std::size_t i = 0; i < n; ++i) {
    if (table[i].oid == oid) return table[i].hash;
  }
  return std::nullopt;
}

// RSASSA-PSS names its hash in its parameters (RFC 4055 section 3.1): [0] hashAlgorithm, SHA-1
// when absent.
std::optional<ShaKind> pss_hash(std::string_view parameters) {
  const auto params = read_tlv(parameters);
  if (!params || params->tag != kSequence) return std::nullopt;
  const auto first = read_tlv(params->value);
  if (!first || first->tag != 0xa0) return ShaKind::kSha256;  // default sha1 -> SHA-256
  const auto algorithm = read_tlv(first->value);
  if (!algorithm || algorithm->tag != kSequence) return std::nullopt;
  const auto oid = read_tlv(algorithm->value);
  if (!oid || oid->tag != kOid) return std::nullopt;
  return lookup(kHashes, std::size(kHashes), oid->value);
}

// Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm AlgorithmIdentifier, signature }
std::optional<ShaKind> signature_hash(std::string_view der) {
  const auto certificate = read_tlv(der);
  if (!certificate || certificate->tag != kSequence) return std::nullopt;
  const auto tbs = read_tlv(certificate->value);
  if (!tbs || tbs->tag != kSequence) return std::nullopt;
  const auto algorithm = read_tlv(certificate->value.substr(tbs->size));
  if (!algorithm || algorithm->tag != kSequence) return std::nullopt;
  const auto oid = read_tlv(algorithm->value);
  if (!oid || oid->tag != kOid) return std::nullopt;
  if (oid->value == kRsaPss) return pss_hash(algorithm->value.substr(oid->size));
  return lookup(kSignatures, std::size(kSignatures), oid->value);
}

}  // namespace

Result<auth::ChannelBinding> server_end_point_binding(std::string_view der) {
  const auto certificate = read_tlv(der);
  if (!certificate || certificate->tag != kSequence || certificate->size != der.size()) {
    return make_error(ErrorCode::kInvalidArgument, "the server certificate is not DER X.509");
  }
  const auto hash = signature_hash(der);
  if (!hash) {
    return make_error(ErrorCode::kInvalidArgument,
                      "the server certificate's signature names no hash for tls-server-end-point");
  }
  return auth::ChannelBinding{"tls-server-end-point", auth::Sha::digest(*hash, der)};
}

}  // namespace pop3::tls
