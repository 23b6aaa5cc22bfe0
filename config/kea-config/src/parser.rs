//! Parser for Kea's extended JSON (ARM §6.1): comments, `<?include?>`, trailing commas.
//!
//! Hand-written lexer + recursive-descent parser over bytes. It never panics, bounds
//! recursion depth, and reports errors as `file:line:col: message` with Kea's wording
//! (e.g. `syntax error, unexpected }, expecting constant string`).

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::element::{Element, MAX_DEPTH, Map, Position, Value};
use crate::error::{ConfigError, ErrorKind, Warning};

/// Deepest `<?include?>` nesting accepted (Kea's limit).
pub const MAX_INCLUDE_DEPTH: usize = 10;

/// Origin name used for text that arrives through the command channel.
pub const STRING_ORIGIN: &str = "<string>";

/// The result of parsing: the tree plus any warnings (e.g. extraneous commas).
#[derive(Clone, Debug)]
pub struct Parsed {
    /// The parsed value.
    pub element: Element,
    /// Non-fatal findings, in text order.
    pub warnings: Vec<Warning>,
}

/// Parses Kea-JSON text. `origin` names the text in positions (`<string>` for commands);
/// relative includes are resolved against the working directory.
/// Warnings are logged through `tracing`; use [`parse_str_with_warnings`] to get them.
pub fn parse_str(text: &str, origin: &str) -> Result<Element, ConfigError> {
    let parsed = parse_str_with_warnings(text, origin)?;
    log_warnings(&parsed.warnings);
    Ok(parsed.element)
}

/// Reads and parses a Kea-JSON file (includes are resolved relative to its directory).
/// Warnings are logged through `tracing`; use [`parse_file_with_warnings`] to get them.
pub fn parse_file(path: impl AsRef<Path>) -> Result<Element, ConfigError> {
    let parsed = parse_file_with_warnings(path)?;
    log_warnings(&parsed.warnings);
    Ok(parsed.element)
}

/// Like [`parse_str`], returning the warnings instead of logging them.
pub fn parse_str_with_warnings(text: &str, origin: &str) -> Result<Parsed, ConfigError> {
    let src = Source::new(
        Cow::Borrowed(text.as_bytes()),
        Arc::from(origin),
        None,
        None,
    );
    Parser::new(src).parse_document()
}

/// Like [`parse_file`], returning the warnings instead of logging them.
pub fn parse_file_with_warnings(path: impl AsRef<Path>) -> Result<Parsed, ConfigError> {
    let path = path.as_ref();
    let name = path.to_string_lossy().into_owned();
    let bytes = std::fs::read(path).map_err(|e| ConfigError::io(&name, &e))?;
    let canon = std::fs::canonicalize(path).ok();
    let dir = path.parent().map(Path::to_path_buf);
    let src = Source::new(Cow::Owned(bytes), Arc::from(name.as_str()), dir, canon);
    Parser::new(src).parse_document()
}

fn log_warnings(warnings: &[Warning]) {
    for w in warnings {
        tracing::warn!(target: "kea-config", "configuration syntax warning: {w}");
    }
}

/// One text being lexed: the top-level input or an included file.
struct Source<'a> {
    text: Cow<'a, [u8]>,
    i: usize,
    line: u32,
    col: u32,
    file: Arc<str>,
    /// Directory used to resolve relative includes (None = working directory).
    dir: Option<PathBuf>,
    /// Canonical path, for cycle detection (None for strings).
    canon: Option<PathBuf>,
}

impl<'a> Source<'a> {
    fn new(
        text: Cow<'a, [u8]>,
        file: Arc<str>,
        dir: Option<PathBuf>,
        canon: Option<PathBuf>,
    ) -> Self {
        Source {
            text,
            i: 0,
            line: 1,
            col: 1,
            file,
            dir,
            canon,
        }
    }

    fn pos(&self) -> Position {
        Position {
            file: Arc::clone(&self.file),
            line: self.line,
            col: self.col,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.text.get(self.i).copied()
    }

    fn peek_at(&self, off: usize) -> Option<u8> {
        self.text.get(self.i + off).copied()
    }

    /// Advances over one byte that is not a newline.
    fn bump(&mut self) {
        self.i += 1;
        self.col += 1;
    }

    fn bump_newline(&mut self) {
        self.i += 1;
        self.line += 1;
        self.col = 1;
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    LBrace,
    RBrace,
    LBracket,
    RBracket,
    Colon,
    Comma,
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    Null,
    Eof,
}

impl Tok {
    /// The token's name in Kea's bison messages.
    fn describe(&self) -> &'static str {
        match self {
            Tok::LBrace => "{",
            Tok::RBrace => "}",
            Tok::LBracket => "[",
            Tok::RBracket => "]",
            Tok::Colon => ":",
            Tok::Comma => "\",\"",
            Tok::Str(_) => "constant string",
            Tok::Int(_) => "integer",
            Tok::Float(_) => "floating point",
            Tok::Bool(_) => "boolean",
            Tok::Null => "null",
            Tok::Eof => "end of file",
        }
    }
}

struct Token {
    tok: Tok,
    pos: Position,
}

struct Parser<'a> {
    stack: Vec<Source<'a>>,
    warnings: Vec<Warning>,
}

impl<'a> Parser<'a> {
    fn new(src: Source<'a>) -> Self {
        Parser {
            stack: vec![src],
            warnings: Vec::new(),
        }
    }

    fn parse_document(mut self) -> Result<Parsed, ConfigError> {
        let first = self.next_token()?;
        let element = self.parse_value(first, "toplevel", 0)?;
        let end = self.next_token()?;
        if end.tok != Tok::Eof {
            return Err(unexpected(&end, "end of file"));
        }
        Ok(Parsed {
            element,
            warnings: self.warnings,
        })
    }

    // ----- values -------------------------------------------------------------------

    fn parse_value(&mut self, t: Token, ctx: &str, depth: usize) -> Result<Element, ConfigError> {
        if depth > MAX_DEPTH {
            return Err(ConfigError::syntax(t.pos, "nesting too deep".to_string()));
        }
        let value = match t.tok {
            Tok::LBrace => return self.parse_map(t.pos, ctx, depth),
            Tok::LBracket => return self.parse_list(t.pos, ctx, depth),
            Tok::Str(s) => Value::String(s),
            Tok::Int(i) => Value::Int(i),
            Tok::Float(f) => Value::Float(f),
            Tok::Bool(b) => Value::Bool(b),
            Tok::Null => Value::Null,
            _ => return Err(unexpected(&t, "a JSON value")),
        };
        Ok(Element { value, pos: t.pos })
    }

    fn parse_map(
        &mut self,
        pos: Position,
        ctx: &str,
        depth: usize,
    ) -> Result<Element, ConfigError> {
        let mut map = Map::new();
        let mut comma: Option<Position> = None;
        loop {
            let t = self.next_token()?;
            match t.tok {
                Tok::RBrace => {
                    if let Some(c) = comma {
                        self.extraneous_comma(c);
                    }
                    break;
                }
                Tok::Str(key) => {
                    let colon = self.next_token()?;
                    if colon.tok != Tok::Colon {
                        return Err(unexpected(&colon, ":"));
                    }
                    let vt = self.next_token()?;
                    let value = self.parse_value(vt, &key, depth + 1)?;
                    if let Some(prev) = map.get(&key) {
                        return Err(ConfigError::syntax(
                            t.pos,
                            format!(
                                "duplicate {key} entries in {ctx} map (previous at {})",
                                prev.pos
                            ),
                        ));
                    }
                    map.insert_with_pos(key, t.pos, value);
                    let sep = self.next_token()?;
                    match sep.tok {
                        Tok::Comma => comma = Some(sep.pos),
                        Tok::RBrace => break,
                        _ => return Err(unexpected(&sep, "\",\" or }")),
                    }
                }
                _ => return Err(unexpected(&t, "constant string or }")),
            }
        }
        Ok(Element {
            value: Value::Map(map),
            pos,
        })
    }

    fn parse_list(
        &mut self,
        pos: Position,
        ctx: &str,
        depth: usize,
    ) -> Result<Element, ConfigError> {
        let mut items = Vec::new();
        let mut comma: Option<Position> = None;
        loop {
            let t = self.next_token()?;
            if t.tok == Tok::RBracket {
                if let Some(c) = comma {
                    self.extraneous_comma(c);
                }
                break;
            }
            if matches!(t.tok, Tok::Comma | Tok::RBrace | Tok::Colon | Tok::Eof) {
                return Err(unexpected(&t, "a JSON value or ]"));
            }
            items.push(self.parse_value(t, ctx, depth + 1)?);
            let sep = self.next_token()?;
            match sep.tok {
                Tok::Comma => comma = Some(sep.pos),
                Tok::RBracket => break,
                _ => return Err(unexpected(&sep, "\",\" or ]")),
            }
        }
        Ok(Element {
            value: Value::List(items),
            pos,
        })
    }

    fn extraneous_comma(&mut self, pos: Position) {
        self.warnings.push(Warning {
            pos: Some(pos),
            message: "Extraneous comma. A piece of configuration may have been omitted."
                .to_string(),
        });
    }

    // ----- lexer --------------------------------------------------------------------

    fn next_token(&mut self) -> Result<Token, ConfigError> {
        loop {
            self.skip_blanks_and_comments()?;
            let depth = self.stack.len();
            let Some(src) = self.stack.last_mut() else {
                return Ok(Token {
                    tok: Tok::Eof,
                    pos: Position::unknown(),
                });
            };
            let Some(c) = src.peek() else {
                if depth > 1 {
                    self.stack.pop();
                    continue;
                }
                return Ok(Token {
                    tok: Tok::Eof,
                    pos: src.pos(),
                });
            };
            let pos = src.pos();
            let simple = match c {
                b'{' => Some(Tok::LBrace),
                b'}' => Some(Tok::RBrace),
                b'[' => Some(Tok::LBracket),
                b']' => Some(Tok::RBracket),
                b':' => Some(Tok::Colon),
                b',' => Some(Tok::Comma),
                _ => None,
            };
            if let Some(tok) = simple {
                src.bump();
                return Ok(Token { tok, pos });
            }
            if c == b'<' {
                if src.text[src.i..].starts_with(b"<?include") {
                    self.include(pos)?;
                    continue;
                }
                src.bump();
                return Err(ConfigError::syntax(pos, "Invalid character: <".to_string()));
            }
            let tok = match c {
                b'"' => lex_string(src)?,
                b'-' | b'+' | b'.' | b'0'..=b'9' => lex_number(src)?,
                b'a'..=b'z' | b'A'..=b'Z' => lex_word(src)?,
                _ => return Err(invalid_char(src, pos)),
            };
            return Ok(Token { tok, pos });
        }
    }

    /// Skips whitespace and the three comment styles in the current source.
    fn skip_blanks_and_comments(&mut self) -> Result<(), ConfigError> {
        let Some(src) = self.stack.last_mut() else {
            return Ok(());
        };
        while let Some(c) = src.peek() {
            match c {
                b'\n' => src.bump_newline(),
                b' ' | b'\t' | b'\r' => src.bump(),
                b'#' => skip_line(src),
                b'/' if src.peek_at(1) == Some(b'/') => skip_line(src),
                b'/' if src.peek_at(1) == Some(b'*') => {
                    let start_line = src.line;
                    let start = src.pos();
                    src.bump();
                    src.bump();
                    loop {
                        match src.peek() {
                            None => {
                                return Err(ConfigError::syntax(
                                    start,
                                    format!("Comment not closed. (/* in line {start_line})"),
                                ));
                            }
                            Some(b'*') if src.peek_at(1) == Some(b'/') => {
                                src.bump();
                                src.bump();
                                break;
                            }
                            Some(b'\n') => src.bump_newline(),
                            Some(_) => src.bump(),
                        }
                    }
                }
                _ => break,
            }
        }
        Ok(())
    }

    /// Handles `<?include "path"?>` at `pos`: reads the file and pushes it as a new source.
    fn include(&mut self, pos: Position) -> Result<(), ConfigError> {
        let Some(src) = self.stack.last_mut() else {
            return Ok(());
        };
        for _ in 0.."<?include".len() {
            src.bump();
        }
        while matches!(src.peek(), Some(b' ' | b'\t')) {
            src.bump();
        }
        let bad = |p: Position| {
            ConfigError::include(
                Some(p),
                "syntax error in include directive, expecting <?include \"file\"?>".to_string(),
            )
        };
        if src.peek() != Some(b'"') {
            return Err(bad(pos));
        }
        src.bump();
        let start = src.i;
        while let Some(c) = src.peek() {
            if c == b'"' || c == b'\n' {
                break;
            }
            src.bump();
        }
        if src.peek() != Some(b'"') {
            return Err(bad(pos));
        }
        let name = String::from_utf8_lossy(&src.text[start..src.i]).into_owned();
        src.bump();
        while matches!(src.peek(), Some(b' ' | b'\t')) {
            src.bump();
        }
        if src.peek() != Some(b'?') || src.peek_at(1) != Some(b'>') {
            return Err(bad(pos));
        }
        src.bump();
        src.bump();

        if self.stack.len() > MAX_INCLUDE_DEPTH {
            return Err(ConfigError::include(
                Some(pos),
                format!("Too many nested include: {name}"),
            ));
        }
        let path = self.resolve_include(&name);
        let shown = path.to_string_lossy().into_owned();
        let bytes = std::fs::read(&path).map_err(|e| {
            ConfigError::include(
                Some(pos.clone()),
                format!("Can't open include file {name}: {e}"),
            )
        })?;
        let canon = std::fs::canonicalize(&path).ok();
        if let Some(c) = &canon
            && self.stack.iter().any(|s| s.canon.as_ref() == Some(c))
        {
            return Err(ConfigError::include(
                Some(pos),
                format!("include cycle: {name} is already being included"),
            ));
        }
        let dir = path.parent().map(Path::to_path_buf);
        self.stack.push(Source::new(
            Cow::Owned(bytes),
            Arc::from(shown.as_str()),
            dir,
            canon,
        ));
        Ok(())
    }

    /// Relative to the including file's directory first, then the working directory.
    fn resolve_include(&self, name: &str) -> PathBuf {
        let p = Path::new(name);
        if p.is_absolute() {
            return p.to_path_buf();
        }
        if let Some(dir) = self.stack.last().and_then(|s| s.dir.as_ref()) {
            let candidate = dir.join(p);
            if candidate.exists() {
                return candidate;
            }
        }
        p.to_path_buf()
    }
}

fn skip_line(src: &mut Source<'_>) {
    while let Some(c) = src.peek() {
        if c == b'\n' {
            break;
        }
        src.bump();
    }
}

fn unexpected(t: &Token, expecting: &str) -> ConfigError {
    ConfigError::syntax(
        t.pos.clone(),
        format!(
            "syntax error, unexpected {}, expecting {expecting}",
            t.tok.describe()
        ),
    )
}

/// "Invalid character: X" for the (possibly multi-byte) character at the cursor.
fn invalid_char(src: &Source<'_>, pos: Position) -> ConfigError {
    let rest = &src.text[src.i..];
    let len = utf8_len(rest[0]).min(rest.len());
    let shown = String::from_utf8_lossy(&rest[..len]).into_owned();
    ConfigError::syntax(pos, format!("Invalid character: {shown}"))
}

fn utf8_len(b: u8) -> usize {
    match b {
        0xF0..=0xF7 => 4,
        0xE0..=0xEF => 3,
        0xC0..=0xDF => 2,
        _ => 1,
    }
}

fn lex_word(src: &mut Source<'_>) -> Result<Tok, ConfigError> {
    let pos = src.pos();
    let start = src.i;
    while matches!(src.peek(), Some(b'a'..=b'z' | b'A'..=b'Z')) {
        src.bump();
    }
    let word = &src.text[start..src.i];
    match word {
        b"true" => Ok(Tok::Bool(true)),
        b"false" => Ok(Tok::Bool(false)),
        b"null" => Ok(Tok::Null),
        _ => {
            let lower = word.to_ascii_lowercase();
            if matches!(lower.as_slice(), b"true" | b"false" | b"null") {
                let w = String::from_utf8_lossy(&lower).into_owned();
                Err(ConfigError::syntax(
                    pos,
                    format!("JSON {w} reserved keyword is lower case only"),
                ))
            } else {
                let first = char::from(word[0]);
                Err(ConfigError::syntax(
                    pos,
                    format!("Invalid character: {first}"),
                ))
            }
        }
    }
}

/// Numbers as Kea's lexer accepts them: optional sign, leading zeros, `.5`, `5.`,
/// exponents. Without a fraction or exponent it is an integer.
fn lex_number(src: &mut Source<'_>) -> Result<Tok, ConfigError> {
    let pos = src.pos();
    let start = src.i;
    if matches!(src.peek(), Some(b'-' | b'+')) {
        src.bump();
    }
    let mut digits = 0usize;
    while matches!(src.peek(), Some(b'0'..=b'9')) {
        src.bump();
        digits += 1;
    }
    let mut is_float = false;
    if src.peek() == Some(b'.') {
        is_float = true;
        src.bump();
        while matches!(src.peek(), Some(b'0'..=b'9')) {
            src.bump();
            digits += 1;
        }
    }
    if digits == 0 {
        let c = char::from(src.text[start]);
        return Err(ConfigError::syntax(pos, format!("Invalid character: {c}")));
    }
    if matches!(src.peek(), Some(b'e' | b'E')) {
        let sign = usize::from(matches!(src.peek_at(1), Some(b'+' | b'-')));
        if matches!(src.peek_at(1 + sign), Some(b'0'..=b'9')) {
            is_float = true;
            for _ in 0..=sign {
                src.bump();
            }
            while matches!(src.peek(), Some(b'0'..=b'9')) {
                src.bump();
            }
        }
    }
    // The slice is ASCII digits, sign, dot and exponent only.
    let text = String::from_utf8_lossy(&src.text[start..src.i]).into_owned();
    if is_float {
        // Rust's parser wants a digit on both sides of the dot.
        let mut norm = text.replace(".e", ".0e").replace(".E", ".0E");
        if norm.ends_with('.') {
            norm.push('0');
        }
        let norm = norm.replacen("-.", "-0.", 1).replacen("+.", "0.", 1);
        let norm = if norm.starts_with('.') {
            format!("0{norm}")
        } else {
            norm
        };
        match norm.parse::<f64>() {
            Ok(f) if f.is_finite() => Ok(Tok::Float(f)),
            _ => Err(ConfigError::syntax(
                pos,
                format!("Failed to convert {text} to a floating point."),
            )),
        }
    } else {
        text.parse::<i64>().map(Tok::Int).map_err(|_| {
            ConfigError::syntax(pos, format!("Failed to convert {text} to an integer."))
        })
    }
}

fn lex_string(src: &mut Source<'_>) -> Result<Tok, ConfigError> {
    let pos = src.pos();
    src.bump(); // opening quote
    let start = src.i;
    // Fast path: no escapes.
    loop {
        match src.peek() {
            Some(b'"') => {
                let s = std::str::from_utf8(&src.text[start..src.i])
                    .map_err(|_| bad_utf8(src))?
                    .to_owned();
                src.bump();
                return Ok(Tok::Str(s));
            }
            Some(b'\\') => break,
            Some(c) if c >= 0x20 => src.bump(),
            _ => return Err(unterminated(pos)),
        }
    }
    // Slow path: unescape.
    let mut out: Vec<u8> = src.text[start..src.i].to_vec();
    loop {
        match src.peek() {
            Some(b'"') => {
                src.bump();
                let s = String::from_utf8(out).map_err(|_| bad_utf8(src))?;
                return Ok(Tok::Str(s));
            }
            Some(b'\\') => {
                let esc_pos = src.pos();
                src.bump();
                let Some(e) = src.peek() else {
                    return Err(unterminated(pos));
                };
                src.bump();
                let simple = match e {
                    b'"' => Some(b'"'),
                    b'\\' => Some(b'\\'),
                    b'/' => Some(b'/'),
                    b'b' => Some(0x08),
                    b'f' => Some(0x0c),
                    b'n' => Some(b'\n'),
                    b'r' => Some(b'\r'),
                    b't' => Some(b'\t'),
                    _ => None,
                };
                if let Some(b) = simple {
                    out.push(b);
                    continue;
                }
                if e != b'u' {
                    return Err(ConfigError::syntax(
                        esc_pos,
                        format!("Bad escape in \"\\{}\"", char::from(e)),
                    ));
                }
                let hi = hex4(src, &esc_pos)?;
                let ch = if (0xD800..0xDC00).contains(&hi) {
                    // A surrogate pair must follow.
                    if src.peek() != Some(b'\\') || src.peek_at(1) != Some(b'u') {
                        return Err(bad_unicode(esc_pos));
                    }
                    src.bump();
                    src.bump();
                    let lo = hex4(src, &esc_pos)?;
                    if !(0xDC00..0xE000).contains(&lo) {
                        return Err(bad_unicode(esc_pos));
                    }
                    char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))
                } else {
                    char::from_u32(hi)
                };
                let Some(ch) = ch else {
                    return Err(bad_unicode(esc_pos));
                };
                let mut buf = [0u8; 4];
                out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
            }
            Some(c) if c >= 0x20 => {
                out.push(c);
                src.bump();
            }
            _ => return Err(unterminated(pos)),
        }
    }
}

fn hex4(src: &mut Source<'_>, esc_pos: &Position) -> Result<u32, ConfigError> {
    let mut v = 0u32;
    for _ in 0..4 {
        let d = match src.peek() {
            Some(c @ b'0'..=b'9') => c - b'0',
            Some(c @ b'a'..=b'f') => c - b'a' + 10,
            Some(c @ b'A'..=b'F') => c - b'A' + 10,
            _ => return Err(bad_unicode(esc_pos.clone())),
        };
        v = v * 16 + u32::from(d);
        src.bump();
    }
    Ok(v)
}

fn bad_unicode(pos: Position) -> ConfigError {
    ConfigError::syntax(pos, "Bad \\u escape in string".to_string())
}

fn bad_utf8(src: &Source<'_>) -> ConfigError {
    ConfigError::syntax(src.pos(), "invalid UTF-8 in string".to_string())
}

fn unterminated(pos: Position) -> ConfigError {
    ConfigError {
        kind: ErrorKind::Syntax,
        message: "Invalid character: \" (unterminated string or control character in string)"
            .to_string(),
        pos: Some(pos),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> String {
        parse_str(text, "t").unwrap_err().to_string()
    }

    #[test]
    fn parses_plain_json_with_positions() {
        let e = parse_str(
            "{\n  \"a\": [1, 2.5, \"x\", true, null],\n  \"b\": {}\n}",
            "t",
        )
        .unwrap();
        let a = e.get("a").unwrap();
        assert_eq!(a.pos.to_string(), "t:2:8");
        assert_eq!(a.as_list().unwrap()[1].as_f64().unwrap(), 2.5);
        assert_eq!(
            e.as_map().unwrap().key_pos("b").unwrap().to_string(),
            "t:3:3"
        );
    }

    #[test]
    fn comments_of_three_kinds() {
        let e = parse_str("# hash\n{ // slashes\n \"a\": /* block\n */ 1 }", "t").unwrap();
        assert_eq!(e.get("a").unwrap().as_int().unwrap(), 1);
        assert_eq!(e.get("a").unwrap().pos.to_string(), "t:4:5");
    }

    #[test]
    fn trailing_commas_warn() {
        let p = parse_str_with_warnings("{ \"a\": [1, 2, ], }", "t").unwrap();
        assert_eq!(p.warnings.len(), 2);
        assert_eq!(
            p.warnings[0].to_string(),
            "t:1:13: Extraneous comma. A piece of configuration may have been omitted."
        );
    }

    #[test]
    fn duplicate_keys_are_errors() {
        assert_eq!(
            err("{ \"Dhcp4\": {\n \"x\": 1,\n \"x\": 2 } }"),
            "t:3:2: duplicate x entries in Dhcp4 map (previous at t:2:7)"
        );
    }

    #[test]
    fn syntax_errors_name_position_and_expectation() {
        assert_eq!(
            err("{ \"a\": 1 "),
            "t:1:10: syntax error, unexpected end of file, expecting \",\" or }"
        );
        assert_eq!(
            err("{ \"a\" 1 }"),
            "t:1:7: syntax error, unexpected integer, expecting :"
        );
        assert_eq!(
            err("{ \"a\": True }"),
            "t:1:8: JSON true reserved keyword is lower case only"
        );
        assert_eq!(err("{ \"a\": 12x }"), "t:1:10: Invalid character: x");
        assert_eq!(
            err("{ 1: 2 }"),
            "t:1:3: syntax error, unexpected integer, expecting constant string or }"
        );
        assert_eq!(
            err("[1] 2"),
            "t:1:5: syntax error, unexpected integer, expecting end of file"
        );
        assert_eq!(
            err(""),
            "t:1:1: syntax error, unexpected end of file, expecting a JSON value"
        );
        assert!(err("{ \"a\": \"abc\n }").starts_with("t:1:8: Invalid character: \""));
        assert_eq!(
            err("{ /* open\n"),
            "t:1:3: Comment not closed. (/* in line 1)"
        );
        assert_eq!(
            err("99999999999999999999"),
            "t:1:1: Failed to convert 99999999999999999999 to an integer."
        );
    }

    #[test]
    fn string_escapes() {
        let e = parse_str(r#""a\"b\\c\/d\n\u00e9\ud83d\ude00""#, "t").unwrap();
        assert_eq!(e.as_str().unwrap(), "a\"b\\c/d\né😀");
        assert!(parse_str(r#""\x""#, "t").is_err());
        assert!(parse_str(r#""\ud83d""#, "t").is_err());
    }

    #[test]
    fn numbers() {
        assert_eq!(parse_str("-0", "t").unwrap().as_int().unwrap(), 0);
        assert_eq!(parse_str("1e3", "t").unwrap().as_f64().unwrap(), 1000.0);
        assert!(matches!(
            parse_str("1e3", "t").unwrap().value,
            Value::Float(_)
        ));
        assert_eq!(parse_str("012", "t").unwrap().as_int().unwrap(), 12);
        assert_eq!(parse_str("+1", "t").unwrap().as_int().unwrap(), 1);
        for (text, v) in [
            (".5", 0.5),
            ("-.5", -0.5),
            ("5.", 5.0),
            ("00.5", 0.5),
            ("1E2", 100.0),
            ("2.e1", 20.0),
        ] {
            assert_eq!(parse_str(text, "t").unwrap().as_f64().unwrap(), v, "{text}");
        }
        assert!(parse_str(".", "t").is_err());
        assert!(parse_str("+", "t").is_err());
        assert!(parse_str("1e999", "t").is_err());
        assert!(parse_str("-", "t").is_err());
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let text = "[".repeat(100_000);
        assert!(
            parse_str(&text, "t")
                .unwrap_err()
                .message
                .contains("nesting too deep")
        );
    }

    #[test]
    fn garbage_never_panics() {
        let samples = [
            "\u{0}",
            "\"\\u",
            "\"\\ud800\\u",
            "<?include",
            "<?include \"",
            "<?include \"x\"",
            "{\"a\":",
            "[,]",
            "{,}",
            "-e",
            "1.",
            "1.e5",
            "\u{ff}\u{fe}",
            "{\"\u{e9}\":1}",
            "tru",
            "nul",
        ];
        for s in samples {
            let _ = parse_str(s, "t");
        }
        for i in 0..=255u8 {
            let bytes = [b'{', b'"', i, b'"', b':', i, b'}'];
            if let Ok(s) = std::str::from_utf8(&bytes) {
                let _ = parse_str(s, "t");
            }
        }
    }

    mod includes {
        use super::*;
        use std::fs;

        #[test]
        fn nested_relative_includes() {
            let dir = tempfile::tempdir().unwrap();
            fs::create_dir(dir.path().join("sub")).unwrap();
            fs::write(
                dir.path().join("main.json"),
                "{ \"a\": 1,\n <?include \"sub/one.json\"?>\n }",
            )
            .unwrap();
            fs::write(
                dir.path().join("sub/one.json"),
                "\"b\": <?include \"two.json\"?>",
            )
            .unwrap();
            fs::write(dir.path().join("sub/two.json"), "\n  [ 2 ]").unwrap();
            let e = parse_file(dir.path().join("main.json")).unwrap();
            let b = e.get("b").unwrap();
            assert_eq!(b.as_list().unwrap()[0].as_int().unwrap(), 2);
            assert!(b.pos.to_string().ends_with("sub/two.json:2:3"), "{}", b.pos);
        }

        #[test]
        fn include_cycle_and_missing_file() {
            let dir = tempfile::tempdir().unwrap();
            fs::write(dir.path().join("a.json"), "{ <?include \"b.json\"?> }").unwrap();
            fs::write(
                dir.path().join("b.json"),
                "\"x\": 1, <?include \"a.json\"?>",
            )
            .unwrap();
            let e = parse_file(dir.path().join("a.json")).unwrap_err();
            assert_eq!(e.kind, ErrorKind::Include);
            assert!(
                e.to_string().contains("b.json:1:9: include cycle: a.json"),
                "{e}"
            );

            fs::write(dir.path().join("c.json"), "{\n <?include \"nope.json\"?> }").unwrap();
            let e = parse_file(dir.path().join("c.json")).unwrap_err();
            assert!(
                e.to_string()
                    .contains("c.json:2:2: Can't open include file nope.json"),
                "{e}"
            );
        }

        #[test]
        fn include_depth_limit() {
            let dir = tempfile::tempdir().unwrap();
            for i in 0..12 {
                fs::write(
                    dir.path().join(format!("{i}.json")),
                    format!("<?include \"{}.json\"?>", i + 1),
                )
                .unwrap();
            }
            fs::write(dir.path().join("12.json"), "1").unwrap();
            let e = parse_file(dir.path().join("0.json")).unwrap_err();
            assert!(e.message.starts_with("Too many nested include"), "{e}");
        }
    }
}

#[cfg(test)]
mod speed {
    use super::*;

    /// Builds a Dhcp4 config with `n` subnets (about 200 bytes each).
    pub(crate) fn big_config(n: usize) -> String {
        let mut s = String::from("{ \"Dhcp4\": { \"valid-lifetime\": 4000, \"subnet4\": [\n");
        for i in 0..n {
            let (a, b) = (i / 256, i % 256);
            s.push_str(&format!(
                "  {{ \"id\": {}, \"subnet\": \"10.{a}.{b}.0/24\", \"pools\": [ {{ \"pool\": \"10.{a}.{b}.10 - 10.{a}.{b}.200\" }} ],\n    \"option-data\": [ {{ \"name\": \"routers\", \"data\": \"10.{a}.{b}.1\" }} ] }},\n",
                i + 1
            ));
        }
        s.push_str("] } }\n");
        s
    }

    #[test]
    fn ten_thousand_subnets_parse_quickly() {
        let text = big_config(10_000);
        let start = std::time::Instant::now();
        let e = parse_str(&text, "big").unwrap();
        let took = start.elapsed();
        let n = e
            .get("Dhcp4")
            .unwrap()
            .get("subnet4")
            .unwrap()
            .as_list()
            .unwrap()
            .len();
        assert_eq!(n, 10_000);
        // Generous bound: unoptimised test builds on a shared machine.
        assert!(took.as_millis() < 2000, "took {took:?}");
        eprintln!("10k subnets ({} bytes) parsed in {took:?}", text.len());
    }
}
