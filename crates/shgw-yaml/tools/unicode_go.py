#!/usr/bin/env python3
"""Writes the tables of src/unicode_go.rs: the characters Rust calls alphabetic but Go's
unicode.IsLetter does not (general category not L*), and those Rust calls numeric but Go's
unicode.IsDigit does not (category not Nd). Characters unassigned in Python's Unicode data
are left out.

    rustc -O tools/unicode_props.rs -o /tmp/unicode_props && /tmp/unicode_props > /tmp/props.txt
    python3 tools/unicode_go.py /tmp/props.txt   # prints the two tables
"""
import sys
import unicodedata


def ranges(cps):
    out = []
    for cp in cps:
        if out and out[-1][1] == cp - 1:
            out[-1][1] = cp
        else:
            out.append([cp, cp])
    return out


def table(name, doc, rs):
    print(doc)
    print(f"const {name}: &[(u32, u32)] = &[")
    for i in range(0, len(rs), 5):
        print("    " + ", ".join(f"(0x{lo:X}, 0x{hi:X})" for lo, hi in rs[i:i + 5]) + ",")
    print("];")


alpha, num = [], []
for line in open(sys.argv[1]):
    cp, is_alpha, is_num = line.split()
    cp = int(cp, 16)
    cat = unicodedata.category(chr(cp))
    if cat == "Cn":
        continue
    if is_alpha == "1" and not cat.startswith("L"):
        alpha.append(cp)
    if is_num == "1" and cat != "Nd":
        num.append(cp)
print(f"// Unicode {unicodedata.unidata_version}")
table("ALPHABETIC_NOT_LETTER", "/// Alphabetic characters that are not letters (`Nl` and `Other_Alphabetic`).", ranges(alpha))
print()
table("NUMERIC_NOT_DIGIT", "/// Numeric characters that are not decimal digits (`Nl` and `No`).", ranges(num))
