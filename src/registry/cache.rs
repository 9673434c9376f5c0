//! A content cache on disk for what registries serve by digest (manifests and blobs named
//! by digest never change), so repeated verifications skip the round trips for referrer
//! manifests and signature blobs. Tags and referrer listings are never cached.
//!
//! Everything read back is hashed again and must match its digest, so a tampered or corrupt
//! cache entry is ignored (and replaced), never believed. Entries are written atomically.
//! Only small items are cached (signature material, not image layers).

use std::path::{Path, PathBuf};

use crate::oci::Digest;
use crate::util::fs::write_atomic;

/// Largest item the cache stores.
pub const MAX_ITEM_BYTES: u64 = 4 * 1024 * 1024;

/// The default cache directory: `$SIGIL_CACHE_DIR`, else `$XDG_CACHE_HOME/sigil`, else
/// `~/.cache/sigil`.
pub fn default_dir() -> Option<PathBuf> {
    let var = |k: &str| {
        std::env::var_os(k)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    var("SIGIL_CACHE_DIR")
        .or_else(|| var("XDG_CACHE_HOME").map(|d| d.join("sigil")))
        .or_else(|| var("HOME").map(|h| h.join(".cache").join("sigil")))
}

/// A digest-addressed store under one directory.
#[derive(Debug, Clone)]
pub struct ContentCache {
    dir: PathBuf,
}

impl ContentCache {
    pub fn new(dir: &Path) -> ContentCache {
        ContentCache {
            dir: dir.to_path_buf(),
        }
    }

    fn path(&self, d: &Digest) -> PathBuf {
        self.dir
            .join("content")
            .join(d.algorithm().name())
            .join(d.hex())
    }

    /// The cached bytes of `d`, if present, no larger than `limit`, and still hashing to `d`.
    pub fn get(&self, d: &Digest, limit: u64) -> Option<Vec<u8>> {
        use std::io::Read as _;
        let path = self.path(d);
        // One open, one fstat, one read: this runs for every referrer and signature blob of
        // every image verified, so the system calls count.
        let mut file = std::fs::File::open(&path).ok()?;
        let len = file.metadata().ok()?.len();
        if len > limit.min(MAX_ITEM_BYTES) {
            return None;
        }
        let mut bytes = vec![0; len as usize];
        // A file that changed size since the fstat fails the read or the digest check.
        file.read_exact(&mut bytes).ok()?;
        if d.matches(&bytes) {
            Some(bytes)
        } else {
            let _ = std::fs::remove_file(&path);
            None
        }
    }

    /// Stores verified bytes (errors are ignored: the cache is an optimisation).
    pub fn put(&self, d: &Digest, bytes: &[u8]) {
        let path = self.path(d);
        // Content is immutable: an entry of the right size is already these bytes (and is
        // re-hashed on every read), so it is not written again.
        if std::fs::metadata(&path).is_ok_and(|m| m.len() == bytes.len() as u64) {
            return;
        }
        if bytes.len() as u64 <= MAX_ITEM_BYTES && d.matches(bytes) {
            let _ = write_atomic(&path, bytes, None);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn returns_only_what_still_matches_its_digest() {
        let dir = tempfile::tempdir().unwrap();
        let c = ContentCache::new(dir.path());
        let d = Digest::sha256_of(b"hello");
        assert_eq!(c.get(&d, 100), None);
        c.put(&d, b"hello");
        assert_eq!(c.get(&d, 100).as_deref(), Some(&b"hello"[..]));
        assert_eq!(c.get(&d, 2), None, "over the caller's limit");
        c.put(&d, b"not hello");
        std::fs::write(c.path(&d), b"tampered").unwrap();
        assert_eq!(c.get(&d, 100), None, "a tampered entry is not believed");
        assert!(!c.path(&d).exists(), "and is removed");
    }
}
