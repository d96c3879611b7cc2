#include "pop3/auth/saslprep.hpp"

#include <algorithm>
#include <cstddef>
#include <span>

#include "pop3/utf8.hpp"

namespace pop3::auth {
namespace {

struct CodePointRange {
  char32_t first;
  char32_t last;
};

#include "saslprep_tables.inc"

bool in_table(std::span<const CodePointRange> table, char32_t cp) {
  const auto after =
      std::upper_bound(table.begin(), table.end(), cp,
                       [](char32_t c, const CodePointRange& r) { return c < r.first; });
  return after != table.begin() && cp <= (after - 1)->last;
}

struct ProhibitedTable {
  std::span<const CodePointRange> ranges;
  const char* name;  // "table C.2.1, ASCII control characters"
};

// RFC 4013 section 2.3, in the order the RFC lists them (the first match names the error).
constexpr ProhibitedTable kProhibited[] = {
    {kTableC12, "table C.1.2, non-ASCII space characters"},
    {kTableC21, "table C.2.1, ASCII control characters"},
    {kTableC22, "table C.2.2, non-ASCII control characters"},
    {kTableC3, "table C.3, private use characters"},
    {kTableC4, "table C.4, non-character code points"},
    {kTableC5, "table C.5, surrogate code points"},
    {kTableC6, "table C.6, characters inappropriate for plain text"},
    {kTableC7, "table C.7, characters inappropriate for canonical representation"},
    {kTableC8, "table C.8, characters that change display properties or are deprecated"},
    {kTableC9, "table C.9, tagging characters"},
};

Error invalid(const std::string& message) {
  return make_error(ErrorCode::kInvalidArgument, "SASLprep: " + message);
}

// Strict UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing above U+10FFFF, no truncated
// or stray bytes. Returns npos on success, else the byte offset of the first bad sequence.
std::size_t decode_utf8(std::string_view text, std::u32string& out) {
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<unsigned char>(text[i]);
    if (lead < 0x80) {
      out.push_back(lead);
      ++i;
      continue;
    }
    std::size_t length;
    char32_t cp;
    char32_t smallest;  // below it, the sequence is an overlong form
    if (lead >= 0xc2 && lead <= 0xdf) {
      length = 2, cp = lead & 0x1f, smallest = 0x80;
    } else if (lead >= 0xe0 && lead <= 0xef) {
      length = 3, cp = lead & 0x0f, smallest = 0x800;
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      length = 4, cp = lead & 0x07, smallest = 0x10000;
    } else {
      return i;  // continuation byte, 0xc0/0xc1 (always overlong) or 0xf5..0xff
    }
    if (text.size() - i < length) return i;
    for (std::size_t k = 1; k < length; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xc0) != 0x80) return i;
      cp = (cp << 6) | (next & 0x3f);
    }
    if (cp < smallest || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    out.push_back(cp);
    i += length;
  }
  return std::string_view::npos;
}

bool is_printable_ascii(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return c >= 0x20 && c <= 0x7e; });
}

std::string character(std::size_t index) {
  return "character " + std::to_string(index + 1);
}

// Steps 3 and 4 on the mapped and normalized string.
std::optional<Error> check_prepared(const std::u32string& text, bool allow_unassigned) {
  static constexpr const char* kWhere = " (after mapping and normalization)";
  bool has_randal = false;
  std::size_t first_l = std::u32string::npos;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char32_t cp = text[i];
    for (const ProhibitedTable& table : kProhibited) {
      if (in_table(table.ranges, cp)) {
        return invalid(character(i) + kWhere + " is prohibited by RFC 3454 " + table.name);
      }
    }
    if (!allow_unassigned && in_table(kTableA1, cp)) {
      return invalid(character(i) + kWhere +
                     " is unassigned in Unicode 3.2 (RFC 3454 table A.1), which a stored string "
                     "must not contain");
    }
    if (in_table(kTableD1, cp)) has_randal = true;
    if (first_l == std::u32string::npos && in_table(kTableD2, cp)) first_l = i;
  }
  // RFC 3454 section 6: a string with any right-to-left character (D.1) must have no
  // left-to-right one (D.2), and must begin and end with a right-to-left character, so that it
  // displays the same in every bidi context.
  if (has_randal) {
    if (first_l != std::u32string::npos) {
      return invalid(character(first_l) + kWhere +
                     " is left-to-right in a string with right-to-left characters (RFC 3454 "
                     "section 6, rule 2)");
    }
    const bool first_ok = in_table(kTableD1, text.front());
    if (!first_ok || !in_table(kTableD1, text.back())) {
      return invalid(character(first_ok ? text.size() - 1 : 0) + kWhere +
                     " must be right-to-left: a string with right-to-left characters must begin "
                     "and end with one (RFC 3454 section 6, rule 3)");
    }
  }
  return std::nullopt;
}

}  // namespace

Result<std::string> saslprep(std::string_view utf8, const Nfkc& normalize, bool allow_unassigned) {
  // Printable ASCII maps to itself, is NFKC-stable, prohibited nowhere and has no right-to-left
  // characters, so SASLprep is the identity on it.
  if (is_printable_ascii(utf8)) return std::string(utf8);

  std::u32string input;
  if (const auto bad = decode_utf8(utf8, input); bad != std::string_view::npos) {
    return invalid("the input is not valid UTF-8 (byte offset " + std::to_string(bad) + ")");
  }

  // Step 1, map (RFC 4013 section 2.1). A.1 is checked here, on the input, as well as after
  // normalization: a code point unassigned in Unicode 3.2 may be assigned, with a decomposition,
  // in the normalizer's newer Unicode, and would otherwise slip into a stored string disguised.
  std::string mapped;
  mapped.reserve(utf8.size());
  bool mapped_is_ascii = true;
  for (std::size_t i = 0; i < input.size(); ++i) {
    const char32_t cp = input[i];
    if (!allow_unassigned && in_table(kTableA1, cp)) {
      return invalid(character(i) +
                     " of the input is unassigned in Unicode 3.2 (RFC 3454 table A.1), which a "
                     "stored string must not contain");
    }
    if (in_table(kTableC12, cp)) {
      mapped.push_back(' ');
    } else if (!in_table(kTableB1, cp)) {
      append_utf8(mapped, cp);
      mapped_is_ascii = mapped_is_ascii && cp < 0x80;
    }
  }

  // Step 2, normalize (section 2.2): NFKC leaves ASCII unchanged, so ASCII needs no normalizer.
  std::string prepared;
  if (mapped_is_ascii) {
    prepared = std::move(mapped);
  } else {
    if (!normalize) return invalid("no NFKC normalizer was supplied");
    std::optional<std::string> normalized = normalize(mapped);
    if (!normalized) return invalid("the NFKC normalizer failed");
    prepared = std::move(*normalized);
  }

  std::u32string code_points;
  if (decode_utf8(prepared, code_points) != std::string_view::npos) {
    return invalid("the NFKC normalizer returned invalid UTF-8");
  }
  // Steps 3 and 4, prohibit and check bidi (sections 2.3 and 2.4).
  if (std::optional<Error> error = check_prepared(code_points, allow_unassigned)) {
    return std::move(*error);
  }
  return prepared;
}

}  // namespace pop3::auth
