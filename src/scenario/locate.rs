//! Finds where a value sits in RON source text, so that meaning errors found
//! after deserialisation can name file:line:column.
//!
//! Serde forgets source positions, so this module re-reads the (already
//! syntactically valid) RON into a light tree of spans and walks it along a
//! field/index path such as `villages[1].shelters[0].at`. It never panics: on
//! text it does not understand it returns `None`, and the caller falls back
//! to the start of the file.

/// One step of a path into the scenario.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seg {
    Field(&'static str),
    Index(usize),
}

/// A path from the root of the scenario to a value.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Path(pub Vec<Seg>);

impl Path {
    pub fn root() -> Self {
        Path(Vec::new())
    }
    /// This path extended by a field.
    pub fn f(&self, name: &'static str) -> Self {
        let mut p = self.clone();
        p.0.push(Seg::Field(name));
        p
    }
    /// This path extended by an index.
    pub fn i(&self, index: usize) -> Self {
        let mut p = self.clone();
        p.0.push(Seg::Index(index));
        p
    }
}

impl std::fmt::Display for Path {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (k, seg) in self.0.iter().enumerate() {
            match seg {
                Seg::Field(n) if k == 0 => write!(f, "{n}")?,
                Seg::Field(n) => write!(f, ".{n}")?,
                Seg::Index(i) => write!(f, "[{i}]")?,
            }
        }
        Ok(())
    }
}

/// A value in the source with its byte span.
#[derive(Debug)]
enum Node {
    Atom(usize, usize),
    /// `Name(a: 1, b: 2)` or `(a: 1)`: named fields.
    Fields(usize, usize, Vec<(String, Node)>),
    /// `Name(1, 2)`, `(1, 2)`, `[1, 2]` or `{k: v}` (map values only).
    Items(usize, usize, Vec<Node>),
}

impl Node {
    fn span(&self) -> (usize, usize) {
        match self {
            Node::Atom(s, e) | Node::Fields(s, e, _) | Node::Items(s, e, _) => (*s, *e),
        }
    }
}

/// Byte span `(start, len)` of the value at `path` in `src`, if found.
pub fn locate(src: &str, path: &Path) -> Option<(usize, usize)> {
    let mut p = Parser { s: src.as_bytes(), pos: 0, depth: 0 };
    p.skip_trivia();
    let root = p.value()?;
    let mut node = &root;
    for seg in &path.0 {
        node = match (seg, node) {
            (Seg::Field(name), Node::Fields(_, _, fields)) => &fields.iter().find(|(n, _)| n == name)?.1,
            (Seg::Index(i), Node::Items(_, _, items)) => items.get(*i)?,
            _ => return None,
        };
    }
    let (s, e) = node.span();
    Some((s, e.saturating_sub(s).max(1)))
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(src: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(src.len());
    let mut cut = offset;
    while !src.is_char_boundary(cut) {
        cut -= 1;
    }
    let before = &src[..cut];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

struct Parser<'a> {
    s: &'a [u8],
    pos: usize,
    depth: usize,
}

const MAX_DEPTH: usize = 256;

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.pos).copied()
    }

    fn skip_trivia(&mut self) {
        loop {
            match self.peek() {
                Some(c) if c.is_ascii_whitespace() => self.pos += 1,
                Some(b'/') if self.s.get(self.pos + 1) == Some(&b'/') => {
                    while let Some(c) = self.peek() {
                        self.pos += 1;
                        if c == b'\n' {
                            break;
                        }
                    }
                }
                Some(b'/') if self.s.get(self.pos + 1) == Some(&b'*') => {
                    self.pos += 2;
                    let mut nest = 1usize;
                    while nest > 0 && self.pos < self.s.len() {
                        if self.s[self.pos..].starts_with(b"*/") {
                            nest -= 1;
                            self.pos += 2;
                        } else if self.s[self.pos..].starts_with(b"/*") {
                            nest += 1;
                            self.pos += 2;
                        } else {
                            self.pos += 1;
                        }
                    }
                }
                // `#![enable(...)]` attributes.
                Some(b'#') => {
                    while let Some(c) = self.peek() {
                        self.pos += 1;
                        if c == b']' {
                            break;
                        }
                    }
                }
                _ => return,
            }
        }
    }

    fn value(&mut self) -> Option<Node> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return None;
        }
        let start = self.pos;
        let node = match self.peek()? {
            b'(' => self.group(start, b')'),
            b'[' => self.group(start, b']'),
            b'{' => self.map(start),
            b'"' => {
                self.string();
                Some(Node::Atom(start, self.pos))
            }
            b'\'' => {
                self.pos += 1;
                while let Some(c) = self.peek() {
                    self.pos += 1;
                    if c == b'\\' {
                        self.pos += 1;
                    } else if c == b'\'' {
                        break;
                    }
                }
                Some(Node::Atom(start, self.pos))
            }
            c if c == b'_' || c.is_ascii_alphanumeric() || c == b'-' || c == b'+' || c == b'.' => {
                self.word();
                // Raw strings r"…" / r#"…"# and byte strings b"…".
                if matches!(self.peek(), Some(b'"') | Some(b'#'))
                    && matches!(&self.s[start..self.pos], b"r" | b"br" | b"b")
                {
                    self.raw_string();
                    return self.done(Some(Node::Atom(start, self.pos)));
                }
                let save = self.pos;
                self.skip_trivia();
                if self.peek() == Some(b'(') {
                    let open = self.pos;
                    let inner = self.group(open, b')')?;
                    match inner {
                        // `Some(x)` is transparent.
                        Node::Items(_, _, mut items) if &self.s[start..save] == b"Some" && items.len() == 1 => {
                            items.pop()
                        }
                        Node::Fields(_, e, f) => Some(Node::Fields(start, e, f)),
                        Node::Items(_, e, i) => Some(Node::Items(start, e, i)),
                        Node::Atom(_, e) => Some(Node::Atom(start, e)),
                    }
                } else {
                    self.pos = save;
                    Some(Node::Atom(start, save))
                }
            }
            _ => None,
        };
        self.done(node)
    }

    fn done(&mut self, node: Option<Node>) -> Option<Node> {
        self.depth -= 1;
        node
    }

    fn word(&mut self) {
        while let Some(c) = self.peek() {
            if c == b'_' || c.is_ascii_alphanumeric() || matches!(c, b'.' | b'+' | b'-') {
                self.pos += 1;
            } else {
                break;
            }
        }
    }

    fn string(&mut self) {
        self.pos += 1;
        while let Some(c) = self.peek() {
            self.pos += 1;
            if c == b'\\' {
                self.pos += 1;
            } else if c == b'"' {
                break;
            }
        }
    }

    fn raw_string(&mut self) {
        let mut hashes = 0;
        while self.peek() == Some(b'#') {
            hashes += 1;
            self.pos += 1;
        }
        if hashes == 0 {
            self.string();
            return;
        }
        self.pos += 1;
        while self.pos < self.s.len() {
            if self.s[self.pos] == b'"'
                && self.s[self.pos + 1..].iter().take(hashes).filter(|&&c| c == b'#').count() == hashes
            {
                self.pos += 1 + hashes;
                return;
            }
            self.pos += 1;
        }
    }

    /// `( … )` or `[ … ]`: named fields if the first entry is `ident:`.
    fn group(&mut self, start: usize, close: u8) -> Option<Node> {
        self.pos += 1;
        let mut fields = Vec::new();
        let mut items = Vec::new();
        loop {
            self.skip_trivia();
            match self.peek()? {
                c if c == close => {
                    self.pos += 1;
                    break;
                }
                b',' => {
                    self.pos += 1;
                    continue;
                }
                _ => {}
            }
            let save = self.pos;
            if close == b')'
                && let Some(name) = self.field_name()
            {
                self.skip_trivia();
                fields.push((name, self.value()?));
                continue;
            }
            self.pos = save;
            items.push(self.value()?);
        }
        if fields.is_empty() {
            Some(Node::Items(start, self.pos, items))
        } else {
            Some(Node::Fields(start, self.pos, fields))
        }
    }

    /// `ident:` (not `::`); leaves the cursor after the colon.
    fn field_name(&mut self) -> Option<String> {
        let start = self.pos;
        if self.s[start..].starts_with(b"r#") {
            self.pos += 2;
        }
        let name_start = self.pos;
        while let Some(c) = self.peek() {
            if c == b'_' || c.is_ascii_alphanumeric() {
                self.pos += 1;
            } else {
                break;
            }
        }
        if self.pos == name_start || self.s[name_start].is_ascii_digit() {
            return None;
        }
        let name = String::from_utf8_lossy(&self.s[name_start..self.pos]).into_owned();
        self.skip_trivia();
        if self.peek() == Some(b':') && self.s.get(self.pos + 1) != Some(&b':') {
            self.pos += 1;
            Some(name)
        } else {
            None
        }
    }

    /// `{ key: value, … }`: kept as the list of values.
    fn map(&mut self, start: usize) -> Option<Node> {
        self.pos += 1;
        let mut items = Vec::new();
        loop {
            self.skip_trivia();
            match self.peek()? {
                b'}' => {
                    self.pos += 1;
                    return Some(Node::Items(start, self.pos, items));
                }
                b',' => self.pos += 1,
                _ => {
                    self.value()?;
                    self.skip_trivia();
                    if self.peek()? != b':' {
                        return None;
                    }
                    self.pos += 1;
                    self.skip_trivia();
                    items.push(self.value()?);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_nested_fields_and_indices() {
        let src = "Scenario(\n  a: [ (x: 1), (x: 2, y: Some(\"q\")) ],\n  // c: 9\n  b: Hill(at: (3.0, 4.5)),\n)";
        let p = Path::root().f("a").i(1).f("y");
        let (s, n) = locate(src, &p).unwrap();
        assert_eq!(&src[s..s + n], "\"q\"");
        let (s, n) = locate(src, &Path::root().f("b").f("at").i(1)).unwrap();
        assert_eq!(&src[s..s + n], "4.5");
        assert_eq!(line_col(src, s), (4, 21));
        assert!(locate(src, &Path::root().f("c")).is_none());
    }

    #[test]
    fn garbage_locates_nothing_or_inside_the_text_and_offsets_clamp() {
        for src in ["", "(", "((((", "Scenario(a: r#\"x", "[1, {2: ", "\u{1F600}(x: 1)", "(a:"] {
            // No field `a` with a fourth item exists in any of these.
            assert_eq!(locate(src, &Path::root().f("a").i(3)), None, "{src:?}");
            if let Some((s, e)) = locate(src, &Path::root()) {
                assert!(s <= e && e <= src.len(), "{src:?}: span {s}..{e}");
            }
            // An offset past the end is the end of the text: last line, one past its last character.
            let lines = src.split('\n').count();
            let last = src.rsplit('\n').next().map_or(0, |l| l.chars().count());
            assert_eq!(line_col(src, 1000), (lines, last + 1), "{src:?}");
        }
        // Inside a multi-byte character, the position is that character's.
        assert_eq!(line_col("\u{1F600}x", 2), (1, 1));
    }
}
