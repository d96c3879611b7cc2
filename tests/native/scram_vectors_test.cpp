// SCRAM-SHA-512 and the -PLUS variants against exchanges computed independently (Python's
// hashlib/hmac, tests/fixtures/scram/make-vectors.py), from both sides; RFC 5929's hash choice
// for tls-server-end-point against certificates hashed by the same generator.
#include <gtest/gtest.h>

#include <string_view>

#include "pop3/auth/base64.hpp"
#include "pop3/auth/mechanisms.hpp"
#include "pop3/auth/sasl_server.hpp"
#include "pop3/tls/channel_binding.hpp"

using namespace pop3;
using namespace pop3::auth;

namespace {

#include "scram_vectors.inc"

Credentials user_pencil(const ScramVector& v) {
  Credentials c;
  c.user = v.user;
  c.password = v.password;
  return c;
}

ChannelBinding binding_of(const ScramVector& v) {
  return {v.cb_type, std::string(v.cb_data)};
}

// The server's randomness in the vectors: every byte 0x2a.
ServerMechanismContext fixed_context(const ScramVector& v, bool plus_offered) {
  ServerMechanismContext context;
  context.random = [](std::span<std::uint8_t> out) {
    for (auto& b : out) b = 0x2a;
  };
  if (*v.cb_type) context.channel_bindings = {binding_of(v)};
  context.plus_offered = plus_offered;
  return context;
}

AccountSecrets stored_keys(const ScramVector& v) {
  ScramKeys keys;
  keys.salt = *base64_decode(v.salt_base64);
  keys.iterations = v.iterations;
  keys.stored_key = *base64_decode(v.stored_key);
  keys.server_key = *base64_decode(v.server_key);
  AccountSecrets secrets;
  const auto variant = scram_variant(v.mechanism);
  (variant->hash == ScramHash::kSha1     ? secrets.scram_sha1
   : variant->hash == ScramHash::kSha256 ? secrets.scram_sha256
                                         : secrets.scram_sha512) = keys;
  return secrets;
}

}  // namespace

TEST(ScramVectors, ClientMatchesTheIndependentComputation) {
  for (const auto& v : kScramVectors) {
    SCOPED_TRACE(std::string(v.mechanism) + " " + v.gs2_header);
    const auto variant = scram_variant(v.mechanism);
    ASSERT_TRUE(variant);
    ScramBinding binding{v.gs2_header[0], variant->plus ? binding_of(v) : ChannelBinding{}};
    auto m = make_scram(variant->hash, user_pencil(v), v.client_nonce, binding);
    EXPECT_EQ(m->name(), v.mechanism);
    EXPECT_EQ(m->initial_response(), v.client_first);
    auto final_message = m->respond(v.server_first);
    ASSERT_TRUE(final_message.ok()) << final_message.error().message;
    EXPECT_EQ(*final_message, v.client_final);
    ASSERT_TRUE(m->respond(v.server_final).ok());
    EXPECT_FALSE(m->complete().has_value());
  }
}

TEST(ScramVectors, ServerMatchesTheIndependentComputation) {
  for (const auto& v : kScramVectors) {
    SCOPED_TRACE(std::string(v.mechanism) + " " + v.gs2_header);
    auto m = make_server_mechanism(v.mechanism, fixed_context(v, false));
    ASSERT_TRUE(m);
    EXPECT_EQ(m->start(std::string_view(v.client_first)).kind, ServerStep::Kind::kNeedAccount);
    EXPECT_EQ(m->user(), "user");
    const auto secrets = stored_keys(v);
    const auto first = m->account(&secrets);
    ASSERT_EQ(first.kind, ServerStep::Kind::kChallenge) << first.data;
    EXPECT_EQ(first.data, v.server_first);
    const auto last = m->respond(v.client_final);
    ASSERT_EQ(last.kind, ServerStep::Kind::kChallenge) << last.data;
    EXPECT_EQ(last.data, v.server_final);
    EXPECT_EQ(m->respond("").kind, ServerStep::Kind::kSuccess);
  }
}

// The same exchange with other binding data (a relay's TLS connection) fails at the proof.
TEST(ScramVectors, ServerRefusesOtherBindingData) {
  for (const auto& v : kScramVectors) {
    if (!*v.cb_type) continue;
    SCOPED_TRACE(v.mechanism);
    auto context = fixed_context(v, true);
    context.channel_bindings[0].data[0] ^= 1;
    auto m = make_server_mechanism(v.mechanism, context);
    m->start(std::string_view(v.client_first));
    const auto secrets = stored_keys(v);
    m->account(&secrets);
    const auto step = m->respond(v.client_final);
    EXPECT_EQ(step.kind, ServerStep::Kind::kFailure);
    EXPECT_NE(step.data.find("channel binding mismatch"), std::string::npos) << step.data;
  }
}

TEST(ScramVectors, ServerRefusesBindingFlagsItCannotHonour) {
  const auto refusal = [](std::string_view mechanism, std::string_view client_first,
                          std::vector<ChannelBinding> bindings, bool plus_offered) {
    ServerMechanismContext context;
    context.random = [](std::span<std::uint8_t> out) {
      for (auto& b : out) b = 1;
    };
    context.channel_bindings = std::move(bindings);
    context.plus_offered = plus_offered;
    auto step = make_server_mechanism(mechanism, context)->start(client_first);
    return step.kind == ServerStep::Kind::kFailure ? step.data : std::string();
  };
  const std::vector<ChannelBinding> exporter = {{"tls-exporter", std::string(32, 'x')}};
  // "y" where -PLUS was offered: someone removed the offer (RFC 5802 section 6).
  EXPECT_NE(refusal("SCRAM-SHA-256", "y,,n=u,r=abcdefgh", exporter, true).find("downgrade"),
            std::string::npos);
  EXPECT_EQ(refusal("SCRAM-SHA-256", "y,,n=u,r=abcdefgh", {}, false), "");
  EXPECT_NE(refusal("SCRAM-SHA-256-PLUS", "n,,n=u,r=abcdefgh", exporter, true), "");
  EXPECT_NE(refusal("SCRAM-SHA-256", "p=tls-exporter,,n=u,r=abcdefgh", exporter, true), "");
  EXPECT_NE(refusal("SCRAM-SHA-256-PLUS", "p=tls-unique,,n=u,r=abcdefgh", exporter, true)
                .find("tls-unique is not available"),
            std::string::npos);
  EXPECT_NE(refusal("SCRAM-SHA-512", "x,,n=u,r=abcdefgh", {}, false), "");
}

TEST(ScramFactory, PlusNeedsBindingDataAndSetsTheFlag) {
  Credentials c;
  c.user = "u";
  c.password = "p";
  MechanismContext context;
  context.client_nonce = "0123456789abcdefghij";
  EXPECT_FALSE(make_mechanism("SCRAM-SHA-256-PLUS", c, context).ok());
  EXPECT_EQ((*make_mechanism("scram-sha-512", c, context))->initial_response()->substr(0, 3),
            "n,,");
  context.channel_binding = {"tls-exporter", std::string(32, 'x')};
  EXPECT_EQ((*make_mechanism("SCRAM-SHA-512", c, context))->initial_response()->substr(0, 3),
            "y,,");
  auto plus = make_mechanism("SCRAM-SHA-1-PLUS", c, context);
  ASSERT_TRUE(plus.ok());
  EXPECT_EQ((*plus)->name(), "SCRAM-SHA-1-PLUS");
  EXPECT_EQ((*plus)->initial_response()->substr(0, 16), "p=tls-exporter,,");
  context.server_offers_plus = true;
  EXPECT_EQ((*make_mechanism("SCRAM-SHA-512", c, context))->initial_response()->substr(0, 3),
            "n,,");
}

TEST(ChannelBinding, ServerEndPointHashesWithTheCertificatesSignatureHash) {
  for (const auto& v : kEndPointVectors) {
    SCOPED_TRACE(v.what);
    auto binding = tls::server_end_point_binding(v.der);
    ASSERT_TRUE(binding.ok()) << binding.error().message;
    EXPECT_EQ(binding->type, "tls-server-end-point");
    EXPECT_EQ(binding->data, v.binding);
  }
  auto garbage = tls::server_end_point_binding("not a certificate");
  ASSERT_FALSE(garbage.ok());
  EXPECT_EQ(garbage.error().code, ErrorCode::kInvalidArgument);
}
