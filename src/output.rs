//! Writing a command's output to the path `-o` names, as a shell redirect would, without ever
//! replacing what the path is: a regular file (or a path where nothing is yet) is written
//! atomically (a temporary file beside it, renamed over it, through a symlink), so a failed
//! write leaves the old file whole; anything else, a device (`/dev/null`, `/dev/stdout`), a
//! FIFO or a terminal, is opened and written into, so it stays what it was.

use std::io::Write;
use std::path::Path;

use crate::files::SaveError;
use crate::workspace::Error;

/// Whether `path` is (or leads through symlinks to) something that is not a regular file nor a
/// directory: a device, a FIFO, a socket. Writes to it go straight in.
pub fn is_special(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir())
}

/// Writes `bytes` to `path`: into it when it is a device or a FIFO (see [`is_special`]),
/// otherwise atomically ([`crate::files::write_atomic`]). A read-only file is refused, as a
/// redirect would refuse it: a rename would replace it all the same (and as root, whatever
/// its mode), so `merge` onto a read-only session or `render -o` onto a read-only doc is not
/// rewritten.
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<(), SaveError> {
    let err = |source| SaveError {
        path: path.to_path_buf(),
        source,
    };
    if !is_special(path) {
        if std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().readonly()) {
            return Err(err(crate::store::read_only()));
        }
        return crate::files::write_atomic(path, bytes);
    }
    // Opened as `>` opens: a FIFO waits for its reader; truncation means nothing to a device.
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .truncate(true)
        .open(path)
        .map_err(err)?;
    match file.write_all(bytes).and_then(|()| file.flush()) {
        // The reader of a FIFO or a pipe stopped early: what it wanted, it has.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.map_err(err),
    }
}

/// A doc or a report to `out`: standard output for `None` or `-`, else [`write_file`] (with the
/// messages of [`crate::workspace::write_output`] for a missing directory).
pub fn write(out: Option<&Path>, text: &str) -> Result<(), Error> {
    match out {
        Some(p) if p.as_os_str() != "-" && is_special(p) => Ok(write_file(p, text.as_bytes())?),
        _ => crate::workspace::write_output(out, text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn a_device_is_special_and_a_file_is_replaced_whole() {
        assert!(is_special(Path::new("/dev/null")));
        assert!(!is_special(Path::new("/")));
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("doc.md");
        std::fs::write(&file, "old text that is longer").unwrap();
        write(Some(&file), "new").unwrap();
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "new");
    }
}
