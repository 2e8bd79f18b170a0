//! The small expression language of the stand-in's executor: guards, `validate`, branch
//! conditions, loop conditions and items, assignments, and `{{path}}` templates.
//!
//! It is not ScaiCore's expression language (which is not published); it covers what ScaiFlow's
//! flows write: literals (numbers, `'single'`/`"double"` strings, `true`/`false`/`null`, lists
//! `[a, b]`), dotted paths with `[n]` indexing and `.length`, `+ - * /`, comparisons
//! `== != > >= < <=`, `in`, `&& || !` and `and or not`, parentheses.
//!
//! Evaluation never fails: an unknown name is `null`, an ordering comparison with `null` (or
//! between values of different types) is `false`, arithmetic on unsuitable values is `null`.
//! Only a syntax error is an error, reported when the text is parsed.

use std::fmt;

use serde_json::{Map, Number, Value};

/// Where names come from: the executor's scope, or a plain map in tests.
pub trait Lookup {
    /// The value bound to `name`, if any.
    fn lookup(&self, name: &str) -> Option<&Value>;
}

impl Lookup for Map<String, Value> {
    fn lookup(&self, name: &str) -> Option<&Value> {
        self.get(name)
    }
}

/// A parsed expression.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr(Node);

/// Why a text is not an expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub text: String,
    pub column: usize,
    pub message: String,
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "syntax error in '{}' at column {}: {}", self.text, self.column, self.message)
    }
}

impl std::error::Error for SyntaxError {}

/// Parses `text` as one expression.
pub fn parse(text: &str) -> Result<Expr, SyntaxError> {
    let tokens = lex(text)?;
    let mut parser = Parser { text, tokens, at: 0 };
    let node = parser.or()?;
    match parser.tokens.get(parser.at) {
        None => Ok(Expr(node)),
        Some(token) => Err(parser.error(token.column, format!("unexpected {}", token.kind))),
    }
}

/// Parses and evaluates `text`.
pub fn eval_str(text: &str, scope: &dyn Lookup) -> Result<Value, SyntaxError> {
    Ok(parse(text)?.eval(scope))
}

impl Expr {
    pub fn eval(&self, scope: &dyn Lookup) -> Value {
        eval(&self.0, scope)
    }
}

/// Whether a value counts as true: `null`, `false`, `0`, `""`, `[]` and `{}` do not.
pub fn truthy(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
    }
}

/// Replaces each `{{expression}}` in `template` by its value: strings as they are, `null` as
/// nothing, anything else as compact JSON. A placeholder that does not parse is left as written.
pub fn render(template: &str, scope: &dyn Lookup) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        let Some(len) = rest[start + 2..].find("}}") else { break };
        out.push_str(&rest[..start]);
        let inner = &rest[start + 2..start + 2 + len];
        match eval_str(inner.trim(), scope) {
            Ok(value) => out.push_str(&display(&value)),
            Err(_) => out.push_str(&rest[start..start + 4 + len]),
        }
        rest = &rest[start + 4 + len..];
    }
    out.push_str(rest);
    out
}

/// A value as template text.
pub fn display(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Equality as the language sees it: numbers by value (`1 == 1.0`), the rest as JSON.
pub fn equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        _ => a == b,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Eq,
    Ne,
    Gt,
    Ge,
    Lt,
    Le,
    In,
    Add,
    Sub,
    Mul,
    Div,
}

#[derive(Debug, Clone, PartialEq)]
enum Node {
    Literal(Value),
    Name(String),
    Field(Box<Node>, String),
    Index(Box<Node>, Box<Node>),
    List(Vec<Node>),
    Not(Box<Node>),
    Neg(Box<Node>),
    And(Box<Node>, Box<Node>),
    Or(Box<Node>, Box<Node>),
    Binary(Op, Box<Node>, Box<Node>),
}

fn eval(node: &Node, scope: &dyn Lookup) -> Value {
    match node {
        Node::Literal(value) => value.clone(),
        Node::Name(name) => scope.lookup(name).cloned().unwrap_or(Value::Null),
        Node::Field(base, field) => field_of(eval(base, scope), field),
        Node::Index(base, index) => index_of(eval(base, scope), &eval(index, scope)),
        Node::List(items) => Value::Array(items.iter().map(|i| eval(i, scope)).collect()),
        Node::Not(inner) => Value::Bool(!truthy(&eval(inner, scope))),
        Node::Neg(inner) => match eval(inner, scope) {
            Value::Number(n) => n
                .as_i64()
                .and_then(i64::checked_neg)
                .map(Value::from)
                .or_else(|| n.as_f64().map(|f| float(-f)))
                .unwrap_or(Value::Null),
            _ => Value::Null,
        },
        Node::And(a, b) => Value::Bool(truthy(&eval(a, scope)) && truthy(&eval(b, scope))),
        Node::Or(a, b) => Value::Bool(truthy(&eval(a, scope)) || truthy(&eval(b, scope))),
        Node::Binary(op, a, b) => binary(*op, eval(a, scope), eval(b, scope)),
    }
}

fn field_of(base: Value, field: &str) -> Value {
    match base {
        Value::Object(mut map) => match map.remove(field) {
            Some(value) => value,
            None if field == "length" => Value::from(map.len()),
            None => Value::Null,
        },
        Value::Array(items) if field == "length" => Value::from(items.len()),
        Value::String(s) if field == "length" => Value::from(s.chars().count()),
        _ => Value::Null,
    }
}

fn index_of(base: Value, index: &Value) -> Value {
    match (base, index) {
        (Value::Array(mut items), Value::Number(n)) => {
            let len = items.len() as i64;
            match n.as_i64().map(|i| if i < 0 { len + i } else { i }) {
                Some(i) if (0..len).contains(&i) => items.swap_remove(i as usize),
                _ => Value::Null,
            }
        }
        (Value::Object(mut map), Value::String(key)) => map.remove(key).unwrap_or(Value::Null),
        (base @ Value::Object(_), Value::Number(n)) => field_of(base, &n.to_string()),
        _ => Value::Null,
    }
}

fn binary(op: Op, a: Value, b: Value) -> Value {
    use std::cmp::Ordering;
    let ordering = || match (&a, &b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64()?.partial_cmp(&y.as_f64()?),
        (Value::String(x), Value::String(y)) => Some(x.cmp(y)),
        _ => None,
    };
    match op {
        Op::Eq => Value::Bool(equal(&a, &b)),
        Op::Ne => Value::Bool(!equal(&a, &b)),
        Op::Gt => Value::Bool(ordering() == Some(Ordering::Greater)),
        Op::Ge => Value::Bool(matches!(ordering(), Some(Ordering::Greater | Ordering::Equal))),
        Op::Lt => Value::Bool(ordering() == Some(Ordering::Less)),
        Op::Le => Value::Bool(matches!(ordering(), Some(Ordering::Less | Ordering::Equal))),
        Op::In => Value::Bool(match (&a, &b) {
            (_, Value::Array(items)) => items.iter().any(|i| equal(i, &a)),
            (Value::String(needle), Value::String(hay)) => hay.contains(needle.as_str()),
            (Value::String(key), Value::Object(map)) => map.contains_key(key),
            _ => false,
        }),
        Op::Add => add(a, b),
        Op::Sub | Op::Mul | Op::Div => arithmetic(op, &a, &b),
    }
}

/// `+`: numbers add, strings concatenate, lists append, `null` is the identity.
fn add(a: Value, b: Value) -> Value {
    match (a, b) {
        (Value::Null, other) | (other, Value::Null) => other,
        (a @ Value::Number(_), b @ Value::Number(_)) => arithmetic(Op::Add, &a, &b),
        (Value::Array(mut x), Value::Array(y)) => {
            x.extend(y);
            Value::Array(x)
        }
        (Value::Array(mut x), other) => {
            x.push(other);
            Value::Array(x)
        }
        (Value::String(x), other) => Value::String(x + &display(&other)),
        (other, Value::String(y)) => Value::String(display(&other) + &y),
        _ => Value::Null,
    }
}

fn arithmetic(op: Op, a: &Value, b: &Value) -> Value {
    let (Value::Number(x), Value::Number(y)) = (a, b) else { return Value::Null };
    if let (Some(x), Some(y)) = (x.as_i64(), y.as_i64()) {
        let exact = match op {
            Op::Add => x.checked_add(y),
            Op::Sub => x.checked_sub(y),
            Op::Mul => x.checked_mul(y),
            Op::Div => (y != 0 && x % y == 0).then(|| x / y),
            _ => None,
        };
        if let Some(n) = exact {
            return Value::from(n);
        }
    }
    let (Some(x), Some(y)) = (x.as_f64(), y.as_f64()) else { return Value::Null };
    match op {
        Op::Add => float(x + y),
        Op::Sub => float(x - y),
        Op::Mul => float(x * y),
        Op::Div if y != 0.0 => float(x / y),
        _ => Value::Null,
    }
}

fn float(f: f64) -> Value {
    Number::from_f64(f).map(Value::Number).unwrap_or(Value::Null)
}

#[derive(Debug, Clone, PartialEq)]
enum Kind {
    Number(Value),
    Str(String),
    Ident(String),
    Punct(&'static str),
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Kind::Number(n) => write!(f, "number {n}"),
            Kind::Str(s) => write!(f, "string '{s}'"),
            Kind::Ident(i) => write!(f, "'{i}'"),
            Kind::Punct(p) => write!(f, "'{p}'"),
        }
    }
}

#[derive(Debug, Clone)]
struct Token {
    kind: Kind,
    /// 1-based, in characters.
    column: usize,
}

/// Longest first, so `==` is not read as `=`.
const PUNCTS: &[&str] = &[
    "==", "!=", ">=", "<=", "&&", "||", ">", "<", "!", "(", ")", "[", "]", ",", ".", "+", "-", "*",
    "/",
];

fn lex(text: &str) -> Result<Vec<Token>, SyntaxError> {
    let chars: Vec<char> = text.chars().collect();
    let error = |column: usize, message: String| SyntaxError {
        text: text.to_owned(),
        column: column + 1,
        message,
    };
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let start = i;
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let kind = if c.is_ascii_digit() {
            while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '_') {
                i += 1;
            }
            let fraction = i + 1 < chars.len() && chars[i] == '.' && chars[i + 1].is_ascii_digit();
            if fraction {
                i += 1;
                while i < chars.len() && chars[i].is_ascii_digit() {
                    i += 1;
                }
            }
            let digits: String = chars[start..i].iter().filter(|c| **c != '_').collect();
            let number = if fraction {
                digits.parse::<f64>().ok().and_then(Number::from_f64).map(Value::Number)
            } else {
                digits.parse::<i64>().ok().map(Value::from)
            };
            Kind::Number(number.ok_or_else(|| error(start, format!("'{digits}' is not a number")))?)
        } else if c == '\'' || c == '"' {
            i += 1;
            let mut s = String::new();
            loop {
                match chars.get(i) {
                    None => return Err(error(start, "unterminated string".to_owned())),
                    Some(&q) if q == c => break,
                    Some('\\') => {
                        let escaped = chars
                            .get(i + 1)
                            .ok_or_else(|| error(start, "unterminated string".to_owned()))?;
                        s.push(match escaped {
                            'n' => '\n',
                            't' => '\t',
                            other => *other,
                        });
                        i += 2;
                    }
                    Some(&other) => {
                        s.push(other);
                        i += 1;
                    }
                }
            }
            i += 1;
            Kind::Str(s)
        } else if c.is_alphabetic() || c == '_' {
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            Kind::Ident(chars[start..i].iter().collect())
        } else {
            let rest: String = chars[i..chars.len().min(i + 2)].iter().collect();
            let punct = PUNCTS
                .iter()
                .find(|p| rest.starts_with(**p))
                .ok_or_else(|| error(start, format!("unexpected character '{c}'")))?;
            i += punct.len();
            Kind::Punct(punct)
        };
        tokens.push(Token { kind, column: start + 1 });
    }
    Ok(tokens)
}

struct Parser<'t> {
    text: &'t str,
    tokens: Vec<Token>,
    at: usize,
}

impl Parser<'_> {
    fn error(&self, column: usize, message: String) -> SyntaxError {
        SyntaxError { text: self.text.to_owned(), column, message }
    }

    fn end_column(&self) -> usize {
        self.text.chars().count() + 1
    }

    fn peek(&self) -> Option<&Kind> {
        self.tokens.get(self.at).map(|t| &t.kind)
    }

    /// Consumes the next token if it is punctuation `p` or the word `p`.
    fn eat(&mut self, p: &str) -> bool {
        let hit = match self.peek() {
            Some(Kind::Punct(q)) => *q == p,
            Some(Kind::Ident(word)) => word == p,
            _ => false,
        };
        if hit {
            self.at += 1;
        }
        hit
    }

    fn expect(&mut self, p: &str) -> Result<(), SyntaxError> {
        if self.eat(p) {
            return Ok(());
        }
        Err(match self.tokens.get(self.at) {
            Some(t) => self.error(t.column, format!("expected '{p}', found {}", t.kind)),
            None => self.error(self.end_column(), format!("expected '{p}' at the end")),
        })
    }

    fn or(&mut self) -> Result<Node, SyntaxError> {
        let mut node = self.and()?;
        while self.eat("||") || self.eat("or") {
            node = Node::Or(Box::new(node), Box::new(self.and()?));
        }
        Ok(node)
    }

    fn and(&mut self) -> Result<Node, SyntaxError> {
        let mut node = self.not()?;
        while self.eat("&&") || self.eat("and") {
            node = Node::And(Box::new(node), Box::new(self.not()?));
        }
        Ok(node)
    }

    fn not(&mut self) -> Result<Node, SyntaxError> {
        if self.eat("not") {
            return Ok(Node::Not(Box::new(self.not()?)));
        }
        self.comparison()
    }

    fn comparison(&mut self) -> Result<Node, SyntaxError> {
        let left = self.sum()?;
        let op = [
            ("==", Op::Eq),
            ("!=", Op::Ne),
            (">=", Op::Ge),
            ("<=", Op::Le),
            (">", Op::Gt),
            ("<", Op::Lt),
            ("in", Op::In),
        ]
        .into_iter()
        .find(|(p, _)| self.eat(p));
        match op {
            Some((_, op)) => Ok(Node::Binary(op, Box::new(left), Box::new(self.sum()?))),
            None => Ok(left),
        }
    }

    fn sum(&mut self) -> Result<Node, SyntaxError> {
        let mut node = self.product()?;
        loop {
            let op = if self.eat("+") {
                Op::Add
            } else if self.eat("-") {
                Op::Sub
            } else {
                return Ok(node);
            };
            node = Node::Binary(op, Box::new(node), Box::new(self.product()?));
        }
    }

    fn product(&mut self) -> Result<Node, SyntaxError> {
        let mut node = self.unary()?;
        loop {
            let op = if self.eat("*") {
                Op::Mul
            } else if self.eat("/") {
                Op::Div
            } else {
                return Ok(node);
            };
            node = Node::Binary(op, Box::new(node), Box::new(self.unary()?));
        }
    }

    fn unary(&mut self) -> Result<Node, SyntaxError> {
        if self.eat("!") {
            return Ok(Node::Not(Box::new(self.unary()?)));
        }
        if self.eat("-") {
            return Ok(Node::Neg(Box::new(self.unary()?)));
        }
        self.postfix()
    }

    fn postfix(&mut self) -> Result<Node, SyntaxError> {
        let mut node = self.primary()?;
        loop {
            if self.eat(".") {
                match self.tokens.get(self.at).cloned() {
                    Some(Token { kind: Kind::Ident(field), .. }) => {
                        self.at += 1;
                        node = Node::Field(Box::new(node), field);
                    }
                    Some(Token { kind: Kind::Number(Value::Number(n)), .. }) if n.is_u64() => {
                        self.at += 1;
                        node = Node::Index(Box::new(node), Box::new(Node::Literal(n.into())));
                    }
                    Some(t) => {
                        return Err(self.error(
                            t.column,
                            format!("expected a field name after '.', found {}", t.kind),
                        ));
                    }
                    None => {
                        return Err(self.error(self.end_column(), "expected a field name".into()));
                    }
                }
            } else if self.eat("[") {
                let index = self.or()?;
                self.expect("]")?;
                node = Node::Index(Box::new(node), Box::new(index));
            } else if matches!(self.peek(), Some(Kind::Punct("("))) {
                let column = self.tokens[self.at].column;
                return Err(self.error(column, "function calls are not supported".into()));
            } else {
                return Ok(node);
            }
        }
    }

    fn primary(&mut self) -> Result<Node, SyntaxError> {
        let Some(token) = self.tokens.get(self.at).cloned() else {
            return Err(self.error(self.end_column(), "expected a value at the end".into()));
        };
        self.at += 1;
        match token.kind {
            Kind::Number(n) => Ok(Node::Literal(n)),
            Kind::Str(s) => Ok(Node::Literal(Value::String(s))),
            Kind::Ident(word) => match word.as_str() {
                "true" => Ok(Node::Literal(Value::Bool(true))),
                "false" => Ok(Node::Literal(Value::Bool(false))),
                "null" | "none" | "None" => Ok(Node::Literal(Value::Null)),
                "and" | "or" | "not" | "in" => {
                    Err(self.error(token.column, format!("expected a value, found '{word}'")))
                }
                _ => Ok(Node::Name(word)),
            },
            Kind::Punct("(") => {
                let node = self.or()?;
                self.expect(")")?;
                Ok(node)
            }
            Kind::Punct("[") => {
                let mut items = Vec::new();
                if !self.eat("]") {
                    loop {
                        items.push(self.or()?);
                        if self.eat("]") {
                            break;
                        }
                        self.expect(",")?;
                    }
                }
                Ok(Node::List(items))
            }
            other => Err(self.error(token.column, format!("expected a value, found {other}"))),
        }
    }
}

#[cfg(test)]
mod tests;
