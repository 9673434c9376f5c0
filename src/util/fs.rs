//! Local files, read and written safely. Writes are atomic: a temporary file in the
//! destination's own directory, flushed, then renamed over the target, so a crash or error
//! never leaves a half-written file. Whole-file reads are bounded, so that `--key /dev/zero`
//! or a runaway file is an error rather than all of memory.

use std::io::{Read, Write};
use std::path::Path;

/// Largest local file read whole (keys, certificates, policies, data, inputs, reference
/// lists, Docker config) where no tighter bound applies.
pub const MAX_LOCAL_FILE_BYTES: u64 = 64 << 20;

/// Reads `reader` to its end if that is at most `max` bytes; reads no more than `max + 1`
/// bytes to find out, so an endless source (a device, a FIFO, a pipe) is refused too.
pub fn read_to_end_bounded(reader: impl Read, max: u64) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    reader.take(max + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("larger than {max} bytes"),
        ));
    }
    Ok(bytes)
}

/// All of the file at `path`, if it holds at most `max` bytes.
pub fn read_bounded(path: &Path, max: u64) -> std::io::Result<Vec<u8>> {
    read_to_end_bounded(std::fs::File::open(path)?, max)
}

/// Bytes as UTF-8 text, or an `InvalidData` error.
pub fn utf8(bytes: Vec<u8>) -> std::io::Result<String> {
    String::from_utf8(bytes)
        .map_err(|_| std::io::Error::new(std::io::ErrorKind::InvalidData, "not UTF-8 text"))
}

/// [`read_bounded`], as UTF-8 text.
pub fn read_text_bounded(path: &Path, max: u64) -> std::io::Result<String> {
    utf8(read_bounded(path, max)?)
}

/// [`read_text_bounded`] with [`MAX_LOCAL_FILE_BYTES`].
pub fn read_text(path: &Path) -> std::io::Result<String> {
    read_text_bounded(path, MAX_LOCAL_FILE_BYTES)
}

/// [`read_bounded`] with [`MAX_LOCAL_FILE_BYTES`].
pub fn read(path: &Path) -> std::io::Result<Vec<u8>> {
    read_bounded(path, MAX_LOCAL_FILE_BYTES)
}

/// Writes `bytes` to `path` atomically, creating parent directories as needed. On Unix the
/// file gets `mode` (e.g. 0o600 for private keys) before any byte is written.
pub fn write_atomic(path: &Path, bytes: &[u8], mode: Option<u32>) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.tmp-{}-{}", std::process::id(), unique()));
    let result = (|| {
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        if let Some(m) = mode {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(m);
        }
        #[cfg(not(unix))]
        let _ = mode;
        let mut f = opts.open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

fn unique() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    N.fetch_add(1, Ordering::Relaxed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_are_bounded() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f");
        std::fs::write(&p, b"12345").unwrap();
        assert_eq!(read_bounded(&p, 5).unwrap(), b"12345");
        let e = read_bounded(&p, 4).unwrap_err();
        assert_eq!(e.to_string(), "larger than 4 bytes");
        #[cfg(unix)]
        {
            let e = read_bounded(Path::new("/dev/zero"), 1 << 20).unwrap_err();
            assert_eq!(e.kind(), std::io::ErrorKind::InvalidData);
        }
        std::fs::write(&p, b"\xff").unwrap();
        assert_eq!(read_text(&p).unwrap_err().to_string(), "not UTF-8 text");
    }

    #[test]
    fn replaces_whole_files_and_leaves_no_temporaries() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("sub/f.json");
        write_atomic(&p, b"one", None).unwrap();
        write_atomic(&p, b"two", Some(0o600)).unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"two");
        let names: Vec<_> = std::fs::read_dir(p.parent().unwrap()).unwrap().collect();
        assert_eq!(names.len(), 1);
    }
}
