// Human-readable descriptions of certificates for error messages (subject, names, dates).
#pragma once

#include <openssl/x509.h>

#include <string>

namespace pop3::tls {

// "CN=mail.example.com" style one-line subject or issuer.
std::string name_text(const X509_NAME* name);
// The DNS and IP subject alternative names, comma separated ("DNS:a, IP:127.0.0.1").
std::string alt_names_text(X509* cert);
// An ASN1_TIME as OpenSSL prints it: "Jan  1 00:00:00 2021 GMT".
std::string time_text(const ASN1_TIME* time);
// Everything a user needs to recognise a certificate, in the one wording both TLS engines use
// (bindings/js/transports/node-tls.js builds the same text from Node's view of the certificate):
// "CN = localhost, issued by CN = Test CA, valid from <date> to <date>, for DNS:localhost".
std::string certificate_text(X509* cert);

}  // namespace pop3::tls
