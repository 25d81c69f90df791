//! Writing results so that a reader never sees half a file, nor half a run: every file of a run
//! is first written in full to a temporary file in the output folder, and only when all of them
//! are on disk are they renamed over the old ones. A failure before the renames (a folder that
//! cannot be written, a full disk) removes the temporary files and leaves the old results as they
//! were.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

/// Writes `bytes` to `path` atomically (temporary file in the same folder, then rename).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .with_context(|| format!("{} names no file", path.display()))?;
    let staged = stage(dir, &name.to_string_lossy(), bytes)?;
    staged
        .persist(path)
        .with_context(|| format!("cannot move the finished file to {}", path.display()))?;
    Ok(())
}

/// A temporary-file builder whose files get the permissions of any file the user creates
/// (0666 less the umask, e.g. 0644), not tempfile's owner-only 0600, which would survive the
/// rename and hide the results from colleagues.
fn temporary(prefix: &str) -> tempfile::Builder<'_, 'static> {
    let mut builder = tempfile::Builder::new();
    builder.prefix(prefix).suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    builder
}

/// Checks, before a long computation, that the results will have somewhere to go: a probe file
/// is created and removed in `dir`, or — when `dir` does not exist yet — in the nearest folder
/// above it that does (where `dir` will be created; nothing is created now, so a run that then
/// fails leaves no empty folder). The error (exit code 2, bad input) names the folder, so that
/// nothing is simulated for results that could not be kept.
pub fn check_writable(dir: &Path) -> anyhow::Result<()> {
    let refuse = |why: String| {
        anyhow::Error::new(crate::UsageError(format!(
            "cannot write to the output folder {}: {why}; choose another with --out",
            dir.display()
        )))
    };
    let mut existing = dir;
    while !existing.exists() {
        existing = match existing.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
    }
    if !existing.is_dir() {
        return Err(refuse(format!(
            "{} is a file, not a folder",
            existing.display()
        )));
    }
    temporary(".ptsim-write-check.")
        .tempfile_in(existing)
        .map(drop)
        .map_err(|e| {
            if existing == dir {
                refuse(e.kind().to_string())
            } else {
                refuse(format!(
                    "it would be created in {}, which cannot be written ({})",
                    existing.display(),
                    e.kind()
                ))
            }
        })
}

/// A complete temporary file next to its destination.
fn stage(dir: &Path, name: &str, bytes: &[u8]) -> anyhow::Result<tempfile::NamedTempFile> {
    let prefix = format!(".{name}.");
    let mut tmp = temporary(&prefix)
        .tempfile_in(dir)
        .with_context(|| format!("cannot create a temporary file in {}", dir.display()))?;
    tmp.write_all(bytes)
        .and_then(|()| tmp.as_file().sync_all())
        .with_context(|| format!("cannot write {}", dir.join(name).display()))?;
    Ok(tmp)
}

/// Writes every `(file name, bytes)` into `dir` (created if needed), all or nothing: each file is
/// staged in full before any is renamed into place. On an error nothing in `dir` has changed
/// (unless a rename itself fails, which on one filesystem takes a disk error), and the message
/// says so.
pub fn write_all_atomic(dir: &Path, files: &[(String, Vec<u8>)]) -> anyhow::Result<()> {
    let unchanged = || {
        format!(
            "cannot write the results to {} (nothing there was changed)",
            dir.display()
        )
    };
    std::fs::create_dir_all(dir)
        .with_context(|| format!("cannot create output folder {}", dir.display()))
        .with_context(unchanged)?;
    let targets: Vec<PathBuf> = files.iter().map(|(name, _)| dir.join(name)).collect();
    if let Some(t) = targets.iter().find(|t| t.is_dir()) {
        return Err(anyhow::anyhow!(
            "{} is a folder, where an output file goes",
            t.display()
        ))
        .with_context(unchanged);
    }
    // Dropping the staged files on an error deletes them.
    let staged = files
        .iter()
        .map(|(name, bytes)| stage(dir, name, bytes))
        .collect::<anyhow::Result<Vec<_>>>()
        .with_context(unchanged)?;
    for (i, (tmp, target)) in staged.into_iter().zip(&targets).enumerate() {
        if let Err(e) = tmp.persist(target) {
            bail!(
                "cannot move the finished file to {}: {}; {} of {} files were replaced",
                target.display(),
                e.error,
                i,
                files.len()
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(tag: &str) -> Vec<(String, Vec<u8>)> {
        ["a.csv", "b.csv", "c.json"]
            .iter()
            .map(|n| (n.to_string(), format!("{tag} {n}").into_bytes()))
            .collect()
    }

    fn listing(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_set_is_replaced_whole_and_leaves_no_temporary_files() {
        let dir = tempfile::tempdir().unwrap();
        write_all_atomic(dir.path(), &files("old")).unwrap();
        write_all_atomic(dir.path(), &files("new")).unwrap();
        assert_eq!(listing(dir.path()), ["a.csv", "b.csv", "c.json"]);
        assert_eq!(
            std::fs::read(dir.path().join("c.json")).unwrap(),
            b"new c.json"
        );
    }

    #[cfg(unix)]
    #[test]
    fn files_get_the_permissions_of_a_plainly_created_file() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        write_all_atomic(dir.path(), &files("x")).unwrap();
        // A file made by std gets 0666 less the umask: the same as a results file.
        std::fs::write(dir.path().join("plain"), b"").unwrap();
        let mode = |name: &str| {
            std::fs::metadata(dir.path().join(name))
                .unwrap()
                .permissions()
                .mode()
                & 0o777
        };
        // (tempfile's own default, 0600, differs from it under any umask but 077.)
        assert_eq!(mode("a.csv"), mode("plain"));
    }

    #[test]
    fn a_folder_that_cannot_be_written_is_refused_before_any_work() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("taken");
        std::fs::write(&file, b"").unwrap();
        let error = check_writable(&file).unwrap_err();
        assert!(error.is::<crate::UsageError>());
        assert!(
            format!("{error}").contains("is a file, not a folder"),
            "{error}"
        );
        assert!(check_writable(&file.join("below")).is_err());
        // A folder still to be made is checked where it will be made; nothing is left behind.
        let fresh = dir.path().join("new").join("out");
        check_writable(&fresh).unwrap();
        assert!(!dir.path().join("new").exists());
        assert_eq!(listing(dir.path()), ["taken"]);
    }

    #[test]
    fn a_failure_before_the_renames_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        write_all_atomic(dir.path(), &files("old")).unwrap();
        // The second file's place is taken by a folder: nothing may be replaced, not even a.csv.
        std::fs::remove_file(dir.path().join("b.csv")).unwrap();
        std::fs::create_dir(dir.path().join("b.csv")).unwrap();
        let error = format!(
            "{:#}",
            write_all_atomic(dir.path(), &files("new")).unwrap_err()
        );
        assert!(error.contains("nothing there was changed"), "{error}");
        assert!(error.contains("is a folder"), "{error}");
        assert_eq!(
            std::fs::read(dir.path().join("a.csv")).unwrap(),
            b"old a.csv"
        );
        assert_eq!(listing(dir.path()), ["a.csv", "b.csv", "c.json"]);
    }
}
