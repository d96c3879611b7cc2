/*
 * Smoke test of the OpenSSL WASM build made by scripts/build-openssl-wasm.sh.
 *
 * Prints "ok <check>" or "FAIL <check>: ..." per check and, last, "SMOKE PASS" or
 * "SMOKE FAIL <n>". Built with -sFILESYSTEM=0, so it also proves that nothing (random
 * seeding, config loading) needs a file system.
 *
 *   prefix="$(scripts/build-openssl-wasm.sh)"
 *   emcc -O2 -I"$prefix/include" scripts/openssl-wasm/smoke-test.c \
 *     "$prefix/lib/libssl.a" "$prefix/lib/libcrypto.a" -sFILESYSTEM=0 \
 *     -sENVIRONMENT=web -sMODULARIZE=1 -sEXPORT_ES6=1 -o smoke.mjs
 *   (load smoke.mjs in Node 20 with { wasmBinary: <bytes of smoke.wasm> })
 *
 * -DSMOKE_CLIENT_ONLY keeps only the client-side checks (a size estimate for a TLS client
 * module); the default also runs in-memory TLS 1.2/1.3 handshakes against a server using the
 * test certificates below (RSA-2048 CA; leaves for pop.example.test: ECDSA P-256, Ed25519,
 * ECDSA P-384, and RSA-4096 signed with RSA-PSS whose SAN also holds IP 192.0.2.1; valid
 * until 2126; test-only keys, not secrets), and checks X.509 parsing (PEM and DER), chain,
 * host name, IP and time checks, SPKI pins and certificate text (subject, validity, SANs)
 * outside TLS. Together the checks cover what
 * build-openssl-wasm.sh trims around: every algorithm a TLS 1.2/1.3 client needs goes through
 * at least one of them (RSA PKCS#1 v1.5 and PSS signatures, RSA key exchange, ECDSA P-256/
 * P-384, Ed25519, X25519/P-256/P-384, AES-GCM, ChaCha20-Poly1305, SHA-1/2, HMAC, HKDF, the
 * TLS 1.2 PRF and TLS 1.3 KDF, PBKDF2, base64); the client-side checks also cover IPv4/IPv6
 * literal parsing, X25519 against RFC 7748 and the Montgomery ladder (the full build also
 * Ed25519 against RFC 8032), the "wrong version number" reason string (unless built with
 * no-err), and that the project's cipher suites and the X25519/P-256/P-384 groups are still
 * offered. The offered suites, groups and the ClientHello size are printed ("info") so that a
 * trimmed build can be compared with an untrimmed one.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/kdf.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

static int failures;

/* ERR_print_errors_fp() does not exist when the library is built with no-stdio. */
static int print_error(const char *str, size_t len, void *unused)
{
    (void)unused;
    printf("%.*s", (int)len, str);
    return 1;
}

static void check(int cond, const char *name, const char *fmt, ...)
{
    if (cond) {
        printf("ok %s\n", name);
        return;
    }
    failures++;
    printf("FAIL %s: ", name);
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    ERR_print_errors_cb(print_error, NULL);
}

static const char *hex(const unsigned char *buf, size_t len)
{
    static char out[2 * 128 + 1];
    size_t i;
    if (len > 128)
        len = 128;
    for (i = 0; i < len; i++)
        sprintf(out + 2 * i, "%02x", buf[i]);
    out[2 * len] = '\0';
    return out;
}

static void check_hex(const char *name, const unsigned char *buf, size_t len, const char *want)
{
    const char *got = hex(buf, len);
    check(strcmp(got, want) == 0, name, "got %s, want %s", got, want);
}

static void check_digest(const char *name, const char *md, const char *want)
{
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    int rc = EVP_Digest("abc", 3, out, &len, EVP_get_digestbyname(md), NULL);
    check_hex(name, out, rc ? len : 0, want);
}

/* Decodes the lower-case hex string s into out (strlen(s) / 2 bytes); no scanf in here. */
static int hexval(char c)
{
    return c >= 'a' ? c - 'a' + 10 : c - '0';
}

static void unhex(const char *s, unsigned char *out)
{
    for (; s[0] && s[1]; s += 2)
        *out++ = (unsigned char)(hexval(s[0]) << 4 | hexval(s[1]));
}

/*
 * X25519 through EVP: the public key of a raw private key (ossl_x25519_public_from_private(),
 * i.e. the base point table, see trim-curve25519-table.patch), and a shared secret (the
 * Montgomery ladder, x25519_scalar_mult(), which does not use the table).
 */
static int x25519_public(const unsigned char priv[32], unsigned char pub[32])
{
    EVP_PKEY *key = EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, NULL, priv, 32);
    size_t len = 32;
    int ok = key != NULL && EVP_PKEY_get_raw_public_key(key, pub, &len) == 1 && len == 32;
    EVP_PKEY_free(key);
    return ok;
}

static int x25519_derive(const unsigned char priv[32], const unsigned char peer[32],
                         unsigned char out[32])
{
    EVP_PKEY *key = EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, NULL, priv, 32);
    EVP_PKEY *peer_key = EVP_PKEY_new_raw_public_key(EVP_PKEY_X25519, NULL, peer, 32);
    EVP_PKEY_CTX *ctx = key != NULL ? EVP_PKEY_CTX_new_from_pkey(NULL, key, NULL) : NULL;
    size_t len = 32;
    int ok = ctx != NULL && peer_key != NULL && EVP_PKEY_derive_init(ctx) == 1
             && EVP_PKEY_derive_set_peer(ctx, peer_key) == 1
             && EVP_PKEY_derive(ctx, out, &len) == 1 && len == 32;
    EVP_PKEY_CTX_free(ctx);
    EVP_PKEY_free(peer_key);
    EVP_PKEY_free(key);
    return ok;
}

static void x25519_checks(void)
{
    /* RFC 7748 section 6.1. */
    unsigned char a[32], b[32], pub[32], shared[32];
    unhex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a", a);
    unhex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb", b);
    int rc = x25519_public(a, pub);
    check_hex("X25519 public key (RFC 7748 6.1, Alice)", pub, rc ? 32 : 0,
              "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
    rc = x25519_public(b, pub);
    check_hex("X25519 public key (RFC 7748 6.1, Bob)", pub, rc ? 32 : 0,
              "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
    rc = x25519_derive(a, pub, shared);
    check_hex("X25519 shared secret (RFC 7748 6.1)", shared, rc ? 32 : 0,
              "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");

    /*
     * Public keys from the table against X25519(k, 9), the ladder on the base point, for the
     * private keys SHA-256(i), i = 0..63: the signed radix-16 digits of these scalars select
     * every one of the table's 256 entries (already the first 32 keys do).
     */
    static const unsigned char nine[32] = {9};
    int bad = 0, failed = 0;
    for (unsigned int i = 0; i < 64; i++) {
        unsigned char seed[2] = {(unsigned char)i, 0}, priv[32], ladder[32];
        SHA256(seed, sizeof seed, priv);
        if (!x25519_public(priv, pub) || !x25519_derive(priv, nine, ladder))
            failed++;
        else if (memcmp(pub, ladder, 32) != 0)
            bad++;
    }
    check(bad == 0 && failed == 0, "X25519 public keys = X25519(k, 9) for 64 keys",
          "%d differ, %d failed", bad, failed);
}

/*
 * The supported_groups extension (RFC 8446 4.2.7) of a ClientHello record: returns its list
 * of 2-byte group ids and sets *count, or returns NULL.
 */
static const unsigned char *client_hello_groups(const unsigned char *rec, size_t len,
                                                size_t *count)
{
    size_t pos = 5 + 4 + 2 + 32;   /* record header, handshake header, version, random */
    *count = 0;
    if (len < pos + 1)
        return NULL;
    pos += 1 + rec[pos];                                     /* session id */
    if (len < pos + 2)
        return NULL;
    pos += 2 + ((size_t)rec[pos] << 8 | rec[pos + 1]);       /* cipher suites */
    if (len < pos + 1)
        return NULL;
    pos += 1 + rec[pos];                                     /* compression methods */
    if (len < pos + 2)
        return NULL;
    pos += 2;                                                /* extensions length */
    while (pos + 4 <= len) {
        unsigned int type = (unsigned int)rec[pos] << 8 | rec[pos + 1];
        size_t elen = (size_t)rec[pos + 2] << 8 | rec[pos + 3];
        pos += 4;
        if (pos + elen > len)
            return NULL;
        if (type == 0x000a && elen >= 2) {                  /* supported_groups */
            size_t glen = (size_t)rec[pos] << 8 | rec[pos + 1];
            if (glen + 2 > elen || glen % 2 != 0)
                return NULL;
            *count = glen / 2;
            return rec + pos + 2;
        }
        pos += elen;
    }
    return NULL;
}

static void client_hello_check(void)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    check(ctx != NULL, "SSL_CTX_new(TLS_client_method)", "NULL");
    if (ctx == NULL)
        return;
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    SSL *ssl = SSL_new(ctx);
    BIO *rbio = BIO_new(BIO_s_mem()), *wbio = BIO_new(BIO_s_mem());
    BIO_set_mem_eof_return(rbio, -1);  /* empty input means "want more", not EOF */
    SSL_set_bio(ssl, rbio, wbio);
    SSL_set_tlsext_host_name(ssl, "pop.example.test");
    SSL_set1_host(ssl, "pop.example.test");
    SSL_set_connect_state(ssl);

    int rc = SSL_do_handshake(ssl);
    int err = SSL_get_error(ssl, rc);
    check(rc == -1 && err == SSL_ERROR_WANT_READ, "SSL_do_handshake wants to read",
          "rc=%d err=%d", rc, err);
    const unsigned char *p = NULL;
    long n = BIO_get_mem_data(wbio, (char **)&p);
    /* TLS record: type 22 (handshake), then a handshake message of type 1 (ClientHello). */
    check(n > 9 && p[0] == 0x16 && p[5] == 0x01, "ClientHello in the write BIO",
          "%ld bytes, starting %s", n, hex(p, n > 8 ? 8 : (size_t)(n > 0 ? n : 0)));
    printf("info ClientHello: %ld bytes\n", n);

    /* A plain-text greeting where the ServerHello should be: the classic "wrong version
     * number", whose reason string the library shows to users. */
    static const char greeting[] = "+OK POP3 server ready\r\n";
    BIO_write(rbio, greeting, sizeof greeting - 1);
    ERR_clear_error();
    rc = SSL_do_handshake(ssl);
    err = SSL_get_error(ssl, rc);
    unsigned long code = ERR_peek_last_error();
    char reason[256];
    ERR_error_string_n(code, reason, sizeof reason);
    check(rc <= 0 && err == SSL_ERROR_SSL && ERR_GET_REASON(code) == SSL_R_WRONG_VERSION_NUMBER,
          "plain text instead of a ServerHello: SSL_R_WRONG_VERSION_NUMBER",
          "rc=%d err=%d %s", rc, err, reason);
#ifndef OPENSSL_NO_ERR
    check(strstr(reason, "wrong version number") != NULL, "ERR_error_string_n reason string",
          "%s", reason);
#endif
    printf("info ERR_error_string_n: %s\n", reason);
    ERR_clear_error();

    STACK_OF(SSL_CIPHER) *ciphers = SSL_get1_supported_ciphers(ssl);
    char offered[2048] = " ";
    printf("info offered cipher suites:");
    for (int i = 0; i < sk_SSL_CIPHER_num(ciphers); i++) {
        const char *name = SSL_CIPHER_get_name(sk_SSL_CIPHER_value(ciphers, i));
        printf(" %s", name);
        if (strlen(offered) + strlen(name) + 2 < sizeof offered) {
            strcat(offered, name);
            strcat(offered, " ");
        }
    }
    printf("\n");
    sk_SSL_CIPHER_free(ciphers);
    /* The suites a trimmed build must still offer (the project's TLS 1.3 and 1.2 lists). */
    static const char *const required[] = {
        "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
        "ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256",
        "ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-RSA-AES256-GCM-SHA384",
        "ECDHE-ECDSA-CHACHA20-POLY1305", "ECDHE-RSA-CHACHA20-POLY1305",
    };
    for (size_t i = 0; i < sizeof required / sizeof required[0]; i++) {
        char want[64], name[96];
        snprintf(want, sizeof want, " %s ", required[i]);
        snprintf(name, sizeof name, "offers %s", required[i]);
        check(strstr(offered, want) != NULL, name, "not offered");
    }
    /* Key exchange groups in the ClientHello: X25519, P-256 and P-384 must be offered. */
    size_t ngroups = 0;
    const unsigned char *groups = client_hello_groups(p, n > 0 ? (size_t)n : 0, &ngroups);
    int have_x25519 = 0, have_p256 = 0, have_p384 = 0;
    printf("info offered groups:");
    for (size_t i = 0; groups != NULL && i < ngroups; i++) {
        unsigned int id = (unsigned int)groups[2 * i] << 8 | groups[2 * i + 1];
        printf(" 0x%04x", id);
        have_x25519 |= id == 0x001d;
        have_p256 |= id == 0x0017;
        have_p384 |= id == 0x0018;
    }
    printf("\n");
    check(have_x25519 && have_p256 && have_p384, "offers groups X25519, P-256, P-384",
          "%zu groups", ngroups);
    SSL_free(ssl);
    SSL_CTX_free(ctx);
}

#ifndef SMOKE_CLIENT_ONLY
static const char CA_PEM[] =
    "-----BEGIN CERTIFICATE-----\n"
    "MIIDNzCCAh+gAwIBAgIUByLd17ln45ZCyDgFTxpgT3STuBkwDQYJKoZIhvcNAQEL\n"
    "BQAwIjEgMB4GA1UEAwwXcG9wMy13YXNtIHNtb2tlIHRlc3QgQ0EwIBcNMjYxMTI2\n"
    "MDYzNjMyWhgPMjEyNjExMDIwNjM2MzJaMCIxIDAeBgNVBAMMF3BvcDMtd2FzbSBz\n"
    "bW9rZSB0ZXN0IENBMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA0lic\n"
    "Dbwkm1aBPeSpUfHSjUg/CCWd/MZS31sSJpWHr1qN9XKsDz1G4jFkhsetgigR515G\n"
    "Mb7Uxcu1J5AtAwqoQxnUpm8q8w5BSkdwbluAnKcYgoh4AI8bF8qLRbWd31l536Lr\n"
    "RYHrRLHS8Dv+oT3l2T7PpWbTwbD8mFydhsUpvdxPXPFGOw+kdgNkG1tq5FR7/9Yr\n"
    "iblvClsSm/pkWUz7KZzj7oEQRIBuOK0c4jtuoFOKFX9Pwx5ayH9QBkTROR9l3ImY\n"
    "5MqlrHA5ZGSoLeC3EYBujDTifoC6NW05+owCbb5tAutexDPysQLwpTZu7RdwgdTY\n"
    "coC6FNu2UPkvjFjBYQIDAQABo2MwYTAdBgNVHQ4EFgQUjQGi+foX4HAx04UCDQX5\n"
    "ABBWnNQwHwYDVR0jBBgwFoAUjQGi+foX4HAx04UCDQX5ABBWnNQwDwYDVR0TAQH/\n"
    "BAUwAwEB/zAOBgNVHQ8BAf8EBAMCAQYwDQYJKoZIhvcNAQELBQADggEBAB50GBM9\n"
    "v9mOQMVvMpesZeFIbDJLNJrcQ/kn/aVqyVBc7eLN33aVJa6WxbZMsIKW5We1E3YJ\n"
    "pYzogTUfcRyyI/Qbc8+HNiEqgbB5gdbwD9jmX5U0YqsVsAWsgv1T7DsScKBfAsgR\n"
    "+GvvhwoqaZpBbNg62C/ZcZcs6ZfZcXgwXzzmWya6lkp/meM0UU4QY2aiveHeOj9X\n"
    "x0dliOZ6m7XBhE4R44b2xqzYlD7TfARo942ysBsjxg2id4fEYqulrXmsEE2W70Vj\n"
    "FIAPT5xtE9xV4Df4d3sFp2/HzgOjyWG1obvZeFRibZksST7bPBBsH1UsLoYC1xYH\n"
    "TgyBJX49RNpobw0=\n"
    "-----END CERTIFICATE-----\n";
static const char EC_CERT_PEM[] =
    "-----BEGIN CERTIFICATE-----\n"
    "MIICljCCAX6gAwIBAgIUVtBaGvDG0212Az/CravSCZCTfyYwDQYJKoZIhvcNAQEL\n"
    "BQAwIjEgMB4GA1UEAwwXcG9wMy13YXNtIHNtb2tlIHRlc3QgQ0EwIBcNMjYxMTI2\n"
    "MDYzNjMyWhgPMjEyNjExMDIwNjM2MzJaMBsxGTAXBgNVBAMMEHBvcC5leGFtcGxl\n"
    "LnRlc3QwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAARBrtY36RB31WHZdRj5Mxf4\n"
    "AK3JpsKYMnUNR/NZe83D63eo95YWN1GYFV1+N0sNu2D9Q7iitNM8ylOMih/i54Zw\n"
    "o4GTMIGQMAwGA1UdEwEB/wQCMAAwDgYDVR0PAQH/BAQDAgeAMBMGA1UdJQQMMAoG\n"
    "CCsGAQUFBwMBMBsGA1UdEQQUMBKCEHBvcC5leGFtcGxlLnRlc3QwHQYDVR0OBBYE\n"
    "FFlliF9GAd/9Vh8MmpZQ0cwK9tEWMB8GA1UdIwQYMBaAFI0Bovn6F+BwMdOFAg0F\n"
    "+QAQVpzUMA0GCSqGSIb3DQEBCwUAA4IBAQB/uoWIIXFVVW4C0r9t6an/TemExtEX\n"
    "7QpkxIDIvEahCm2PWK4mRMPliCHv00VHFg03Kb69IArqTTphU8alKD5kvDP0Vtzj\n"
    "F//26+qxlqXYLb4u9nHXt5uvTLdiPojwlmktrxIAT85/N9Hc4OaOL5uSeKBK1scV\n"
    "VCkugemmMCIgRsqyKEJIS6GMaOw5ukr/rJHkfyzQliDIBpRIBks0djjf3s8MNQhm\n"
    "9aEU25PjuXntIHX7Hewn419Z8kYeDt8B4M68JK/i/mLN0VL0VRq2tfg3OiDy9oo7\n"
    "jeV+0WU+mdqtmb6TpV5mNUIEIPkwx8MONlpQtwtzc3UJlz46uQqWWuov\n"
    "-----END CERTIFICATE-----\n";
static const char EC_KEY_PEM[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgR6gSpZPNWxxDvuzr\n"
    "khZDLIdPvzc9Q48Tdr1h4y/YaHShRANCAARBrtY36RB31WHZdRj5Mxf4AK3JpsKY\n"
    "MnUNR/NZe83D63eo95YWN1GYFV1+N0sNu2D9Q7iitNM8ylOMih/i54Zw\n"
    "-----END PRIVATE KEY-----\n";
static const char ED_CERT_PEM[] =
    "-----BEGIN CERTIFICATE-----\n"
    "MIICZzCCAU+gAwIBAgIUVtBaGvDG0212Az/CravSCZCTfycwDQYJKoZIhvcNAQEL\n"
    "BQAwIjEgMB4GA1UEAwwXcG9wMy13YXNtIHNtb2tlIHRlc3QgQ0EwIBcNMjYxMTI2\n"
    "MDYzNjMyWhgPMjEyNjExMDIwNjM2MzJaMBsxGTAXBgNVBAMMEHBvcC5leGFtcGxl\n"
    "LnRlc3QwKjAFBgMrZXADIQAHCxABZvUdigFoFR4VhdmmU3drGPYr5OSKRDOh1KSi\n"
    "wqOBkzCBkDAMBgNVHRMBAf8EAjAAMA4GA1UdDwEB/wQEAwIHgDATBgNVHSUEDDAK\n"
    "BggrBgEFBQcDATAbBgNVHREEFDASghBwb3AuZXhhbXBsZS50ZXN0MB0GA1UdDgQW\n"
    "BBRixv84w8KUjY4lsfwWJ4AOrNfgDTAfBgNVHSMEGDAWgBSNAaL5+hfgcDHThQIN\n"
    "BfkAEFac1DANBgkqhkiG9w0BAQsFAAOCAQEAZ1tem8t7BIMAKdDKyXa1jBusZgcK\n"
    "gHnfa/lVHiIyHx0iILeTJs5qkDCPm27HQwRO6MjMyics/LACPcseGZoc9yr3yIVj\n"
    "q5vboraSxbNchrDrd7M94oyIg8ihD8xIm0lFpm2PiSpIN4Nxt/J8DWJ8ea1e1TXw\n"
    "09xx0BtxJfKnTkefzpNPDQgFEmOSg7JFSqXaPdDfDsyuy/iWinCLdXka2vljRXkF\n"
    "zle55BcSJExPnP0HazpALGYu5jJvs8tMQHVqAt8ylimsUpz3JScZvR9MJE0Hq5Yh\n"
    "YtfT9aMPm1kQrwC1qTSMGa4KRRFAkZrbtqV+foE3yPWAuCkg/ES/gtTV4g==\n"
    "-----END CERTIFICATE-----\n";
static const char ED_KEY_PEM[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MC4CAQAwBQYDK2VwBCIEIB5zikl4Bb9eLvIGLAVPeBWZabQHMHosMKK3J8k1SZh4\n"
    "-----END PRIVATE KEY-----\n";

static const char RSA_CERT_PEM[] =
    "-----BEGIN CERTIFICATE-----\n"
    "MIIE2DCCA4ygAwIBAgIUVtBaGvDG0212Az/CravSCZCTfygwQQYJKoZIhvcNAQEK\n"
    "MDSgDzANBglghkgBZQMEAgEFAKEcMBoGCSqGSIb3DQEBCDANBglghkgBZQMEAgEF\n"
    "AKIDAgEgMCIxIDAeBgNVBAMMF3BvcDMtd2FzbSBzbW9rZSB0ZXN0IENBMCAXDTI2\n"
    "MTEyNjA2NTcwNloYDzIxMjYxMTAyMDY1NzA2WjAkMSIwIAYDVQQDDBlwb3AuZXhh\n"
    "bXBsZS50ZXN0IFJTQS00MDk2MIICIjANBgkqhkiG9w0BAQEFAAOCAg8AMIICCgKC\n"
    "AgEAomvQEOlYZ7WR3hWoScLzhai4WfUF0n8zaAoX7DpN0HJrkHEZUi1VChPzBKDv\n"
    "ormzibO7n3iJURAsqAVUMLQigRq1JA7C7AN5FHlXZThzA1GIVkfv/CIlo0st1MV7\n"
    "OAr97khgCXAAUuqAn3SqqLBJU0dXgPhoZGTSW1/pKT4hHOLSj7Hw1mE+f0ix5Xha\n"
    "yOt5UCcvmEPrk+z6BmE7VyHIRtE/VBAnaC2gpvKbrH/hcQO+WR/clH9O4ggGfXkb\n"
    "IuOo2oWu888Hi5aOtnZtymsFhRqSHkonhiyAZX3CkssMP2qSQUHuENSHy+hTxIfn\n"
    "NCuO1TOaOCHvKtgekX+G9djCQWhqkqXvvXiX56slgh5/Xtx2kNkpqyXpNPDSxFuP\n"
    "/lF2IgqQhdL3i8QeNpRJ6KNBAV1kCO4oWdcmeS5VnKYaSIpQKYFpEOIjaRH/bxCn\n"
    "PZIpg3axWLFyg3fRnWQ7UL6TlEq/UIqiKM0mjCEkx44KJkjTEx6ofVdIDfsW3zra\n"
    "s7zx9VaZqI7meul71nHeCHrONZjFm6HjIqDFnRxsSkgCNY7k/0p0OTT9E5zr4ypw\n"
    "mvYPJ2szyQMliUa5brhlH9bYCJU8UTMO0wtZi3Aa9wX6RWyKpwqVm6VoI65deURF\n"
    "hJQmRK+Uo0JGMMdMSjjaRqCUkM/sT7VjJ5xi0cIissGa1mECAwEAAaOBmTCBljAM\n"
    "BgNVHRMBAf8EAjAAMA4GA1UdDwEB/wQEAwIFoDATBgNVHSUEDDAKBggrBgEFBQcD\n"
    "ATAhBgNVHREEGjAYghBwb3AuZXhhbXBsZS50ZXN0hwTAAAIBMB0GA1UdDgQWBBSb\n"
    "umBTTAxeLsVDOrX4ih7qXLqt0zAfBgNVHSMEGDAWgBSNAaL5+hfgcDHThQINBfkA\n"
    "EFac1DBBBgkqhkiG9w0BAQowNKAPMA0GCWCGSAFlAwQCAQUAoRwwGgYJKoZIhvcN\n"
    "AQEIMA0GCWCGSAFlAwQCAQUAogMCASADggEBAF355RehFnU31kgMgc/1vOV0U8Eb\n"
    "A1eAUuysRo6665dLA0yOBxjkXWrE7zO2yC3aU9Nd/FvMh0Dkv/G1xQqpSIA15SRJ\n"
    "fbgwtuzlpshLxupDJTkifdrQWPtVMvFwk5dpIPgtKFthSUJiCdQugewLXs0Aq+Su\n"
    "AIyQhmMs1IAlg1P3peTJ7V4wP3+A9WOQsvzY/iKk0gvhMIwl2P7fVFsqxim0zp16\n"
    "0PUR9ZdjpH7YEEZ+gxZ7xaRefGGBf4uVgaQTGxiULEeZyoYCqEDBWMl5BC3Oc19k\n"
    "OQpc+AmbvIDDButZU79UnF9rlOdszoXc48Yq0rRxCTTv20icQKlsFfWwWrc=\n"
    "-----END CERTIFICATE-----\n";

static const char RSA_KEY_PEM[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIIJRAIBADANBgkqhkiG9w0BAQEFAASCCS4wggkqAgEAAoICAQCia9AQ6VhntZHe\n"
    "FahJwvOFqLhZ9QXSfzNoChfsOk3QcmuQcRlSLVUKE/MEoO+iubOJs7ufeIlRECyo\n"
    "BVQwtCKBGrUkDsLsA3kUeVdlOHMDUYhWR+/8IiWjSy3UxXs4Cv3uSGAJcABS6oCf\n"
    "dKqosElTR1eA+GhkZNJbX+kpPiEc4tKPsfDWYT5/SLHleFrI63lQJy+YQ+uT7PoG\n"
    "YTtXIchG0T9UECdoLaCm8pusf+FxA75ZH9yUf07iCAZ9eRsi46jaha7zzweLlo62\n"
    "dm3KawWFGpIeSieGLIBlfcKSyww/apJBQe4Q1IfL6FPEh+c0K47VM5o4Ie8q2B6R\n"
    "f4b12MJBaGqSpe+9eJfnqyWCHn9e3HaQ2SmrJek08NLEW4/+UXYiCpCF0veLxB42\n"
    "lEnoo0EBXWQI7ihZ1yZ5LlWcphpIilApgWkQ4iNpEf9vEKc9kimDdrFYsXKDd9Gd\n"
    "ZDtQvpOUSr9QiqIozSaMISTHjgomSNMTHqh9V0gN+xbfOtqzvPH1VpmojuZ66XvW\n"
    "cd4Ies41mMWboeMioMWdHGxKSAI1juT/SnQ5NP0TnOvjKnCa9g8nazPJAyWJRrlu\n"
    "uGUf1tgIlTxRMw7TC1mLcBr3BfpFbIqnCpWbpWgjrl15REWElCZEr5SjQkYwx0xK\n"
    "ONpGoJSQz+xPtWMnnGLRwiKywZrWYQIDAQABAoICABsao7uWvRZ9ccyeT5mTi2Dk\n"
    "IXN9lI2mhXUYrhpRNngRCAswHHoer4DBiH3ev26nz6KsmCRKEJwy90jIrt57yQBD\n"
    "bTQJtJR/Fd8JSsDM9UB6BCbl1VH9fstruce2dtQI3Yw8jq40fxFXKcSySuJgnLPl\n"
    "hWAz0/Pg8UunSzkDMbJo1Zt+JcMYsj26a1lwRrIdvX5XM7WUrATg+G5FHopxTEMp\n"
    "GwjTs0fKyXLirIDSTFQ4PDUSQJSVVBwbG74njhQ56o0g3uu3wjoUk1c2lya+ykqG\n"
    "fxjH5iWZWonVPTmS4cXZanOyZWBwnwKzj/sNdNM7a5f/hv5UB13ed+du4R44oF3W\n"
    "ZTC5jds4oYQmXLBE5NhBTj+piCtbtgo4emLuLoOLlo69wzFse8/MLlYoQgiHNBzK\n"
    "KvNf8WXvisMVQvbPQRK+Wtd1MVZmYwl1Ow4U/zFJJuI58QeLhCOpOhdgtVGzNzeB\n"
    "L5stwXaFhGhM2ZKsJ8hB95VapvBc4a4+RDICyzmh5TyaMZ9x7Xf7JZiSj8+7v5aD\n"
    "h3IItZ/Gy0LiHI8OW5z0JcTAFCnyQ8nSRbRYU+ggN3u/vcNGyPv/ytWAg5vaE1gr\n"
    "umrPKG5TmC2X0f0hr65v5bByR7W+SMmIiHAiFPfBuUEO+fgtztD/futB0wnq9+5Y\n"
    "WoiMwYVJ1BHbyWjSXjErAoIBAQDkzy6fN8A7JMWvgDsjGUe6rW9Aj7igmcxyagV2\n"
    "zJ58RH3h7Tdl/RNKQIrJy2oqYt7JOvjy84bEuRT735uiZUOu8yF1u7Sd9ynmjmiW\n"
    "5vlGLWedY+db+YrqR7Ny0r+0G9yJYnmwQNDPny2uaMxQ5+4zOta/YwJoUDWVtrwJ\n"
    "kKF3MviC5jjc6z0HiJTMcF15GtY7a6jey6Ne9TvYMZ+prPqnPtPV9qI6Idwannu0\n"
    "Is9Qcr6iwhP8NbQKA04XRdsN6PTMDcI6tN6DjnKapS002s7elr0HAmi45fYpxh+7\n"
    "fG39K7Xud3SniSAMTxKWTovDaA4ftzvmlJ4LFauExdaRfxuDAoIBAQC1uPm2uHBx\n"
    "LPAOkB0OfzcXhW+8lUqwcQkAQwCuBnS4zzoXG2Jgcx6sBpp9iU1AZ5kNEWtkNSSy\n"
    "Ul01lbVO8VRRCF6eZwSERtd6dFSHIkfSxmP+9bLc8/Ce6cQ81e4iE4/n3bDjhIfr\n"
    "G8RuIDyZkoUyGPK2vVz5whYTsfz9vV5VXLW0LU5ZfXM29zsKn44PueWtGlYB/Cg0\n"
    "h3XYUgAMIp1yIu+dzrWHYT+JVff7QS4D+iiX6F9yZW1nty+FNKenxaa9GfJtp3t8\n"
    "4psWPUtsDVqvhEYl4yLdv8ejs29ukPu/iFgXdAWEZVZWjEe73b7R2RbadhtNo/4Y\n"
    "bTC60pNfDW1LAoIBAQDhdSkKaEP5wz0rtp4O8r0UPAtQwY16arHi14d0zSEpb8/e\n"
    "jAE3dMzKMJjRSKffBjdib8KYms/kDj+YBHj15vRvclE5EnFh6gcWkKKMdyGPPfRI\n"
    "SQXTQivYuDghX3rYfU+s7CTeQK/AtaesoMUav76eKk8qnOPlZ4u1by8P+bywmL/5\n"
    "M+M6BG3Je5Krc9kXGROZz3bBukTLr7d9S0B5T+JYY/cWcQTfZTfd3uYj1N0U90vT\n"
    "UougzEYQS7tqAUJdDXwRiUkm0cwkM3vH2BSYbTbEbCHswznvX2FVPk1MT8qNWcHW\n"
    "LUz8PIkgt9Wn19OuA11PcR0MEss8PukYVl0cVvQDAoIBAQCS1E/oZGRt/apFigoA\n"
    "Qafo+GcND++WWu6z6G9vLUY4YTAFpZm6Zqncw0Ums77YkBxpI68K+6mX79biSgGC\n"
    "NJo1EzcodAKBQqAukDoQKhGwa542Tp3jy7KbJDTsFsrfe8Dlzwly/A26WOhBNwjf\n"
    "6TR4AxJxttWd9EVUSpcpCk5jWJJ0b7sDscpbGi35amwlpsW+NS5TUkPGFcGRNMhX\n"
    "Bc0DgNjtQC0KovfsZqsEt2iPzBvqidY9H1jj2W6rCZ2BgME1v/ZSxWWQxaQbtxDu\n"
    "0Gd6s7zeNgVg+Ok9Cum5g6n12xuab6NZk2vMaHI5iHT7J5ZAk/eBp0TSxb7+5NAw\n"
    "mC+7AoIBAQDh4hN2HfIZ6E/oFhsHQ6nrDgVPecBYrUHi2CvIo9TIk5gLSvQDzkOx\n"
    "7uazzd8S3+a0nGfYCEZf5pBpKnV5a/gCVnnYfL5Hw94iyGJXwomimS3S/95zvWwQ\n"
    "Bqh1WdbgooFEnPrqc59WKabo1bfQVcCdByIzlnsvWuBnA0mSfah4ViU9rZrQ4flx\n"
    "QQTb1rou+OKvP4yY/hQg4S+UdTl0Jzxbdwq2kwjoMJtgB4uijqhuFzmVrneVEsvj\n"
    "7EVlan0dlADjQmterE9vmHUQebyx/mk5l+Q1atpw9D6wYdzqM0LMwDuQzWJvnOhM\n"
    "JxXWfKe4usWAKUvXWbBPv6zWQkMjc8/7\n"
    "-----END PRIVATE KEY-----\n";

static const char EC384_CERT_PEM[] =
    "-----BEGIN CERTIFICATE-----\n"
    "MIICuTCCAaGgAwIBAgIUVtBaGvDG0212Az/CravSCZCTfykwDQYJKoZIhvcNAQEM\n"
    "BQAwIjEgMB4GA1UEAwwXcG9wMy13YXNtIHNtb2tlIHRlc3QgQ0EwIBcNMjYxMTI2\n"
    "MDY1NzA2WhgPMjEyNjExMDIwNjU3MDZaMCExHzAdBgNVBAMMFnBvcC5leGFtcGxl\n"
    "LnRlc3QgUC0zODQwdjAQBgcqhkjOPQIBBgUrgQQAIgNiAASnFP9DlVzq7ET/wc2u\n"
    "qO5p2Iwc8790/3tiUfOT67HjosOFlTI7Af5+blau17qMqCu3obfoK4UgmMnepo9H\n"
    "uufhe8AhjEF8ui2pliTysq+uvDNeP92/i75HbhgIk8DJHbajgZMwgZAwDAYDVR0T\n"
    "AQH/BAIwADAOBgNVHQ8BAf8EBAMCB4AwEwYDVR0lBAwwCgYIKwYBBQUHAwEwGwYD\n"
    "VR0RBBQwEoIQcG9wLmV4YW1wbGUudGVzdDAdBgNVHQ4EFgQUAIEdQRIN19ZQIO1A\n"
    "BCw5IFEy+08wHwYDVR0jBBgwFoAUjQGi+foX4HAx04UCDQX5ABBWnNQwDQYJKoZI\n"
    "hvcNAQEMBQADggEBAJj3Uye61f6CEwIXbsOHwG9x/zEATOaEeIvnLatdO+6l+rd0\n"
    "ffyAqeh12JtYgGWkdzB1XFe6Ldqz+O9E9w2zPQi6IY6gBCmlxp+HXadN/JrXFwqR\n"
    "lGqRhU2oALKJDTKGEYCIDmXLUEc9R9p6060RrO0WW17dcaWNsMtMmLYQeg3d4PYk\n"
    "4ZZRktjWdjXMR1bS3wMBSjMZuH0OeV2M60dEcD4VX0QK011Zcwp8ZRCVAj94BbPf\n"
    "2q+pO0b/9gowGxwn7itIlPDlc8jC409U/hBacNEYt4aNo24XyUrh1PEai3tft+Rl\n"
    "hY5Qxk/ywi+9XpiS5hZ46xOV2Xuo8icaYT56Ucs=\n"
    "-----END CERTIFICATE-----\n";

static const char EC384_KEY_PEM[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIG2AgEAMBAGByqGSM49AgEGBSuBBAAiBIGeMIGbAgEBBDACrB5u3qEgt6mX+Y7W\n"
    "d9vzWq5CnLcvobxaeMtJVLVZhWxEfZ3x8SlyD4prNd2eFw6hZANiAASnFP9DlVzq\n"
    "7ET/wc2uqO5p2Iwc8790/3tiUfOT67HjosOFlTI7Af5+blau17qMqCu3obfoK4Ug\n"
    "mMnepo9Huufhe8AhjEF8ui2pliTysq+uvDNeP92/i75HbhgIk8DJHbY=\n"
    "-----END PRIVATE KEY-----\n";

static X509 *load_cert(const char *pem)
{
    BIO *b = BIO_new_mem_buf(pem, -1);
    X509 *x = PEM_read_bio_X509(b, NULL, NULL, NULL);
    BIO_free(b);
    return x;
}

static EVP_PKEY *load_key(const char *pem)
{
    BIO *b = BIO_new_mem_buf(pem, -1);
    EVP_PKEY *k = PEM_read_bio_PrivateKey(b, NULL, NULL, NULL);
    BIO_free(b);
    return k;
}

/* Moves every pending byte from one memory BIO to another. */
static void pump(BIO *from, BIO *to)
{
    char buf[4096];
    int n;
    while ((n = BIO_read(from, buf, sizeof buf)) > 0)
        BIO_write(to, buf, n);
}

struct tls_case {
    const char *name;
    int version;               /* TLS1_2_VERSION or TLS1_3_VERSION */
    const char *ciphers;       /* TLS 1.3 suites or TLS 1.2 cipher list */
    const char *groups;
    const char *cert, *key;
    const char *host;          /* name the client expects */
    int trust_ca;
    long want_verify;          /* X509_V_OK: handshake must succeed */
    const char *sigalgs;       /* client signature algorithms; NULL: the default list */
    int want_sig_nid;          /* server's signature type (RSA: PKCS#1 v1.5 or PSS); 0: any */
};

static void tls_case_run(X509 *ca, const struct tls_case *t)
{
    SSL_CTX *cctx = SSL_CTX_new(TLS_client_method());
    SSL_CTX *sctx = SSL_CTX_new(TLS_server_method());
    X509 *cert = load_cert(t->cert);
    EVP_PKEY *key = load_key(t->key);
    SSL_CTX_use_certificate(sctx, cert);
    SSL_CTX_use_PrivateKey(sctx, key);
    if (t->trust_ca)
        X509_STORE_add_cert(SSL_CTX_get_cert_store(cctx), ca);
    SSL_CTX_set_verify(cctx, SSL_VERIFY_PEER, NULL);
    SSL_CTX_set_min_proto_version(cctx, t->version);
    SSL_CTX_set_max_proto_version(cctx, t->version);

    SSL *c = SSL_new(cctx), *s = SSL_new(sctx);
    BIO *c_in = BIO_new(BIO_s_mem()), *c_out = BIO_new(BIO_s_mem());
    BIO *s_in = BIO_new(BIO_s_mem()), *s_out = BIO_new(BIO_s_mem());
    BIO_set_mem_eof_return(c_in, -1);
    BIO_set_mem_eof_return(s_in, -1);
    SSL_set_bio(c, c_in, c_out);
    SSL_set_bio(s, s_in, s_out);
    if (t->version == TLS1_3_VERSION)
        SSL_set_ciphersuites(c, t->ciphers);
    else
        SSL_set_cipher_list(c, t->ciphers);
    SSL_set1_groups_list(c, t->groups);
    if (t->sigalgs != NULL)
        SSL_set1_sigalgs_list(c, t->sigalgs);
    SSL_set_tlsext_host_name(c, t->host);
    SSL_set1_host(c, t->host);
    SSL_set_connect_state(c);
    SSL_set_accept_state(s);

    int c_done = 0, s_done = 0, c_failed = 0, rounds;
    for (rounds = 0; rounds < 20 && !(c_done && s_done) && !c_failed; rounds++) {
        if (!c_done) {
            int rc = SSL_do_handshake(c);
            if (rc == 1)
                c_done = 1;
            else if (SSL_get_error(c, rc) != SSL_ERROR_WANT_READ)
                c_failed = 1;
        }
        pump(c_out, s_in);
        if (!s_done) {
            int rc = SSL_do_handshake(s);
            if (rc == 1)
                s_done = 1;
            else if (SSL_get_error(s, rc) != SSL_ERROR_WANT_READ)
                s_done = -1;
        }
        pump(s_out, c_in);
    }
    long verify = SSL_get_verify_result(c);
    if (t->want_verify == X509_V_OK) {
        char name[160];
        check(c_done == 1 && s_done == 1 && verify == X509_V_OK, t->name,
              "client=%d server=%d verify=%ld (%s)", c_done, s_done, verify,
              X509_verify_cert_error_string(verify));
        if (c_done == 1 && s_done == 1) {
            const char msg[] = "+OK POP3 server ready\r\n";
            char got[64] = {0};
            SSL_write(s, msg, sizeof msg - 1);
            pump(s_out, c_in);
            int n = SSL_read(c, got, sizeof got - 1);
            snprintf(name, sizeof name, "%s: application data", t->name);
            check(n == (int)sizeof msg - 1 && memcmp(got, msg, n) == 0, name, "read %d", n);
            int sig_nid = NID_undef;
            SSL_get_peer_signature_type_nid(c, &sig_nid);
            if (t->want_sig_nid != 0) {
                snprintf(name, sizeof name, "%s: server signature type", t->name);
                check(sig_nid == t->want_sig_nid, name, "got %s, want %s", OBJ_nid2sn(sig_nid),
                      OBJ_nid2sn(t->want_sig_nid));
            }
            const char *group = SSL_group_to_name(c, SSL_get_negotiated_group(c));
            printf("info %s: %s %s group=%s signature=%s\n", t->name, SSL_get_version(c),
                   SSL_get_cipher_name(c), group != NULL ? group : "none", OBJ_nid2sn(sig_nid));
        }
    } else {
        check(c_done != 1 && verify == t->want_verify, t->name,
              "client=%d verify=%ld (%s), want %ld", c_done, verify,
              X509_verify_cert_error_string(verify), t->want_verify);
        ERR_clear_error();
    }
    SSL_free(c);
    SSL_free(s);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
    X509_free(cert);
    EVP_PKEY_free(key);
}

/* Verifies leaf against ca alone; host, ip may be NULL; at != 0 sets the verification time. */
static long verify_leaf(X509 *ca, X509 *leaf, const char *host, const char *ip, time_t at)
{
    X509_STORE *store = X509_STORE_new();
    X509_STORE_add_cert(store, ca);
    X509_STORE_CTX *vctx = X509_STORE_CTX_new();
    X509_STORE_CTX_init(vctx, store, leaf, NULL);
    X509_VERIFY_PARAM *param = X509_STORE_CTX_get0_param(vctx);
    if (host != NULL)
        X509_VERIFY_PARAM_set1_host(param, host, 0);
    if (ip != NULL)
        X509_VERIFY_PARAM_set1_ip_asc(param, ip);
    if (at != 0)
        X509_VERIFY_PARAM_set_time(param, at);
    long result = X509_verify_cert(vctx) == 1 ? X509_V_OK : X509_STORE_CTX_get_error(vctx);
    if (result == X509_V_OK && X509_STORE_CTX_get_error(vctx) != X509_V_OK)
        result = X509_STORE_CTX_get_error(vctx);
    X509_STORE_CTX_free(vctx);
    X509_STORE_free(store);
    return result;
}

static void check_verify(X509 *ca, X509 *leaf, const char *name, const char *host, const char *ip,
                         time_t at, long want)
{
    long got = verify_leaf(ca, leaf, host, ip, at);
    check(got == want, name, "got %ld (%s), want %ld (%s)", got,
          X509_verify_cert_error_string(got), want, X509_verify_cert_error_string(want));
}

/* SHA-256 of the DER SubjectPublicKeyInfo, base64: the SPKI pin of RFC 7469. */
static void check_pin(X509 *cert, const char *name, const char *want)
{
    unsigned char *der = NULL;
    int len = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(cert), &der);
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    unsigned char b64[64] = {0};
    if (len > 0 && EVP_Digest(der, (size_t)len, md, &mdlen, EVP_sha256(), NULL))
        EVP_EncodeBlock(b64, md, (int)mdlen);
    OPENSSL_free(der);
    check(strcmp((char *)b64, want) == 0, name, "got %s, want %s", b64, want);
}

/* X.509 outside TLS: DER round trip, RSA-PSS signature, 4096-bit key, IP and time checks. */
static void x509_checks(X509 *ca)
{
    X509 *rsa = load_cert(RSA_CERT_PEM), *ec384 = load_cert(EC384_CERT_PEM);
    check(rsa != NULL && ec384 != NULL, "PEM_read_bio_X509 (RSA-4096, P-384 leaves)", "NULL");
    if (rsa == NULL || ec384 == NULL)
        return;

    /* DER: what the embedded root bundle holds. */
    unsigned char *der = NULL;
    int len = i2d_X509(rsa, &der);
    const unsigned char *p = der;
    X509 *rsa_der = len > 0 ? d2i_X509(NULL, &p, len) : NULL;
    check(rsa_der != NULL && p == der + len && X509_cmp(rsa, rsa_der) == 0,
          "d2i_X509 (RSA-4096 leaf, DER)", "len=%d", len);
    OPENSSL_free(der);

    check_verify(ca, rsa_der != NULL ? rsa_der : rsa,
                 "X509_verify_cert (RSA CA -RSA-PSS-> RSA-4096 leaf, host)",
                 "pop.example.test", NULL, 0, X509_V_OK);
    check_verify(ca, rsa, "X509_VERIFY_PARAM_set1_ip_asc 192.0.2.1", NULL, "192.0.2.1", 0,
                 X509_V_OK);
    check_verify(ca, rsa, "X509_VERIFY_PARAM_set1_ip_asc 192.0.2.2 is refused", NULL,
                 "192.0.2.2", 0, X509_V_ERR_IP_ADDRESS_MISMATCH);
    /* time_t is 32 bits in this Emscripten: 2030 is within the validity, 2000 before it. */
    check_verify(ca, rsa, "X509_VERIFY_PARAM_set_time 2030", "pop.example.test", NULL,
                 (time_t)1893456000, X509_V_OK);
    check_verify(ca, rsa, "X509_VERIFY_PARAM_set_time 2000 is refused", "pop.example.test",
                 NULL, (time_t)946684800, X509_V_ERR_CERT_NOT_YET_VALID);
    check_verify(ca, ec384, "X509_verify_cert (RSA CA -> P-384 leaf, host)", "pop.example.test",
                 NULL, 0, X509_V_OK);

    /* Expected values: openssl x509 -pubkey | openssl pkey -pubin -outform DER | sha256 | base64 */
    check_pin(rsa, "SPKI pin (RSA-4096)", "bevdhSpsO7Ch49MM0VRWkHPH57qu81kfdMT8Rqhazo0=");
    check_pin(ec384, "SPKI pin (P-384)", "IfyaqSh1LnOJn2/jzTOUTQ2RePEA/7aKAyvpTCYu52A=");

    /* What the library shows of a certificate: subject, validity, subject alternative names. */
    BIO *mem = BIO_new(BIO_s_mem());
    char *text = NULL;
    X509_NAME_print_ex(mem, X509_get_subject_name(rsa), 0, XN_FLAG_ONELINE & ~ASN1_STRFLGS_ESC_MSB);
    long tlen = BIO_get_mem_data(mem, &text);
    static const char subject[] = "CN = pop.example.test RSA-4096";
    check(tlen == (long)sizeof subject - 1 && memcmp(text, subject, sizeof subject - 1) == 0,
          "X509_NAME_print_ex", "%.*s", (int)tlen, text);
    (void)BIO_reset(mem);
    ASN1_TIME_print(mem, X509_get0_notAfter(rsa));
    tlen = BIO_get_mem_data(mem, &text);
    check(tlen > 8 && memcmp(text + tlen - 8, "2126 GMT", 8) == 0, "ASN1_TIME_print", "%.*s",
          (int)tlen, text);
    BIO_free(mem);
    GENERAL_NAMES *names = X509_get_ext_d2i(rsa, NID_subject_alt_name, NULL, NULL);
    int dns = 0, ip = 0;
    for (int i = 0; i < sk_GENERAL_NAME_num(names); i++) {
        const GENERAL_NAME *gn = sk_GENERAL_NAME_value(names, i);
        dns += gn->type == GEN_DNS;
        ip += gn->type == GEN_IPADD && ASN1_STRING_length(gn->d.iPAddress) == 4;
    }
    check(dns == 1 && ip == 1, "X509_get_ext_d2i (subjectAltName)", "dns=%d ip=%d", dns, ip);
    GENERAL_NAMES_free(names);

    X509_free(rsa_der);
    X509_free(rsa);
    X509_free(ec384);
}

/*
 * Ed25519 key derivation and signing (RFC 8032 section 7.1, TEST 1 and 2): both go through
 * the base point table (ge_scalarmult_base(), see trim-curve25519-table.patch), as does the
 * server side of the Ed25519 handshakes below.
 */
static void ed25519_checks(void)
{
    static const struct { const char *name, *secret, *public, *msg, *sig; } tests[] = {
        { "Ed25519 (RFC 8032 TEST 1)",
          "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
          "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
          "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
          "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b" },
        { "Ed25519 (RFC 8032 TEST 2)",
          "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
          "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
          "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
          "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00" },
    };
    for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++) {
        unsigned char secret[32], msg[1], pub[32], sig[64];
        size_t msglen = strlen(tests[i].msg) / 2, publen = sizeof pub, siglen = sizeof sig;
        char name[80];
        unhex(tests[i].secret, secret);
        unhex(tests[i].msg, msg);
        EVP_PKEY *key = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, secret, 32);
        int rc = key != NULL && EVP_PKEY_get_raw_public_key(key, pub, &publen) == 1;
        snprintf(name, sizeof name, "%s public key", tests[i].name);
        check_hex(name, pub, rc ? publen : 0, tests[i].public);
        EVP_MD_CTX *md = EVP_MD_CTX_new();
        rc = key != NULL && md != NULL && EVP_DigestSignInit(md, NULL, NULL, NULL, key) == 1
             && EVP_DigestSign(md, sig, &siglen, msg, msglen) == 1;
        snprintf(name, sizeof name, "%s signature", tests[i].name);
        check_hex(name, sig, rc ? siglen : 0, tests[i].sig);
        EVP_MD_CTX_free(md);
        EVP_PKEY_free(key);
    }
}

static void tls_checks(void)
{
    X509 *ca = load_cert(CA_PEM);
    check(ca != NULL, "PEM_read_bio_X509 (CA)", "NULL");

    /* Chain verification and host name check outside TLS. */
    X509 *leaf = load_cert(ED_CERT_PEM);
    X509_STORE *store = X509_STORE_new();
    X509_STORE_add_cert(store, ca);
    X509_STORE_CTX *vctx = X509_STORE_CTX_new();
    X509_STORE_CTX_init(vctx, store, leaf, NULL);
    X509_VERIFY_PARAM_set1_host(X509_STORE_CTX_get0_param(vctx), "pop.example.test", 0);
    int ok = X509_verify_cert(vctx);
    check(ok == 1, "X509_verify_cert (RSA CA -> Ed25519 leaf, host)", "%s",
          X509_verify_cert_error_string(X509_STORE_CTX_get_error(vctx)));
    X509_STORE_CTX_free(vctx);
    X509_STORE_free(store);
    X509_free(leaf);

    if (ca != NULL)
        x509_checks(ca);

    static const struct tls_case cases[] = {
        { "TLS 1.3 CHACHA20-POLY1305 X25519 Ed25519", TLS1_3_VERSION,
          "TLS_CHACHA20_POLY1305_SHA256", "X25519", ED_CERT_PEM, ED_KEY_PEM,
          "pop.example.test", 1, X509_V_OK },
        { "TLS 1.3 AES-256-GCM P-384 ECDSA", TLS1_3_VERSION,
          "TLS_AES_256_GCM_SHA384", "P-384", EC_CERT_PEM, EC_KEY_PEM,
          "pop.example.test", 1, X509_V_OK },
        { "TLS 1.3 AES-128-GCM P-256 ECDSA", TLS1_3_VERSION,
          "TLS_AES_128_GCM_SHA256", "P-256", EC_CERT_PEM, EC_KEY_PEM,
          "pop.example.test", 1, X509_V_OK },
        { "TLS 1.2 ECDHE-ECDSA-AES256-GCM-SHA384 P-256", TLS1_2_VERSION,
          "ECDHE-ECDSA-AES256-GCM-SHA384", "P-256", EC_CERT_PEM, EC_KEY_PEM,
          "pop.example.test", 1, X509_V_OK },
        { "TLS 1.2 ECDHE-ECDSA-CHACHA20-POLY1305 X25519", TLS1_2_VERSION,
          /* TLS 1.2: the client must list the ECDSA certificate's curve (RFC 8422) */
          "ECDHE-ECDSA-CHACHA20-POLY1305", "X25519:P-256", EC_CERT_PEM, EC_KEY_PEM,
          "pop.example.test", 1, X509_V_OK },
        { "TLS 1.3 AES-128-GCM X25519 RSA-4096 (RSA-PSS)", TLS1_3_VERSION,
          "TLS_AES_128_GCM_SHA256", "X25519", RSA_CERT_PEM, RSA_KEY_PEM,
          "pop.example.test", 1, X509_V_OK, NULL, NID_rsassaPss },
        { "TLS 1.3 CHACHA20-POLY1305 P-256 ECDSA P-384", TLS1_3_VERSION,
          "TLS_CHACHA20_POLY1305_SHA256", "P-256", EC384_CERT_PEM, EC384_KEY_PEM,
          "pop.example.test", 1, X509_V_OK },
        { "TLS 1.2 ECDHE-RSA-AES128-GCM-SHA256 P-384 RSA PKCS#1 v1.5", TLS1_2_VERSION,
          "ECDHE-RSA-AES128-GCM-SHA256", "P-384", RSA_CERT_PEM, RSA_KEY_PEM,
          "pop.example.test", 1, X509_V_OK, "RSA+SHA256", NID_rsaEncryption },
        { "TLS 1.2 ECDHE-RSA-CHACHA20-POLY1305 X25519 RSA-PSS", TLS1_2_VERSION,
          "ECDHE-RSA-CHACHA20-POLY1305", "X25519", RSA_CERT_PEM, RSA_KEY_PEM,
          "pop.example.test", 1, X509_V_OK, "rsa_pss_rsae_sha256", NID_rsassaPss },
        { "TLS 1.2 AES256-GCM-SHA384 (RSA key exchange)", TLS1_2_VERSION,
          "AES256-GCM-SHA384", "X25519", RSA_CERT_PEM, RSA_KEY_PEM,
          "pop.example.test", 1, X509_V_OK },
        { "TLS 1.2 ECDHE-ECDSA-AES128-GCM-SHA256 P-384 ECDSA P-384", TLS1_2_VERSION,
          "ECDHE-ECDSA-AES128-GCM-SHA256", "P-384", EC384_CERT_PEM, EC384_KEY_PEM,
          "pop.example.test", 1, X509_V_OK },
        { "host name mismatch is refused", TLS1_3_VERSION,
          "TLS_AES_128_GCM_SHA256", "X25519", ED_CERT_PEM, ED_KEY_PEM,
          "other.example.test", 1, X509_V_ERR_HOSTNAME_MISMATCH },
        { "unknown CA is refused", TLS1_3_VERSION,
          "TLS_AES_128_GCM_SHA256", "X25519", ED_CERT_PEM, ED_KEY_PEM,
          "pop.example.test", 0, X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        tls_case_run(ca, &cases[i]);
    X509_free(ca);
}
#endif /* SMOKE_CLIENT_ONLY */

int main(void)
{
    /* Before anything else: without it the handshake path tries to load openssl.cnf. */
    check(OPENSSL_init_ssl(OPENSSL_INIT_NO_LOAD_CONFIG, NULL) == 1, "OPENSSL_init_ssl", "failed");
    printf("info %s\n", OpenSSL_version(OPENSSL_VERSION));

    unsigned char r1[32] = {0}, r2[32] = {0}, zero[32] = {0};
    int rc1 = RAND_bytes(r1, sizeof r1), rc2 = RAND_bytes(r2, sizeof r2);
    check(rc1 == 1 && rc2 == 1 && memcmp(r1, r2, 32) != 0 && memcmp(r1, zero, 32) != 0,
          "RAND_bytes", "rc=%d,%d", rc1, rc2);
    printf("info random: %s\n", hex(r1, sizeof r1));

    unsigned char md[SHA256_DIGEST_LENGTH];
    SHA256((const unsigned char *)"abc", 3, md);
    check_hex("SHA256(abc)", md, sizeof md,
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    check_digest("EVP SHA-1(abc)", "SHA1", "a9993e364706816aba3e25717850c26c9cd0d89d");
    check_digest("EVP SHA-384(abc)", "SHA384",
                 "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed"
                 "8086072ba1e7cc2358baeca134c825a7");
    check_digest("EVP SHA-512(abc)", "SHA512",
                 "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
                 "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f");

    /* RFC 4231 test case 2. */
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int maclen = 0;
    HMAC(EVP_sha256(), "Jefe", 4, (const unsigned char *)"what do ya want for nothing?", 28,
         mac, &maclen);
    check_hex("HMAC-SHA256 (RFC 4231 #2)", mac, maclen,
              "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");

    /* RFC 7914 section 11 (PBKDF2-HMAC-SHA256) and RFC 6070 (PBKDF2-HMAC-SHA1). */
    unsigned char dk[64];
    int rc = PKCS5_PBKDF2_HMAC("passwd", 6, (const unsigned char *)"salt", 4, 1, EVP_sha256(),
                               64, dk);
    check_hex("PKCS5_PBKDF2_HMAC SHA-256 c=1 (RFC 7914)", dk, rc ? 64 : 0,
              "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
              "49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783");
    rc = PKCS5_PBKDF2_HMAC("Password", 8, (const unsigned char *)"NaCl", 4, 80000,
                           EVP_sha256(), 64, dk);
    check_hex("PKCS5_PBKDF2_HMAC SHA-256 c=80000 (RFC 7914)", dk, rc ? 64 : 0,
              "4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56"
              "a1d425a1225833549adb841b51c9b3176a272bdebba1d078478f62b397f33c8d");
    rc = PKCS5_PBKDF2_HMAC("password", 8, (const unsigned char *)"salt", 4, 4096, EVP_sha1(),
                           20, dk);
    check_hex("PKCS5_PBKDF2_HMAC SHA-1 c=4096 (RFC 6070)", dk, rc ? 20 : 0,
              "4b007901b765489abead49d926f721d065a429c1");

    EVP_KDF *kdf = EVP_KDF_fetch(NULL, "PBKDF2", NULL);
    EVP_KDF_CTX *kctx = kdf ? EVP_KDF_CTX_new(kdf) : NULL;
    unsigned int iter = 1;
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, "SHA256", 0),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_PASSWORD, "passwd", 6),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, "salt", 4),
        OSSL_PARAM_construct_uint(OSSL_KDF_PARAM_ITER, &iter),
        OSSL_PARAM_construct_end(),
    };
    rc = kctx ? EVP_KDF_derive(kctx, dk, 64, params) : 0;
    check_hex("EVP_KDF PBKDF2 SHA-256 c=1", dk, rc ? 64 : 0,
              "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
              "49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783");
    EVP_KDF_CTX_free(kctx);
    EVP_KDF_free(kdf);

    unsigned char b64[16] = {0};
    int n = EVP_EncodeBlock(b64, (const unsigned char *)"foobar", 6);
    check(n == 8 && strcmp((char *)b64, "Zm9vYmFy") == 0, "EVP_EncodeBlock", "got %s", b64);
    unsigned char raw[16] = {0};
    n = EVP_DecodeBlock(raw, (const unsigned char *)"Zm9vYmFy", 8);
    check(n == 6 && memcmp(raw, "foobar", 6) == 0, "EVP_DecodeBlock", "n=%d", n);

    /* RFC 5869 test case 1 (HKDF-SHA256), through EVP_KDF like the TLS 1.3 key schedule. */
    unsigned char ikm[22], salt[13], info[10], okm[42];
    memset(ikm, 0x0b, sizeof ikm);
    for (int i = 0; i < 13; i++)
        salt[i] = (unsigned char)i;
    for (int i = 0; i < 10; i++)
        info[i] = (unsigned char)(0xf0 + i);
    kdf = EVP_KDF_fetch(NULL, "HKDF", NULL);
    kctx = kdf ? EVP_KDF_CTX_new(kdf) : NULL;
    OSSL_PARAM hkdf_params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, "SHA256", 0),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, ikm, sizeof ikm),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, salt, sizeof salt),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, info, sizeof info),
        OSSL_PARAM_construct_end(),
    };
    rc = kctx ? EVP_KDF_derive(kctx, okm, sizeof okm, hkdf_params) : 0;
    check_hex("EVP_KDF HKDF SHA-256 (RFC 5869 #1)", okm, rc ? sizeof okm : 0,
              "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf"
              "34007208d5b887185865");
    EVP_KDF_CTX_free(kctx);
    EVP_KDF_free(kdf);

    /* IP address parsing (X509_VERIFY_PARAM_set1_ip_asc, SSL_set1_host with an IP literal). */
    static const struct { const char *ip; int ok; } ips[] = {
        { "192.0.2.1", 1 }, { "0.0.0.0", 1 }, { "255.255.255.255", 1 }, { "::ffff:192.0.2.1", 1 },
        { "2001:db8::1", 1 }, { "192.0.2", 0 }, { "192.0.2.256", 0 }, { "192.0.2.1x", 0 },
        { "192.0.2.-1", 0 }, { "192..2.1", 0 }, { "", 0 }, { "pop.example.test", 0 },
        { "192.0.2.1000", 0 }, { "192.0.2 .1", 0 }, { "99999999999.0.2.1", 0 },
        /* what sscanf("%d.%d.%d.%d") let through, unchanged by trim-ipv4-sscanf.patch */
        { " 192.0.2.1", 1 }, { "192. 0.2.1", 1 }, { "192.0.2.1 ", 1 }, { "+192.0.2.1", 1 },
        { "-0.0.2.1", 1 }, { "0192.0.2.1", 1 },
    };
    X509_VERIFY_PARAM *vpm = X509_VERIFY_PARAM_new();
    for (size_t i = 0; i < sizeof ips / sizeof ips[0]; i++) {
        char name[64];
        snprintf(name, sizeof name, "X509_VERIFY_PARAM_set1_ip_asc(\"%s\")", ips[i].ip);
        rc = X509_VERIFY_PARAM_set1_ip_asc(vpm, ips[i].ip);
        check(rc == ips[i].ok, name, "got %d", rc);
    }
    X509_VERIFY_PARAM_free(vpm);
    ERR_clear_error();

    x25519_checks();
    client_hello_check();
#ifndef SMOKE_CLIENT_ONLY
    ed25519_checks();
    tls_checks();
#endif

    if (failures)
        printf("SMOKE FAIL %d\n", failures);
    else
        printf("SMOKE PASS\n");
    return failures != 0;
}
