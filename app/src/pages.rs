//! Routed pages. Each page owns loading its data and hands it to presentational components.

pub mod admin;
pub mod auth_callback;
pub mod editor;
pub mod flows;
pub mod settings;

/// Whether `path` is one of the editor's addresses (`/flows/new`, `/flows/{id}`,
/// `/drafts/{id}`, `/examples/{key}`), which the editor's own bundle serves; every other page
/// is in the bundle that hydrates the server's HTML. The server picks the bundle by it, and each
/// bundle sends an address of the other's to the server, so the two always agree.
pub fn is_editor_path(path: &str) -> bool {
    let path = path.strip_prefix('/').unwrap_or(path);
    let path = path.strip_suffix('/').unwrap_or(path);
    let mut segments = path.split('/');
    match (segments.next(), segments.next(), segments.next()) {
        (Some("flows" | "drafts" | "examples"), Some(name), None) => !name.is_empty(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::is_editor_path;

    #[test]
    fn the_editor_serves_its_four_addresses_and_nothing_else() {
        for path in
            ["/flows/new", "/flows/flow_1", "/drafts/flow_1", "/examples/triage", "/flows/x/"]
        {
            assert!(is_editor_path(path), "{path}");
        }
        for path in
            ["/", "", "/flows", "/flows/", "/flows//", "/settings", "/admin", "/auth/callback"]
        {
            assert!(!is_editor_path(path), "{path}");
        }
        for path in ["/flows/a/b", "/drafts", "/examples/", "/pkg/editor.js", "/api/v1/flows/x"] {
            assert!(!is_editor_path(path), "{path}");
        }
    }
}
