//! Keyboard shortcuts: one table ([`SHORTCUTS`]) that both the key handler ([`action`]) and
//! the help overlay (`?`) read, so the overlay always lists exactly what works.

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

/// How a shortcut is typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chord {
    /// Ctrl (⌘ on a Mac) with a key (lower case), with or without Shift.
    Command { key: &'static str, shift: bool },
    /// A key by what it types (`KeyboardEvent.key`), Shift or not, without Ctrl, ⌘ or Alt.
    Key(&'static str),
    /// A key by where it is (`KeyboardEvent.code`, whatever the layout types there).
    Code { code: &'static str, shift: bool },
}

/// A chord and what it does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bind {
    pub chord: Chord,
    pub action: Action,
}

/// One row of the help overlay, and the chords the key handler acts on for it (none for what
/// the pointer, the browser or the clipboard events do).
#[derive(Debug, Clone, Copy)]
pub struct Shortcut {
    pub keys: &'static str,
    pub what: &'static str,
    pub binds: &'static [Bind],
}

const fn command(key: &'static str, shift: bool, action: Action) -> Bind {
    Bind { chord: Chord::Command { key, shift }, action }
}

const fn key(key: &'static str, action: Action) -> Bind {
    Bind { chord: Chord::Key(key), action }
}

const fn code(code: &'static str, shift: bool, action: Action) -> Bind {
    Bind { chord: Chord::Code { code, shift }, action }
}

const fn nudge(arrow: &'static str, dx: i8, dy: i8) -> Bind {
    key(arrow, Action::Nudge { dx, dy, far: false })
}

/// Shows a row without acting on a key of its own.
const fn shown(keys: &'static str, what: &'static str) -> Shortcut {
    Shortcut { keys, what, binds: &[] }
}

/// Every shortcut, grouped for the help overlay; "Mod" is Ctrl (⌘ on a Mac).
pub const SHORTCUTS: &[(&str, &[Shortcut])] = &[
    (
        "Edit",
        &[
            Shortcut { keys: "Mod+Z", what: "Undo", binds: &[command("z", false, Action::Undo)] },
            Shortcut {
                keys: "Mod+Shift+Z · Mod+Y",
                what: "Redo",
                binds: &[command("z", true, Action::Redo), command("y", false, Action::Redo)],
            },
            // The clipboard events, not keys: the browser's own Copy, Cut and Paste work too.
            shown("Mod+C · Mod+X · Mod+V", "Copy, cut, paste (as FlowGraph JSON)"),
            Shortcut {
                keys: "Mod+D",
                what: "Duplicate the selection",
                binds: &[command("d", false, Action::Duplicate)],
            },
            Shortcut {
                keys: "Delete · Backspace",
                what: "Delete the selection",
                binds: &[key("Delete", Action::Delete), key("Backspace", Action::Delete)],
            },
            Shortcut {
                keys: "Arrows (Shift: ×4)",
                what: "Nudge the selection",
                binds: &[
                    nudge("ArrowLeft", -1, 0),
                    nudge("ArrowRight", 1, 0),
                    nudge("ArrowUp", 0, -1),
                    nudge("ArrowDown", 0, 1),
                ],
            },
            Shortcut {
                keys: "Enter · F2",
                what: "Rename the node (or edit the edge's condition)",
                binds: &[key("F2", Action::Rename), key("Enter", Action::Rename)],
            },
            Shortcut {
                keys: "C",
                what: "Connect the two selected nodes, left to right",
                binds: &[code("KeyC", false, Action::ConnectSelected)],
            },
            Shortcut {
                keys: "Shift+L",
                what: "Tidy up (lay the flow out left to right)",
                binds: &[code("KeyL", true, Action::TidyUp)],
            },
            Shortcut { keys: "Mod+S", what: "Save", binds: &[command("s", false, Action::Save)] },
        ],
    ),
    (
        "Select",
        &[
            shown("Click · Shift+click", "Select · add or remove"),
            shown("Shift+drag", "Box select"),
            Shortcut {
                keys: "Mod+A",
                what: "Select all",
                binds: &[command("a", false, Action::SelectAll)],
            },
            shown("Tab · Shift+Tab", "Focus the next or previous node"),
            // The editor selects the node that has focus (no action of its own).
            shown("Space", "Select the focused node"),
            Shortcut {
                keys: "Escape",
                what: "Clear the selection, cancel a drag, close dialogs",
                binds: &[key("Escape", Action::Escape)],
            },
        ],
    ),
    (
        "View",
        &[
            shown("Drag · scroll", "Pan"),
            shown("Mod+scroll · pinch", "Zoom around the pointer"),
            Shortcut {
                keys: "+ · −",
                what: "Zoom in, out",
                binds: &[
                    key("+", Action::ZoomIn),
                    key("=", Action::ZoomIn),
                    key("-", Action::ZoomOut),
                    key("_", Action::ZoomOut),
                ],
            },
            // By position: Shift+1 types "!" on US keyboards and other things elsewhere.
            Shortcut {
                keys: "Shift+1",
                what: "Zoom to fit",
                binds: &[code("Digit1", true, Action::FitView)],
            },
            Shortcut {
                keys: "Shift+2",
                what: "Zoom to the selection",
                binds: &[code("Digit2", true, Action::ZoomToSelection)],
            },
            shown("Alt+drag", "Move without snapping to the grid"),
            Shortcut {
                keys: "Shift+P",
                what: "Show or hide the live preview",
                binds: &[code("KeyP", true, Action::TogglePreview)],
            },
            Shortcut {
                keys: "Shift+I",
                what: "Show or hide the properties panel",
                binds: &[code("KeyI", true, Action::ToggleProperties)],
            },
        ],
    ),
    (
        "Add",
        &[
            Shortcut { keys: "/", what: "Search the palette", binds: &[key("/", Action::Search)] },
            shown("Enter (in the palette)", "Add the kind; after a selected node, connected"),
            shown("Drag from the palette", "Add the kind where it is dropped"),
            shown("Drag from an output port", "Connect to an input port"),
            Shortcut { keys: "?", what: "This help", binds: &[key("?", Action::Help)] },
        ],
    ),
];

/// Every chord of the table.
fn binds() -> impl Iterator<Item = &'static Bind> {
    SHORTCUTS.iter().flat_map(|(_, rows)| rows.iter()).flat_map(|row| row.binds.iter())
}

/// The action of a key press, if it is a shortcut of [`SHORTCUTS`]. With Ctrl or ⌘ only the
/// command chords count; with Alt none; otherwise what the key types is tried before where it
/// is.
pub fn action(p: Press<'_>) -> Option<Action> {
    if p.command {
        let key = p.key.to_ascii_lowercase();
        return binds().find_map(|b| match b.chord {
            Chord::Command { key: k, shift } if k == key && shift == p.shift => Some(b.action),
            _ => None,
        });
    }
    if p.alt {
        return None;
    }
    let typed = binds().find_map(|b| match (b.chord, b.action) {
        (Chord::Key(k), Action::Nudge { dx, dy, .. }) if k == p.key => {
            Some(Action::Nudge { dx, dy, far: p.shift })
        }
        (Chord::Key(k), action) if k == p.key => Some(action),
        _ => None,
    });
    typed.or_else(|| {
        binds().find_map(|b| match b.chord {
            Chord::Code { code, shift } if code == p.code && shift == p.shift => Some(b.action),
            _ => None,
        })
    })
}

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

    #[test]
    fn every_action_has_a_chord_in_the_table() {
        let bound: Vec<Action> = binds().map(|b| b.action).collect();
        for action in [
            Action::Undo,
            Action::Redo,
            Action::SelectAll,
            Action::Duplicate,
            Action::Delete,
            Action::Nudge { dx: 1, dy: 0, far: false },
            Action::ZoomIn,
            Action::ZoomOut,
            Action::FitView,
            Action::ZoomToSelection,
            Action::TidyUp,
            Action::ConnectSelected,
            Action::Rename,
            Action::Search,
            Action::Save,
            Action::Help,
            Action::TogglePreview,
            Action::ToggleProperties,
            Action::Escape,
        ] {
            assert!(bound.contains(&action), "{action:?} has no chord");
        }
        assert_eq!(press("!", "Digit1", false, false), None, "Shift belongs to the chord");
        assert_eq!(
            action(Press { key: "z", code: "KeyZ", command: false, shift: false, alt: true }),
            None
        );
    }
}
