//! Jepsen histories as EDN, one operation map a line, and the small EDN reader they need.
//!
//! A line looks like `{:process 3, :type :invoke, :f :put, :key "k", :value "v"}`. The
//! fields read are `:process` (an integer, or `:nemesis`, whose lines are skipped),
//! `:type` (`:invoke`, `:ok`, `:fail`, `:info`), `:f`, `:key` (optional), `:value` and
//! `:time` (optional, nanoseconds); others (`:index`, `:error`, …) are read and ignored.
//! Newer Jepsen prints each map tagged (`#jepsen.history.Op{…}`); the tag is ignored.
//!
//! The reader covers the subset histories use: maps, vectors, lists and sets (all three
//! read as sequences), keywords, symbols, strings with escapes, integers (other numbers
//! are kept as their text), `nil`, `true`, `false`, `;` comments, `#_` discards and tags.

use super::{Event, EventType, ParseError};

/// An EDN value, as far as histories need one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Value {
    Nil,
    Bool(bool),
    Int(i64),
    /// A number that is not an i64 (`1.5`, `12N`, a ratio): kept as written.
    Num(String),
    Str(String),
    /// Without its colon.
    Keyword(String),
    Symbol(String),
    /// A vector, list or set.
    Seq(Vec<Value>),
    Map(Vec<(Value, Value)>),
}

impl Value {
    /// How the value reads back in a message: EDN-like, short.
    pub(crate) fn show(&self) -> String {
        match self {
            Value::Nil => "nil".into(),
            Value::Bool(b) => b.to_string(),
            Value::Int(i) => i.to_string(),
            Value::Num(s) | Value::Symbol(s) => s.clone(),
            Value::Str(s) => format!("{s:?}"),
            Value::Keyword(k) => format!(":{k}"),
            Value::Seq(items) => format!("[{}]", items.iter().map(Value::show).collect::<Vec<_>>().join(" ")),
            Value::Map(_) => "{…}".into(),
        }
    }

    pub(crate) fn is_keyword(&self, name: &str) -> bool {
        matches!(self, Value::Keyword(k) if k == name)
    }
}

/// Nesting deeper than this is refused (no history needs it; it keeps the reader's stack
/// bounded on hostile input).
const MAX_DEPTH: usize = 64;

/// Reads EDN forms from one line.
pub(crate) struct Reader<'a> {
    s: &'a str,
    pos: usize,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(s: &'a str) -> Self {
        Reader { s, pos: 0 }
    }

    fn rest(&self) -> &'a str {
        &self.s[self.pos..]
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn column(&self) -> usize {
        self.s[..self.pos].chars().count() + 1
    }

    fn err(&self, what: &str) -> String {
        match self.peek() {
            None => format!("column {}: expected {what}, found the end of the line", self.column()),
            Some(c) => format!("column {}: expected {what}, found `{}`", self.column(), found(self.rest(), c)),
        }
    }

    /// Skips whitespace, commas and `;` comments.
    pub(crate) fn skip_space(&mut self) {
        while let Some(c) = self.peek() {
            if c.is_whitespace() || c == ',' {
                self.pos += c.len_utf8();
            } else if c == ';' {
                self.pos = self.s.len();
            } else {
                break;
            }
        }
    }

    pub(crate) fn at_end(&mut self) -> bool {
        self.skip_space();
        self.pos >= self.s.len()
    }

    /// Reads one form.
    pub(crate) fn read(&mut self) -> Result<Value, String> {
        self.read_at(0)
    }

    fn read_at(&mut self, depth: usize) -> Result<Value, String> {
        if depth > MAX_DEPTH {
            return Err(format!("column {}: nested more than {MAX_DEPTH} deep", self.column()));
        }
        self.skip_space();
        let Some(c) = self.peek() else { return Err(self.err("a value")) };
        match c {
            '{' => {
                self.pos += 1;
                let items = self.read_until('}', depth)?;
                if items.len() % 2 == 1 {
                    return Err(format!("column {}: a map needs a value for each key (odd number of forms before `}}`)", self.column() - 1));
                }
                let mut it = items.into_iter();
                let mut pairs = Vec::new();
                while let (Some(k), Some(v)) = (it.next(), it.next()) {
                    pairs.push((k, v));
                }
                Ok(Value::Map(pairs))
            }
            '[' => {
                self.pos += 1;
                Ok(Value::Seq(self.read_until(']', depth)?))
            }
            '(' => {
                self.pos += 1;
                Ok(Value::Seq(self.read_until(')', depth)?))
            }
            '"' => self.read_string(),
            '#' => self.read_dispatch(depth),
            '}' | ']' | ')' => Err(self.err("a value")),
            '\\' => Err(format!("column {}: EDN characters (`\\c`) are not supported here", self.column())),
            _ => self.read_token(),
        }
    }

    fn read_until(&mut self, close: char, depth: usize) -> Result<Vec<Value>, String> {
        let mut items = Vec::new();
        loop {
            self.skip_space();
            match self.peek() {
                Some(c) if c == close => {
                    self.pos += 1;
                    return Ok(items);
                }
                None => return Err(self.err(&format!("`{close}`"))),
                Some('#') if self.rest().starts_with("#_") => {
                    self.pos += 2;
                    self.read_at(depth + 1)?;
                }
                Some(_) => items.push(self.read_at(depth + 1)?),
            }
        }
    }

    fn read_dispatch(&mut self, depth: usize) -> Result<Value, String> {
        let rest = self.rest();
        if rest.starts_with("#{") {
            self.pos += 2;
            return Ok(Value::Seq(self.read_until('}', depth)?));
        }
        if rest.starts_with("#_") {
            self.pos += 2;
            self.read_at(depth + 1)?;
            return self.read_at(depth);
        }
        if rest.starts_with("#\"") {
            self.pos += 1;
            return self.read_string();
        }
        // A tag (`#inst`, `#jepsen.history.Op`): read the symbol, keep the tagged form.
        self.pos += 1;
        let start = self.pos;
        while let Some(c) = self.peek() {
            if is_delimiter(c) {
                break;
            }
            self.pos += c.len_utf8();
        }
        if self.pos == start {
            self.pos -= 1;
            return Err(self.err("a tag after `#`"));
        }
        self.read_at(depth + 1)
    }

    fn read_string(&mut self) -> Result<Value, String> {
        let open = self.column();
        self.pos += 1;
        let mut out = String::new();
        loop {
            let Some(c) = self.peek() else {
                return Err(format!("column {open}: string not closed (expected `\"` before the end of the line)"));
            };
            self.pos += c.len_utf8();
            match c {
                '"' => return Ok(Value::Str(out)),
                '\\' => {
                    let Some(e) = self.peek() else { continue };
                    self.pos += e.len_utf8();
                    match e {
                        'n' => out.push('\n'),
                        't' => out.push('\t'),
                        'r' => out.push('\r'),
                        'b' => out.push('\u{8}'),
                        'f' => out.push('\u{c}'),
                        '"' => out.push('"'),
                        '\\' => out.push('\\'),
                        '/' => out.push('/'),
                        'u' => {
                            let hex = self.rest().get(..4).filter(|h| h.chars().all(|c| c.is_ascii_hexdigit()));
                            let ch = hex.and_then(|h| u32::from_str_radix(h, 16).ok()).and_then(char::from_u32);
                            match ch {
                                Some(ch) => {
                                    out.push(ch);
                                    self.pos += 4;
                                }
                                None => return Err(format!("column {}: expected four hex digits after `\\u`", self.column())),
                            }
                        }
                        other => return Err(format!("column {}: unknown escape `\\{other}` in a string", self.column() - 1)),
                    }
                }
                _ => out.push(c),
            }
        }
    }

    fn read_token(&mut self) -> Result<Value, String> {
        let start = self.pos;
        while let Some(c) = self.peek() {
            if is_delimiter(c) {
                break;
            }
            self.pos += c.len_utf8();
        }
        let tok = &self.s[start..self.pos];
        if tok.is_empty() {
            return Err(self.err("a value"));
        }
        let mut chars = tok.chars();
        let first = chars.next().unwrap_or(' ');
        let second = chars.next();
        Ok(match tok {
            "nil" => Value::Nil,
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ if first == ':' => {
                if tok.len() == 1 {
                    self.pos = start;
                    return Err(self.err("a keyword name after `:`"));
                }
                Value::Keyword(tok[1..].to_string())
            }
            _ if first.is_ascii_digit() || ((first == '-' || first == '+') && second.is_some_and(|c| c.is_ascii_digit())) => {
                match tok.parse::<i64>() {
                    Ok(i) => Value::Int(i),
                    Err(_) => Value::Num(tok.to_string()),
                }
            }
            _ => Value::Symbol(tok.to_string()),
        })
    }
}

fn is_delimiter(c: char) -> bool {
    c.is_whitespace() || matches!(c, ',' | '{' | '}' | '[' | ']' | '(' | ')' | '"' | ';')
}

/// The text at the reader's position, for a message: one token or one character.
fn found(rest: &str, c: char) -> String {
    if is_delimiter(c) {
        return c.to_string();
    }
    let tok: String = rest.chars().take_while(|c| !is_delimiter(*c)).take(24).collect();
    tok
}

/// Reads a whole line as one EDN form (for a text log's value field).
pub(crate) fn read_value(text: &str) -> Result<Value, String> {
    let mut r = Reader::new(text);
    let v = r.read()?;
    if !r.at_end() {
        return Err(r.err("the end of the value"));
    }
    Ok(v)
}

/// The events of an EDN history, in line order (`:nemesis` lines skipped).
pub(crate) fn events(text: &str) -> Result<Vec<Event>, ParseError> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        let mut r = Reader::new(line);
        if r.at_end() {
            continue;
        }
        let at = |m: String| ParseError::at(n, m);
        let v = r.read().map_err(|e| at(format!("{e} (reading an operation map)")))?;
        if !r.at_end() {
            return Err(at(r.err("the end of the line after the operation map")));
        }
        let Value::Map(fields) = v else {
            return Err(at(format!("expected an operation map `{{:process …, :type …, :f …}}`, found {}", v.show())));
        };
        if let Some(e) = event_from_map(n, &fields)? {
            out.push(e);
        }
    }
    Ok(out)
}

fn event_from_map(line: usize, fields: &[(Value, Value)]) -> Result<Option<Event>, ParseError> {
    let at = |m: String| ParseError::at(line, m);
    let get = |name: &str| -> Result<Option<&Value>, ParseError> {
        let mut hits = fields.iter().filter(|(k, _)| k.is_keyword(name));
        let first = hits.next().map(|(_, v)| v);
        if hits.next().is_some() {
            return Err(at(format!("the map has :{name} twice")));
        }
        Ok(first)
    };
    let process = get("process")?.ok_or_else(|| at("expected a :process in the operation map".into()))?;
    let process = match process {
        Value::Int(p) if *p >= 0 => *p as u64,
        v if v.is_keyword("nemesis") => return Ok(None),
        v => return Err(at(format!(":process must be a whole number or :nemesis (got {})", v.show()))),
    };
    let ty = get("type")?.ok_or_else(|| at("expected a :type in the operation map".into()))?;
    let ty = match ty {
        Value::Keyword(k) => EventType::from_name(k),
        _ => None,
    }
    .ok_or_else(|| at(format!(":type must be :invoke, :ok, :fail or :info (got {})", ty.show())))?;
    let f = get("f")?.ok_or_else(|| at("expected an :f in the operation map".into()))?;
    let f = match f {
        Value::Keyword(k) | Value::Symbol(k) | Value::Str(k) => k.clone(),
        v => return Err(at(format!(":f must be a keyword such as :read (got {})", v.show()))),
    };
    let key = get("key")?.cloned();
    let value = get("value")?.cloned().unwrap_or(Value::Nil);
    let time = match get("time")? {
        None => None,
        Some(Value::Int(t)) if *t >= 0 => Some(*t as u64),
        Some(v) => return Err(at(format!(":time must be a whole number of nanoseconds (got {})", v.show()))),
    };
    Ok(Some(Event { line, process, ty, f, key, value, time }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_subset() {
        let v = read_value(r#"{:a [1 -2 "x\"\n\u00e9"], :b nil, :c #{true}, :d (:k sym), #_ :gone :e 1.5}"#).unwrap();
        let Value::Map(m) = v else { panic!() };
        assert_eq!(m[0].1, Value::Seq(vec![Value::Int(1), Value::Int(-2), Value::Str("x\"\né".into())]));
        assert_eq!(m[1].1, Value::Nil);
        assert_eq!(m[2].1, Value::Seq(vec![Value::Bool(true)]));
        assert_eq!(m[3].1, Value::Seq(vec![Value::Keyword("k".into()), Value::Symbol("sym".into())]));
        assert_eq!(m[4], (Value::Keyword("e".into()), Value::Num("1.5".into())));
        assert_eq!(read_value("#jepsen.history.Op{:f :read}").unwrap(), Value::Map(vec![(Value::Keyword("f".into()), Value::Keyword("read".into()))]));
    }

    #[test]
    fn errors_name_the_column() {
        assert!(read_value("{:a 1").unwrap_err().contains("expected `}`"));
        assert!(read_value("{:a}").unwrap_err().contains("odd number"));
        assert!(read_value("\"abc").unwrap_err().contains("string not closed"));
        assert!(read_value("[1 2] 3").unwrap_err().starts_with("column 7"));
        let deep = "[".repeat(100);
        assert!(read_value(&deep).unwrap_err().contains("nested"));
    }
}
