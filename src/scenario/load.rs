//! Reading a scenario file: bytes → UTF-8 → RON → `Scenario`, with every
//! failure turned into a `Diagnostic` at file:line:column. Never panics.

use super::diagnostic::{Diagnostic, Severity};
use super::locate::line_col;
use super::schema::Scenario;
use ron::error::{Error as RonError, SpannedError};
use ron::extensions::Extensions;
use sha2::{Digest, Sha256};

/// RON options every scenario is read with: `Some(..)` may be left out and
/// newtype variants written without extra parentheses.
pub fn ron_options() -> ron::Options {
    ron::Options::default()
        .with_default_extension(Extensions::IMPLICIT_SOME)
        .with_default_extension(Extensions::UNWRAP_VARIANT_NEWTYPES)
        .with_recursion_limit(64)
}

/// Longest string literal accepted in a scenario (characters).
pub const MAX_TEXT_CHARS: usize = 4096;

/// The first string literal longer than `MAX_TEXT_CHARS`: its byte offset
/// and length in characters. Scans `"…"` with escapes and `r#"…"#` raw
/// strings; comments are skipped so a quote in one is not a string.
fn long_string(src: &str) -> Option<(usize, usize)> {
    let b = src.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i + 1 < b.len() && !(b[i] == b'*' && b[i + 1] == b'/') {
                    i += 1;
                }
                i += 2;
            }
            b'r' if matches!(b.get(i + 1), Some(b'#' | b'"')) && (i == 0 || !b[i - 1].is_ascii_alphanumeric()) => {
                let start = i;
                let hashes = b[i + 1..].iter().take_while(|&&c| c == b'#').count();
                if b.get(i + 1 + hashes) != Some(&b'"') {
                    i += 1;
                    continue;
                }
                let body = i + 2 + hashes;
                let close: Vec<u8> = std::iter::once(b'"').chain(std::iter::repeat_n(b'#', hashes)).collect();
                let end =
                    b[body..].windows(close.len()).position(|w| w == close.as_slice()).map_or(b.len(), |p| body + p);
                let n = src.get(body..end).map_or(0, |s| s.chars().count());
                if n > MAX_TEXT_CHARS {
                    return Some((start, n));
                }
                i = end + close.len();
            }
            b'"' => {
                let start = i;
                i += 1;
                let body = i;
                while i < b.len() && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                let n = src.get(body..i.min(b.len())).map_or(0, |s| s.chars().count());
                if n > MAX_TEXT_CHARS {
                    return Some((start, n));
                }
                i += 1;
            }
            _ => i += 1,
        }
    }
    None
}

/// Lowercase hex SHA-256 of bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let d = Sha256::digest(bytes);
    d.iter().map(|b| format!("{b:02x}")).collect()
}

/// Builds a diagnostic at a byte offset of `src`.
pub fn diag_at(file: &str, src: &str, offset: usize, len: usize, message: String, hint: Option<String>) -> Diagnostic {
    let (line, col) = if src.is_empty() { (1, 1) } else { line_col(src, offset) };
    Diagnostic {
        severity: Severity::Error,
        file: file.to_owned(),
        line,
        col,
        offset: offset.min(src.len()),
        len,
        message,
        hint,
    }
}

/// Decodes and deserialises scenario bytes; `file` names them in messages.
pub fn parse(file: &str, bytes: &[u8]) -> Result<(Scenario, String), Diagnostic> {
    let src = match std::str::from_utf8(bytes) {
        Ok(s) => s.to_owned(),
        Err(e) => {
            let good = e.valid_up_to();
            let text = String::from_utf8_lossy(&bytes[..good]).into_owned();
            return Err(diag_at(
                file,
                &text,
                good,
                0,
                format!("the file is not UTF-8 text (invalid byte at offset {good})"),
                Some("save the scenario as UTF-8; is this a RON scenario file?".into()),
            ));
        }
    };
    if src.trim().is_empty() {
        return Err(diag_at(
            file,
            &src,
            0,
            0,
            "the file is empty".into(),
            Some("a scenario starts with `Scenario(version: 1, meta: (…), …)`; see docs/scenario.md".into()),
        ));
    }
    if let Some((at, n)) = long_string(&src) {
        return Err(diag_at(
            file,
            &src,
            at,
            1,
            format!("a text of {n} characters"),
            Some(format!("names, messages and notes are at most {MAX_TEXT_CHARS} characters")),
        ));
    }
    match ron_options().from_str::<Scenario>(&src) {
        Ok(s) => Ok((s, src)),
        Err(e) => Err(ron_diag(file, &src, &e)),
    }
}

fn offset_of(src: &str, line: usize, col: usize) -> usize {
    let mut off = 0;
    for (k, l) in src.split_inclusive('\n').enumerate() {
        if k + 1 == line {
            return off + l.char_indices().nth(col.saturating_sub(1)).map_or(l.len(), |(i, _)| i);
        }
        off += l.len();
    }
    src.len()
}

fn ron_diag(file: &str, src: &str, e: &SpannedError) -> Diagnostic {
    let start = offset_of(src, e.span.start.line, e.span.start.col);
    let end = offset_of(src, e.span.end.line, e.span.end.col).max(start);
    let (message, hint) = explain(&e.code);
    diag_at(file, src, start, (end - start).max(1), message, hint)
}

/// The closest candidate by edit distance, if close enough to be a typo.
pub fn closest<'a>(found: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        let d = edit_distance(found, c);
        if d <= found.len().max(c.len()) / 3 + 1 && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb)).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

fn one_of(expected: &[&str]) -> String {
    let list: Vec<String> = expected.iter().map(|e| format!("`{e}`")).collect();
    list.join(", ")
}

fn suggest(found: &str, expected: &[&str]) -> String {
    match closest(found, expected.iter().copied()) {
        Some(c) => format!("did you mean `{c}`? expected one of {}", one_of(expected)),
        None => format!("expected one of {}", one_of(expected)),
    }
}

fn within(outer: &Option<String>) -> String {
    outer.as_ref().map(|o| format!(" in `{o}`")).unwrap_or_default()
}

/// Message and hint for a RON error.
fn explain(e: &RonError) -> (String, Option<String>) {
    match e {
        RonError::NoSuchStructField { expected, found, outer } => {
            (format!("unknown field `{found}`{}", within(outer)), Some(suggest(found, expected)))
        }
        RonError::MissingStructField { field, outer } => (
            format!("missing field `{field}`{}", within(outer)),
            Some(format!("add `{field}: …` to this block; see docs/scenario.md")),
        ),
        RonError::DuplicateStructField { field, outer } => {
            (format!("field `{field}` is given twice{}", within(outer)), Some("keep one of them".into()))
        }
        RonError::NoSuchEnumVariant { expected, found, outer } => {
            (format!("unknown variant `{found}`{}", within(outer)), Some(suggest(found, expected)))
        }
        RonError::InvalidValueForType { expected, found } => (
            format!("expected {expected}, found {found}"),
            Some("check the value's type: numbers have no quotes, names and ids do".into()),
        ),
        RonError::ExpectedDifferentLength { expected, found } => (
            format!("expected {expected}, found {found} elements"),
            Some("a point is written `(x, y)` in metres".into()),
        ),
        RonError::ExpectedInteger | RonError::ExpectedFloat => (
            format!("expected a number: {e}"),
            Some("write numbers without quotes, e.g. `duration_s: 3600` or `cell_m: 10.0`".into()),
        ),
        RonError::ExpectedString | RonError::ExpectedStringEnd => (
            format!("expected text in quotes: {e}"),
            Some("ids and names are written in double quotes, e.g. `id: \"dongwan\"`".into()),
        ),
        RonError::ExpectedBoolean => {
            ("expected `true` or `false`".into(), Some("write `true` or `false` without quotes".into()))
        }
        RonError::Eof => (
            "the file ends before the scenario is complete".into(),
            Some("a parenthesis or bracket is not closed".into()),
        ),
        RonError::ExceededRecursionLimit => (
            "values are nested too deeply".into(),
            Some("a scenario nests at most a few levels; look for unbalanced brackets".into()),
        ),
        RonError::TrailingCharacters => (
            "unexpected text after the end of the scenario".into(),
            Some("the scenario is one `Scenario( … )` block; remove what follows it".into()),
        ),
        RonError::ExpectedComma | RonError::ExpectedArrayEnd | RonError::ExpectedStructLikeEnd => (
            format!("syntax error: {e}"),
            Some("a comma is missing between two entries, or a bracket is unbalanced".into()),
        ),
        RonError::ExpectedDifferentStructName { expected, found } => (
            format!("expected `{expected}(…)`, found `{found}(…)`"),
            Some(format!("write `{expected}` or leave the name out")),
        ),
        other => (format!("syntax error: {other}"), Some("compare with the example in docs/scenario.md".into())),
    }
}
