//! Values placed in a URL: one path segment or one query value, percent-encoded so an id or a
//! search text can never change which route a request reaches.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// Everything but RFC 3986's unreserved characters (`A-Z a-z 0-9 - _ . ~`).
const RESERVED: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');

/// `value` encoded for a path segment or a query value.
pub fn encode(value: &str) -> String {
    utf8_percent_encode(value, RESERVED).to_string()
}

#[cfg(test)]
mod tests {
    use super::encode;

    #[test]
    fn only_unreserved_characters_pass_as_they_are() {
        assert_eq!(encode("a b&c=d/é"), "a%20b%26c%3Dd%2F%C3%A9");
        assert_eq!(encode("flow_ab-1.x~"), "flow_ab-1.x~");
        assert_eq!(encode("../x?y#z%"), "..%2Fx%3Fy%23z%25");
    }
}
