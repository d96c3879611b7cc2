#include "certificate_text.hpp"

#include <openssl/bio.h>
#include <openssl/x509v3.h>

namespace pop3::tls {
namespace {

std::string bio_text(BIO* bio) {
  char* data = nullptr;
  const long length = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<std::size_t>(length > 0 ? length : 0));
  BIO_free(bio);
  return out;
}

}  // namespace

std::string name_text(const X509_NAME* name) {
  if (!name) return "(none)";
  BIO* bio = BIO_new(BIO_s_mem());
  X509_NAME_print_ex(bio, name, 0, XN_FLAG_ONELINE & ~ASN1_STRFLGS_ESC_MSB);
  return bio_text(bio);
}

std::string alt_names_text(X509* cert) {
  auto* names =
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
  if (!names) return "";
  std::string out;
  for (int i = 0; i < sk_GENERAL_NAME_num(names); ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(names, i);
    std::string item;
    if (name->type == GEN_DNS) {
      const ASN1_STRING* dns = name->d.dNSName;
      item = "DNS:" + std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(dns)),
                                  static_cast<std::size_t>(ASN1_STRING_length(dns)));
    } else if (name->type == GEN_IPADD) {
      const ASN1_OCTET_STRING* ip = name->d.iPAddress;
      const unsigned char* bytes = ASN1_STRING_get0_data(ip);
      if (ASN1_STRING_length(ip) == 4) {
        item = "IP:" + std::to_string(bytes[0]) + "." + std::to_string(bytes[1]) + "." +
               std::to_string(bytes[2]) + "." + std::to_string(bytes[3]);
      } else {
        item = "IP:(IPv6)";
      }
    }
    if (item.empty()) continue;
    if (!out.empty()) out += ", ";
    out += item;
  }
  GENERAL_NAMES_free(names);
  return out;
}

std::string time_text(const ASN1_TIME* time) {
  BIO* bio = BIO_new(BIO_s_mem());
  ASN1_TIME_print(bio, time);
  return bio_text(bio);
}

std::string certificate_text(X509* cert) {
  const std::string names = alt_names_text(cert);
  return name_text(X509_get_subject_name(cert)) + ", issued by " +
         name_text(X509_get_issuer_name(cert)) + ", valid from " +
         time_text(X509_get0_notBefore(cert)) + " to " + time_text(X509_get0_notAfter(cert)) +
         ", for " + (names.empty() ? "no alternative names" : names);
}

}  // namespace pop3::tls
