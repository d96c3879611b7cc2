// Reads a parsed GMime message into a MessageSummary, once: headers, addresses, date, ids, the
// MIME tree, the text and HTML bodies (decoded to UTF-8) and the list of attachments, whose
// bytes are left undecoded.
#pragma once

#include <gmime/gmime.h>

#include <functional>
#include <map>
#include <string>

#include "pop3/mime/message_summary.hpp"

namespace pop3::mime {

// The leaf parts by part id, borrowed from the message (for decoding them later).
using LeafIndex = std::map<std::string, GMimeObject*, std::less<>>;

// `summary.damage` may already hold the parser's warnings; undecodable body text is added.
// `newline` is the line-end format of the input (for embedded messages used as bodies).
void build_summary(GMimeMessage* message, GMimeNewLineFormat newline, MessageSummary& summary,
                   LeafIndex& leaves);

}  // namespace pop3::mime
