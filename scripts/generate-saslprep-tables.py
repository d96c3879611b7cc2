#!/usr/bin/env python3
"""Generates core/src/auth/saslprep_tables.inc: the RFC 3454 (stringprep) tables that SASLprep
(RFC 4013) uses, as sorted, merged code point ranges for core/src/auth/saslprep.cpp.

The tables are derived, not typed in: Python's standard library `stringprep` module implements
every RFC 3454 table as a predicate over `unicodedata.ucd_3_2_0`, the Unicode 3.2 database that
RFC 3454 is defined against (later Unicode versions assigned code points and changed categories,
so the current `unicodedata` would give different tables). The script walks all of U+0000..U+10FFFF
once per table and merges consecutive members into ranges. A few tables that the RFC spells out
in full are checked against the RFC's own text below, as a guard against a changed stdlib.

The output depends only on the frozen Unicode 3.2 data, so regenerating gives the same bytes.

Usage:
  scripts/generate-saslprep-tables.py            write core/src/auth/saslprep_tables.inc
  scripts/generate-saslprep-tables.py OUTPUT     write OUTPUT instead
  scripts/generate-saslprep-tables.py --check    exit 1 if the committed file is out of date
"""

import pathlib
import stringprep
import sys
import unicodedata

UCD = unicodedata.ucd_3_2_0
assert UCD.unidata_version == "3.2.0", UCD.unidata_version

REPO = pathlib.Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = REPO / "core" / "src" / "auth" / "saslprep_tables.inc"

# (C++ array name, RFC 3454 table, title in the RFC, stringprep predicate)
TABLES = [
    ("kTableA1", "A.1", "Unassigned code points in Unicode 3.2", stringprep.in_table_a1),
    ("kTableB1", "B.1", "Commonly mapped to nothing", stringprep.in_table_b1),
    ("kTableC12", "C.1.2", "Non-ASCII space characters", stringprep.in_table_c12),
    ("kTableC21", "C.2.1", "ASCII control characters", stringprep.in_table_c21),
    ("kTableC22", "C.2.2", "Non-ASCII control characters", stringprep.in_table_c22),
    ("kTableC3", "C.3", "Private use", stringprep.in_table_c3),
    ("kTableC4", "C.4", "Non-character code points", stringprep.in_table_c4),
    ("kTableC5", "C.5", "Surrogate codes", stringprep.in_table_c5),
    ("kTableC6", "C.6", "Inappropriate for plain text", stringprep.in_table_c6),
    ("kTableC7", "C.7", "Inappropriate for canonical representation", stringprep.in_table_c7),
    ("kTableC8", "C.8", "Change display properties or are deprecated", stringprep.in_table_c8),
    ("kTableC9", "C.9", "Tagging characters", stringprep.in_table_c9),
    ("kTableD1", "D.1", "Characters with bidirectional property \"R\" or \"AL\"",
     stringprep.in_table_d1),
    ("kTableD2", "D.2", "Characters with bidirectional property \"L\"", stringprep.in_table_d2),
]

# Tables as printed in RFC 3454 (inclusive ranges), for the cross-check.
RFC_TEXT = {
    "B.1": [(0x00AD, 0x00AD), (0x034F, 0x034F), (0x1806, 0x1806), (0x180B, 0x180D),
            (0x200B, 0x200D), (0x2060, 0x2060), (0xFE00, 0xFE0F), (0xFEFF, 0xFEFF)],
    "C.1.2": [(0x00A0, 0x00A0), (0x1680, 0x1680), (0x2000, 0x200B), (0x202F, 0x202F),
              (0x205F, 0x205F), (0x3000, 0x3000)],
    "C.2.1": [(0x0000, 0x001F), (0x007F, 0x007F)],
    "C.2.2": [(0x0080, 0x009F), (0x06DD, 0x06DD), (0x070F, 0x070F), (0x180E, 0x180E),
              (0x200C, 0x200D), (0x2028, 0x2029), (0x2060, 0x2063), (0x206A, 0x206F),
              (0xFEFF, 0xFEFF), (0xFFF9, 0xFFFC), (0x1D173, 0x1D17A)],
    "C.3": [(0xE000, 0xF8FF), (0xF0000, 0xFFFFD), (0x100000, 0x10FFFD)],
    "C.4": [(0xFDD0, 0xFDEF)] + [(p * 0x10000 + 0xFFFE, p * 0x10000 + 0xFFFF) for p in range(17)],
    "C.5": [(0xD800, 0xDFFF)],
    "C.6": [(0xFFF9, 0xFFFD)],
    "C.7": [(0x2FF0, 0x2FFB)],
    "C.8": [(0x0340, 0x0341), (0x200E, 0x200F), (0x202A, 0x202E), (0x206A, 0x206F)],
    "C.9": [(0xE0001, 0xE0001), (0xE0020, 0xE007F)],
}


def ranges(predicate):
    out = []
    for cp in range(0x110000):
        if predicate(chr(cp)):
            if out and out[-1][1] == cp - 1:
                out[-1][1] = cp
            else:
                out.append([cp, cp])
    return [tuple(r) for r in out]


def render():
    lines = [
        "// GENERATED FILE - DO NOT EDIT. Regenerate with scripts/generate-saslprep-tables.py.",
        "//",
        "// The RFC 3454 (stringprep) tables used by SASLprep (RFC 4013), derived from Python's",
        "// standard library `stringprep` module over `unicodedata.ucd_3_2_0` (Unicode "
        + UCD.unidata_version + ").",
        "// Each table is a sorted array of disjoint, non-adjacent inclusive code point ranges,",
        "// searched by saslprep.cpp with a binary search. Included once, by saslprep.cpp, which",
        "// defines CodePointRange { char32_t first, last; } before including it.",
        "",
    ]
    for name, table, title, predicate in TABLES:
        found = ranges(predicate)
        expected = RFC_TEXT.get(table)
        if expected is not None and found != expected:
            sys.exit(f"table {table} differs from RFC 3454: {found!r}")
        count = sum(last - first + 1 for first, last in found)
        lines.append(f"// RFC 3454 table {table}: {title} ({count} code points).")
        lines.append(f"constexpr CodePointRange {name}[] = {{")
        row = "   "
        for first, last in found:
            item = f" {{0x{first:04X}, 0x{last:04X}}},"
            if len(row) + len(item) > 100:
                lines.append(row)
                row = "   "
            row += item
        if row.strip():
            lines.append(row)
        lines.append("};")
        lines.append("")
    return "\n".join(lines)


def main(argv):
    text = render()
    if argv == ["--check"]:
        current = DEFAULT_OUTPUT.read_text(encoding="utf-8") if DEFAULT_OUTPUT.exists() else ""
        if current != text:
            print(f"{DEFAULT_OUTPUT} is out of date; run {sys.argv[0]}", file=sys.stderr)
            return 1
        return 0
    if len(argv) > 1 or (argv and argv[0].startswith("-")):
        print(__doc__, file=sys.stderr)
        return 2
    output = pathlib.Path(argv[0]) if argv else DEFAULT_OUTPUT
    output.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
