use super::*;

#[test]
fn versions_bump_their_patch_number() {
    assert_eq!(bump_patch("1.0.2"), "1.0.3");
    assert_eq!(bump_patch("2.9.9"), "2.9.10");
    assert_eq!(bump_patch("1.0.2-rc.1"), "1.0.3");
}

#[test]
fn cursors_round_trip_and_garbage_is_refused() {
    let cursor = encode_cursor("Café flow", "flow_1");
    assert_eq!(decode_cursor(&cursor).unwrap(), ("Café flow".to_owned(), "flow_1".to_owned()));
    assert!(decode_cursor("not base64 !").is_err());
}
