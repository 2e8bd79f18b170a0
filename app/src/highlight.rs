//! Syntax colouring for the preview's YAML and `.scai` text: a line at a time (the pane only
//! ever shows a window of lines), split into tokens whose texts join back to the line.

/// What a piece of a line is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Token {
    Plain,
    /// A YAML mapping key (with its colon) or a `.scai` directive (`@flow`).
    Key,
    String,
    /// Numbers, booleans, `null` and `.scai` symbols (`:text`).
    Literal,
    Comment,
}

impl Token {
    /// The CSS class, `None` for plain text.
    pub fn class(self) -> Option<&'static str> {
        match self {
            Token::Plain => None,
            Token::Key => Some("tok-key"),
            Token::String => Some("tok-string"),
            Token::Literal => Some("tok-literal"),
            Token::Comment => Some("tok-comment"),
        }
    }
}

/// The languages the preview shows as text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Yaml,
    Scai,
    /// Decoded IR (JSON).
    Json,
}

/// `line` split into tokens, in order; their texts concatenate to `line`. Neighbouring plain
/// pieces are joined, so a line is a few spans rather than one per character.
pub fn tokens(line: &str, lang: Lang) -> Vec<(Token, &str)> {
    let mut pieces: Vec<(Token, usize, usize)> = Vec::new();
    let mut at = 0;
    if lang == Lang::Yaml
        && let Some(end) = yaml_key_end(line)
    {
        pieces.push((Token::Key, 0, end));
        at = end;
    }
    while at < line.len() {
        let (token, len) = next(&line[at..], lang);
        match pieces.last_mut() {
            Some((Token::Plain, _, end)) if token == Token::Plain => *end = at + len,
            _ => pieces.push((token, at, at + len)),
        }
        at += len;
    }
    pieces.into_iter().map(|(token, from, to)| (token, &line[from..to])).collect()
}

/// Where a YAML line's key ends (after its colon), if it starts with one: `  - name: x`.
fn yaml_key_end(line: &str) -> Option<usize> {
    let body = line.trim_start();
    let body = body.strip_prefix("- ").map_or(body, str::trim_start);
    let start = line.len() - body.len();
    let key_len = body.find(|c: char| !(c.is_alphanumeric() || "_-.$".contains(c)))?;
    (key_len > 0 && body[key_len..].starts_with(':')).then_some(start + key_len + 1)
}

/// The token at the start of `text` and its length in bytes.
fn next(text: &str, lang: Lang) -> (Token, usize) {
    let first = text.chars().next().unwrap_or(' ');
    let comment = match lang {
        Lang::Yaml => text.starts_with('#'),
        Lang::Scai => text.starts_with("//"),
        Lang::Json => false,
    };
    if comment {
        return (Token::Comment, text.len());
    }
    if first == '"' || (first == '\'' && lang == Lang::Yaml) {
        return (Token::String, string_len(text, first));
    }
    if lang == Lang::Scai && (first == '@' || first == ':') {
        let word = 1 + word_len(&text[1..]);
        if word > 1 {
            let token = if first == '@' { Token::Key } else { Token::Literal };
            return (token, word);
        }
    }
    if first.is_ascii_digit()
        || (first == '-' && text[1..].starts_with(|c: char| c.is_ascii_digit()))
    {
        let len = 1 + text[1..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '_'))
            .unwrap_or(text.len() - 1);
        return (Token::Literal, len);
    }
    if first.is_alphabetic() || first == '_' {
        let len = word_len(text);
        let token = if matches!(&text[..len], "true" | "false" | "null") {
            Token::Literal
        } else {
            Token::Plain
        };
        return (token, len);
    }
    (Token::Plain, first.len_utf8())
}

fn word_len(text: &str) -> usize {
    text.find(|c: char| !(c.is_alphanumeric() || c == '_')).unwrap_or(text.len())
}

/// The length of the quoted string at the start of `text` (to its end when unterminated).
fn string_len(text: &str, quote: char) -> usize {
    let mut escaped = false;
    for (i, c) in text.char_indices().skip(1) {
        match c {
            '\\' if quote == '"' && !escaped => escaped = true,
            c if c == quote && !escaped => return i + c.len_utf8(),
            _ => escaped = false,
        }
    }
    text.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn joined(line: &str, lang: Lang) -> String {
        tokens(line, lang).iter().map(|(_, s)| *s).collect()
    }

    #[test]
    fn yaml_keys_strings_literals_and_comments() {
        let line = r#"  - name: "Echo \"Agent\"" # the persona"#;
        assert_eq!(
            tokens(line, Lang::Yaml),
            [
                (Token::Key, "  - name:"),
                (Token::Plain, " "),
                (Token::String, r#""Echo \"Agent\"""#),
                (Token::Plain, " "),
                (Token::Comment, "# the persona"),
            ]
        );
        assert_eq!(
            tokens("max_retries: 5", Lang::Yaml),
            [(Token::Key, "max_retries:"), (Token::Plain, " "), (Token::Literal, "5")]
        );
        assert_eq!(tokens("enabled: true", Lang::Yaml)[2], (Token::Literal, "true"));
        assert_eq!(tokens("    - node_reply", Lang::Yaml), [(Token::Plain, "    - node_reply")]);
    }

    #[test]
    fn scai_directives_symbols_and_comments() {
        let toks = tokens("    instance = :stateless // why", Lang::Scai);
        assert!(toks.contains(&(Token::Literal, ":stateless")));
        assert!(toks.contains(&(Token::Comment, "// why")));
        assert_eq!(tokens("@flow main(input: object) {", Lang::Scai)[0], (Token::Key, "@flow"));
    }

    #[test]
    fn tokens_always_join_back_to_the_line() {
        for (line, lang) in [
            ("key: 'it''s' # x", Lang::Yaml),
            ("\"unterminated", Lang::Json),
            ("  \"a\": -1.5e3, \"b\": null", Lang::Json),
            ("π: ünïcode “quotes”", Lang::Yaml),
            ("@ :: // @x", Lang::Scai),
            ("", Lang::Yaml),
        ] {
            assert_eq!(joined(line, lang), line);
        }
    }
}
