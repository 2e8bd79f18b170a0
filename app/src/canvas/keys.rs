//! Keyboard shortcuts: one table that both the key handler and the help overlay (`?`) read, so
//! the overlay always lists exactly what works.

/// Something a shortcut does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Undo,
    Redo,
    SelectAll,
    Duplicate,
    Delete,
    Nudge { dx: i8, dy: i8, far: bool },
    ZoomIn,
    ZoomOut,
    FitView,
    ZoomToSelection,
    TidyUp,
    ConnectSelected,
    Rename,
    Search,
    Save,
    Help,
    TogglePreview,
    ToggleProperties,
    Escape,
}

/// A key press as the browser reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Press<'a> {
    /// `KeyboardEvent.key`.
    pub key: &'a str,
    /// `KeyboardEvent.code` (layout-independent: `Digit1`).
    pub code: &'a str,
    /// Ctrl, or Cmd on a Mac.
    pub command: bool,
    pub shift: bool,
    pub alt: bool,
}

/// The action of a key press, if it is a shortcut.
pub fn action(p: Press<'_>) -> Option<Action> {
    let key = p.key.to_ascii_lowercase();
    if p.command {
        return match (key.as_str(), p.shift) {
            ("z", false) => Some(Action::Undo),
            ("z", true) | ("y", false) => Some(Action::Redo),
            ("a", false) => Some(Action::SelectAll),
            ("d", false) => Some(Action::Duplicate),
            ("s", false) => Some(Action::Save),
            _ => None,
        };
    }
    if p.alt {
        return None;
    }
    let nudge = |dx, dy| Some(Action::Nudge { dx, dy, far: p.shift });
    match p.key {
        "ArrowLeft" => return nudge(-1, 0),
        "ArrowRight" => return nudge(1, 0),
        "ArrowUp" => return nudge(0, -1),
        "ArrowDown" => return nudge(0, 1),
        "Delete" | "Backspace" => return Some(Action::Delete),
        "Escape" => return Some(Action::Escape),
        "F2" | "Enter" => return Some(Action::Rename),
        "?" => return Some(Action::Help),
        "/" => return Some(Action::Search),
        "+" | "=" => return Some(Action::ZoomIn),
        "-" | "_" => return Some(Action::ZoomOut),
        _ => {}
    }
    match (p.code, p.shift) {
        ("Digit1", true) => Some(Action::FitView),
        ("Digit2", true) => Some(Action::ZoomToSelection),
        ("KeyL", true) => Some(Action::TidyUp),
        ("KeyP", true) => Some(Action::TogglePreview),
        ("KeyI", true) => Some(Action::ToggleProperties),
        ("KeyC", false) => Some(Action::ConnectSelected),
        _ => None,
    }
}

/// One row of the help overlay.
#[derive(Debug, Clone, Copy)]
pub struct Shortcut {
    pub keys: &'static str,
    pub what: &'static str,
}

/// Every shortcut, grouped for the help overlay; "Mod" is Ctrl (⌘ on a Mac).
pub const SHORTCUTS: &[(&str, &[Shortcut])] = &[
    (
        "Edit",
        &[
            Shortcut { keys: "Mod+Z", what: "Undo" },
            Shortcut { keys: "Mod+Shift+Z · Mod+Y", what: "Redo" },
            Shortcut {
                keys: "Mod+C · Mod+X · Mod+V",
                what: "Copy, cut, paste (as FlowGraph JSON)",
            },
            Shortcut { keys: "Mod+D", what: "Duplicate the selection" },
            Shortcut { keys: "Delete · Backspace", what: "Delete the selection" },
            Shortcut { keys: "Arrows (Shift: ×4)", what: "Nudge the selection" },
            Shortcut {
                keys: "Enter · F2", what: "Rename the node (or edit the edge's condition)"
            },
            Shortcut { keys: "C", what: "Connect the two selected nodes, left to right" },
            Shortcut { keys: "Shift+L", what: "Tidy up (lay the flow out left to right)" },
            Shortcut { keys: "Mod+S", what: "Save" },
        ],
    ),
    (
        "Select",
        &[
            Shortcut { keys: "Click · Shift+click", what: "Select · add or remove" },
            Shortcut { keys: "Shift+drag", what: "Box select" },
            Shortcut { keys: "Mod+A", what: "Select all" },
            Shortcut { keys: "Tab · Shift+Tab", what: "Focus the next or previous node" },
            Shortcut { keys: "Space", what: "Select the focused node" },
            Shortcut { keys: "Escape", what: "Clear the selection, cancel a drag, close dialogs" },
        ],
    ),
    (
        "View",
        &[
            Shortcut { keys: "Drag · scroll", what: "Pan" },
            Shortcut { keys: "Mod+scroll · pinch", what: "Zoom around the pointer" },
            Shortcut { keys: "+ · −", what: "Zoom in, out" },
            Shortcut { keys: "Shift+1", what: "Zoom to fit" },
            Shortcut { keys: "Shift+2", what: "Zoom to the selection" },
            Shortcut { keys: "Alt+drag", what: "Move without snapping to the grid" },
            Shortcut { keys: "Shift+P", what: "Show or hide the live preview" },
            Shortcut { keys: "Shift+I", what: "Show or hide the properties panel" },
        ],
    ),
    (
        "Add",
        &[
            Shortcut { keys: "/", what: "Search the palette" },
            Shortcut {
                keys: "Enter (in the palette)",
                what: "Add the kind; after a selected node, connected",
            },
            Shortcut { keys: "Drag from the palette", what: "Add the kind where it is dropped" },
            Shortcut { keys: "Drag from an output port", what: "Connect to an input port" },
            Shortcut { keys: "?", what: "This help" },
        ],
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn press(key: &str, code: &str, command: bool, shift: bool) -> Option<Action> {
        action(Press { key, code, command, shift, alt: false })
    }

    #[test]
    fn undo_and_redo_have_all_their_spellings() {
        assert_eq!(press("z", "KeyZ", true, false), Some(Action::Undo));
        assert_eq!(press("Z", "KeyZ", true, true), Some(Action::Redo));
        assert_eq!(press("y", "KeyY", true, false), Some(Action::Redo));
        assert_eq!(press("z", "KeyZ", false, false), None, "a bare z is not undo");
    }

    #[test]
    fn layout_independent_keys_use_the_code() {
        // Shift+1 types "!" on US keyboards and other things elsewhere.
        assert_eq!(press("!", "Digit1", false, true), Some(Action::FitView));
        assert_eq!(press("P", "KeyP", false, true), Some(Action::TogglePreview));
        assert_eq!(press("p", "KeyP", false, false), None);
        assert_eq!(press("I", "KeyI", false, true), Some(Action::ToggleProperties));
        assert_eq!(press("%", "Digit1", false, true), Some(Action::FitView));
        assert_eq!(press("L", "KeyL", false, true), Some(Action::TidyUp));
    }

    #[test]
    fn arrows_nudge_and_shift_goes_further() {
        assert_eq!(
            press("ArrowLeft", "ArrowLeft", false, true),
            Some(Action::Nudge { dx: -1, dy: 0, far: true })
        );
        assert_eq!(press("Backspace", "Backspace", false, false), Some(Action::Delete));
    }

    #[test]
    fn the_help_lists_every_action() {
        let listed: String =
            SHORTCUTS.iter().flat_map(|(_, rows)| rows.iter().map(|r| r.what)).collect();
        for what in [
            "Undo",
            "Redo",
            "Duplicate",
            "Delete",
            "Nudge",
            "Rename",
            "Tidy up",
            "Save",
            "Select all",
            "Zoom to fit",
            "Zoom to the selection",
            "Search the palette",
            "Connect",
        ] {
            assert!(listed.contains(what), "{what} is not in the help");
        }
    }
}
