//! The names a flow and its package carry: slugs (Core names, queue and package ids) and
//! semantic versions.

/// Lower-case words joined by dashes (`Customer Support` → `customer-support`); `flow` when
/// nothing is left.
pub fn slug(name: &str) -> String {
    let mut slug = String::with_capacity(name.len());
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-');
    if slug.is_empty() { "flow".to_owned() } else { slug.to_owned() }
}

/// Lower-case letters, digits and inner dashes.
pub fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with('-')
        && !s.ends_with('-')
        && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// `MAJOR.MINOR.PATCH`, each a number without leading zeros, with an optional pre-release and
/// build suffix: Semantic Versioning 2.0.0, as the `semver` crate reads it.
pub fn is_semver(version: &str) -> bool {
    semver::Version::parse(version).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn semver() {
        assert!(is_semver("0.1.0") && is_semver("10.20.30") && is_semver("1.0.0-rc.1"));
        assert!(!is_semver("1.0") && !is_semver("01.0.0") && !is_semver("1.0.x") && !is_semver(""));
    }
}
