// Bounds on what a session accepts from the server and sends to it. Defaults follow RFC 2449
// section 4 where the RFC gives a number, with headroom where real servers are known to exceed it.
#pragma once

#include <cstddef>
#include <cstdint>

namespace pop3::protocol {

struct Limits {
  // RFC 2449: a command line is at most 255 octets including CRLF...
  std::size_t max_command_line = 255;
  // ...and a keyword argument at most 40 octets. User names and passwords are bounded by the
  // command line only: real accounts are e-mail addresses and generated secrets, often longer.
  std::size_t max_argument = 40;
  // RFC 2449 allows 512 octets for a status line; verbose servers send more, hostile ones send
  // endless lines. 4 KiB keeps both in check.
  std::size_t max_status_line = 4096;
  // One line of CAPA, LIST, UIDL or LANG output.
  std::size_t max_listing_line = 4096;
  // Total bytes of one buffered multi-line reply (CAPA, LIST, UIDL, LANG): 1M messages of UIDL.
  std::size_t max_listing_bytes = 96u * 1024 * 1024;
  // Decoded bytes of one RETR/TOP reply (0: no limit). Bodies are streamed, so the core never
  // holds them; the limit protects whoever collects them from a server that never stops.
  std::uint64_t max_message_bytes = 0;
  // Commands that may be on the wire unanswered when the server pipelines, and their bytes.
  // RFC 2449 6.6 asks clients not to exceed the transport's window; 32 KiB is below any TCP one.
  std::size_t max_pipelined_commands = 1000;
  std::size_t max_pipelined_bytes = 32 * 1024;
};

}  // namespace pop3::protocol
