// Human-readable descriptions of certificates for error messages (subject, names, dates).
#pragma once

#include <openssl/x509.h>

#include <string>

namespace pop3::tls {

// "CN=mail.example.com" style one-line subject or issuer.
std::string name_text(const X509_NAME* name);
// The DNS and IP subject alternative names, comma separated ("DNS:a, IP:127.0.0.1").
std::string alt_names_text(X509* cert);
// An ASN1_TIME as "2021-01-01 00:00:00 GMT"-like text.
std::string time_text(const ASN1_TIME* time);

}  // namespace pop3::tls
