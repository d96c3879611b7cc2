// SASL GSSAPI (RFC 4752): Kerberos V5 login without a password on the wire. The core has no
// Kerberos library: the mechanism is the RFC's state machine, and every GSS-API call (the
// context tokens, unwrapping the server's security-layer offer, wrapping the answer) is a
// HostCall that the host makes with the platform's library and answers through host_reply().
//
//   AUTH GSSAPI               S: +                       (empty challenge)
//   host: gss_init_sec_context("")          -> AP-REQ    C: <AP-REQ>
//   S: + <AP-REP>   host: gss_init_sec_context(AP-REP)  -> complete, no token   C: (empty)
//   S: + <wrapped offer>   host: gss_unwrap -> 4 octets (layers, max size)
//   host: gss_wrap(0x01 "no security layer", size 0, authzid)   C: <wrapped answer>
//   S: +OK
#pragma once

#include <memory>

#include "pop3/auth/mechanisms.hpp"
#include "pop3/auth/sasl_mechanism.hpp"

namespace pop3::auth {

// RFC 4752 section 3.3: the security-layer bit masks of the first octet.
inline constexpr unsigned char kGssNoSecurityLayer = 0x01;
inline constexpr unsigned char kGssIntegrityLayer = 0x02;
inline constexpr unsigned char kGssConfidentialityLayer = 0x04;

// `credentials.authzid` is the identity to act as (empty: the Kerberos principal itself).
std::unique_ptr<SaslMechanism> make_gssapi(const Credentials& credentials);

}  // namespace pop3::auth
