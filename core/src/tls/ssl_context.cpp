#include "ssl_context.hpp"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <list>
#include <mutex>
#include <string>
#include <utility>

#include "pop3/tls/root_bundle.hpp"

namespace pop3::tls {
namespace {

// ChaCha20-Poly1305 first: measured fastest in WebAssembly, which has no AES instructions
// (bench/js/tls-ciphers.mjs); AES-GCM stays for servers without ChaCha20.
constexpr const char* kTls13Suites =
    "TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384";
constexpr const char* kTls12Ciphers =
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384";
constexpr std::size_t kCacheSize = 8;

std::string openssl_reason() {
  const unsigned long code = ERR_peek_last_error();
  ERR_clear_error();
  if (code == 0) return "unknown error";
  char buffer[256];
  ERR_error_string_n(code, buffer, sizeof buffer);
  return buffer;
}

bool add_default_roots(X509_STORE* store) {
  const auto bundle = mozilla_root_bundle();
  const unsigned char* p = bundle.data();
  const unsigned char* end = p + bundle.size();
  while (p < end) {
    X509* cert = d2i_X509(nullptr, &p, end - p);
    if (!cert) return false;
    X509_STORE_add_cert(store, cert);
    X509_free(cert);
  }
  return true;
}

std::optional<Error> add_pem_roots(X509_STORE* store, const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  int added = 0;
  while (X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr)) {
    X509_STORE_add_cert(store, cert);
    X509_free(cert);
    ++added;
  }
  BIO_free(bio);
  ERR_clear_error();  // the loop ends on a "no start line" error
  if (added == 0) {
    return make_error(ErrorCode::kInvalidArgument, "a CA option holds no PEM certificate");
  }
  return std::nullopt;
}

std::string cache_key(const TlsOptions& o) {
  std::string key = std::to_string(o.use_default_roots) + "|" +
                    std::to_string(static_cast<int>(o.min_version)) + "|" +
                    std::to_string(static_cast<int>(o.max_version)) + "|" + o.tls12_ciphers + "|" +
                    o.tls13_ciphersuites;
  for (const auto& pem : o.ca_pems) key += "|" + pem;
  return key;
}

// Settings both sides share: versions, no compression/renegotiation/tickets, ciphers, groups.
std::optional<Error> configure_common(SSL_CTX* ctx, TlsVersion min_version, TlsVersion max_version,
                                      const std::string& tls12_ciphers,
                                      const std::string& tls13_ciphersuites) {
  SSL_CTX_set_min_proto_version(ctx, static_cast<int>(min_version));
  SSL_CTX_set_max_proto_version(ctx, static_cast<int>(max_version));
  SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_TICKET);
  const std::string ciphers = tls12_ciphers.empty() ? kTls12Ciphers : tls12_ciphers;
  const std::string suites = tls13_ciphersuites.empty() ? kTls13Suites : tls13_ciphersuites;
  if (SSL_CTX_set_cipher_list(ctx, ciphers.c_str()) != 1 ||
      SSL_CTX_set_ciphersuites(ctx, suites.c_str()) != 1) {
    return make_error(ErrorCode::kInvalidArgument,
                      "unusable cipher preferences: " + openssl_reason());
  }
  if (SSL_CTX_set1_groups_list(ctx, "X25519:P-256:P-384") != 1) {
    return make_error(ErrorCode::kTlsHandshakeFailed,
                      "cannot set key exchange groups: " + openssl_reason());
  }
  return std::nullopt;
}

Result<SSL_CTX*> build_context(const TlsOptions& options) {
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  if (!ctx)
    return make_error(ErrorCode::kTlsHandshakeFailed,
                      "cannot create a TLS context: " + openssl_reason());
  auto fail = [&](Error error) -> Result<SSL_CTX*> {
    SSL_CTX_free(ctx);
    return error;
  };
  if (auto error = configure_common(ctx, options.min_version, options.max_version,
                                    options.tls12_ciphers, options.tls13_ciphersuites)) {
    return fail(*error);
  }
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
  X509_STORE* store = SSL_CTX_get_cert_store(ctx);
  if (options.use_default_roots && !add_default_roots(store)) {
    return fail(make_error(ErrorCode::kTlsHandshakeFailed,
                           "the embedded root bundle is corrupt: " + openssl_reason()));
  }
  for (const auto& pem : options.ca_pems) {
    if (auto error = add_pem_roots(store, pem)) return fail(*error);
  }
  return ctx;
}

// The server's certificate chain (leaf first) and private key, from PEM text.
std::optional<Error> use_identity(SSL_CTX* ctx, const TlsServerOptions& options) {
  BIO* chain = BIO_new_mem_buf(options.certificate_chain_pem.data(),
                               static_cast<int>(options.certificate_chain_pem.size()));
  X509* leaf = PEM_read_bio_X509(chain, nullptr, nullptr, nullptr);
  bool ok = leaf && SSL_CTX_use_certificate(ctx, leaf) == 1;
  X509_free(leaf);
  while (X509* intermediate = ok ? PEM_read_bio_X509(chain, nullptr, nullptr, nullptr) : nullptr) {
    ok = SSL_CTX_add0_chain_cert(ctx, intermediate) == 1;
    if (!ok) X509_free(intermediate);
  }
  BIO_free(chain);
  ERR_clear_error();  // the loop ends on a "no start line" error
  if (!ok)
    return make_error(ErrorCode::kInvalidArgument,
                      "the certificate chain holds no usable PEM certificate");
  BIO* key_bio = BIO_new_mem_buf(options.private_key_pem.data(),
                                 static_cast<int>(options.private_key_pem.size()));
  EVP_PKEY* key = PEM_read_bio_PrivateKey(key_bio, nullptr, nullptr, nullptr);
  BIO_free(key_bio);
  ok = key && SSL_CTX_use_PrivateKey(ctx, key) == 1 && SSL_CTX_check_private_key(ctx) == 1;
  EVP_PKEY_free(key);
  if (!ok) {
    return make_error(
        ErrorCode::kInvalidArgument,
        "the private key is not PEM or does not match the certificate: " + openssl_reason());
  }
  return std::nullopt;
}

Result<SSL_CTX*> build_server_context(const TlsServerOptions& options) {
  SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
  if (!ctx)
    return make_error(ErrorCode::kTlsHandshakeFailed,
                      "cannot create a TLS context: " + openssl_reason());
  std::optional<Error> error = configure_common(ctx, options.min_version, options.max_version,
                                                options.tls12_ciphers, options.tls13_ciphersuites);
  if (!error) error = use_identity(ctx, options);
  if (error) {
    SSL_CTX_free(ctx);
    return *error;
  }
  return ctx;
}

// Contexts by key, most recently used first. Never destroyed: freeing the contexts from a static
// destructor could run after OpenSSL's own atexit cleanup; held through a static pointer, they
// stay reachable (not leaks) until the process ends.
template <typename Build>
Result<SSL_CTX*> cached_context(const std::string& key, Build build) {
  static std::mutex mutex;
  static auto& cache = *new std::list<std::pair<std::string, SSL_CTX*>>;
  std::lock_guard lock(mutex);
  for (auto it = cache.begin(); it != cache.end(); ++it) {
    if (it->first == key) {
      cache.splice(cache.begin(), cache, it);
      SSL_CTX_up_ref(it->second);
      return it->second;
    }
  }
  auto ctx = build();
  if (!ctx) return ctx;
  cache.emplace_front(key, *ctx);
  SSL_CTX_up_ref(*ctx);
  if (cache.size() > kCacheSize) {
    SSL_CTX_free(cache.back().second);
    cache.pop_back();
  }
  return ctx;
}

}  // namespace

Result<SSL_CTX*> acquire_context(const TlsOptions& options) {
  return cached_context("client|" + cache_key(options), [&] { return build_context(options); });
}

Result<SSL_CTX*> acquire_server_context(const TlsServerOptions& options) {
  // A server builds one context per identity and settings, not one per connection.
  const std::string key = "server|" + std::to_string(static_cast<int>(options.min_version)) + "|" +
                          std::to_string(static_cast<int>(options.max_version)) + "|" +
                          options.tls12_ciphers + "|" + options.tls13_ciphersuites + "|" +
                          options.certificate_chain_pem + "|" + options.private_key_pem;
  return cached_context(key, [&] { return build_server_context(options); });
}

}  // namespace pop3::tls
