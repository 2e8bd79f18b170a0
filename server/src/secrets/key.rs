//! The server's secret key: 64 hex digits, given or kept in a file only its owner can read.

use std::path::Path;

use aes_gcm::Aes256Gcm;
use aes_gcm::aead::{KeyInit, OsRng};

/// The server's 256-bit secret key.
#[derive(Clone)]
pub struct SecretKey(pub(super) [u8; 32]);

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretKey(…)")
    }
}

impl SecretKey {
    /// Reads 64 hex digits.
    pub fn from_hex(text: &str) -> Option<SecretKey> {
        let mut key = [0_u8; 32];
        hex::decode_to_slice(text.trim(), &mut key).ok()?;
        Some(SecretKey(key))
    }

    pub(super) fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    /// The key in `file`, if the file exists.
    pub fn read_file(file: &Path) -> std::io::Result<Option<SecretKey>> {
        match std::fs::read_to_string(file) {
            Ok(text) => SecretKey::from_hex(&text).map(Some).ok_or_else(|| {
                std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    format!("{} does not hold 64 hex digits", file.display()),
                )
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The key in `file`, created (readable by the owner only) with a fresh random key when
    /// it does not exist.
    pub fn from_file(file: &Path) -> std::io::Result<SecretKey> {
        if let Some(key) = SecretKey::read_file(file)? {
            return Ok(key);
        }
        let key = SecretKey(Aes256Gcm::generate_key(OsRng).into());
        match write_private(file, &key.to_hex()) {
            Ok(()) => Ok(key),
            // Another writer created it first: theirs is the key.
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => SecretKey::read_file(file)?
                .ok_or_else(|| std::io::Error::other("the key file vanished")),
            Err(e) => Err(e),
        }
    }
}

/// Creates `file` with `text`, readable and writable by its owner only; never overwrites.
fn write_private(file: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut out = options.open(file)?;
    out.write_all(text.as_bytes())?;
    out.sync_all()
}
