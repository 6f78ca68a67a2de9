//! Prints every non-ASCII character Rust's standard library calls alphabetic or numeric, one
//! per line: `<hex code point> <is_alphabetic 0|1> <is_numeric 0|1>`. Input of
//! `unicode_go.py`, which writes the tables of `src/unicode_go.rs`.
fn main() {
    for cp in 0x80u32..0x11_0000 {
        if let Some(c) = char::from_u32(cp)
            && (c.is_alphabetic() || c.is_numeric())
        {
            println!(
                "{cp:x} {} {}",
                u8::from(c.is_alphabetic()),
                u8::from(c.is_numeric())
            );
        }
    }
}
