//! One build at a time per output directory.
//!
//! Two builds writing to the same output (two CI jobs on one runner, a build
//! started while another runs) used to clean up each other's staging folders and
//! publish a site with thousands of files missing. [`OutputLock`] is an exclusive
//! operating-system lock on a file beside the output (`.<name>.lock`), held from
//! before the first file is written until the new output is in place.
//!
//! The lock belongs to the open file, so the system releases it when a build
//! exits or is killed: a lock file left behind never blocks anybody. The file is
//! removed when the lock is released; to make that safe, a build that gets the lock
//! checks that the path still names the file it locked (another build may have
//! removed it meanwhile) and starts again if not.

use std::fs::{self, File, OpenOptions, TryLockError};
use std::io::{self, Read as _, Write as _};
use std::path::{Path, PathBuf};

use super::OutputError;

/// An exclusive hold on an output directory; released when dropped.
#[derive(Debug)]
pub struct OutputLock {
    file: File,
    path: PathBuf,
}

/// What to do when another build holds the lock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WhenLocked {
    /// Wait until it is released.
    Wait,
    /// Fail at once with [`OutputError::Locked`].
    Fail,
}

impl OutputLock {
    /// Takes the lock on the output directory `target`, creating its parent if
    /// missing. When another build holds it, `on_wait` is told that build's process
    /// id (if its lock file says) before this waits, or the call fails at once with
    /// [`OutputError::Locked`] under [`WhenLocked::Fail`].
    pub fn acquire(
        target: &Path,
        when_locked: WhenLocked,
        on_wait: &dyn Fn(Option<u32>),
    ) -> Result<OutputLock, OutputError> {
        let path = lock_path(target)?;
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(OutputError::io("create directory", parent))?;
        }
        let mut told = false;
        loop {
            let mut file = OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(&path)
                .map_err(OutputError::io("open the lock file", &path))?;
            match file.try_lock() {
                Ok(()) => {}
                Err(TryLockError::WouldBlock) => {
                    let pid = read_pid(&mut file);
                    if when_locked == WhenLocked::Fail {
                        return Err(OutputError::Locked {
                            path: target.to_path_buf(),
                            pid,
                        });
                    }
                    if !told {
                        on_wait(pid);
                        told = true;
                    }
                    file.lock().map_err(OutputError::io("lock", &path))?;
                }
                Err(TryLockError::Error(err)) => return Err(OutputError::io("lock", &path)(err)),
            }
            // The build that held the lock removes the file as it lets go; a
            // lock on a file no longer at `path` guards nothing, so start again.
            if still_at(&file, &path) {
                write_pid(&mut file);
                return Ok(OutputLock { file, path });
            }
        }
    }
}

impl Drop for OutputLock {
    /// Removes the lock file while still holding the lock, so no other build can
    /// have locked the same file; closing the file then releases the lock.
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.path);
        let _ = self.file.unlock();
    }
}

/// `.<name>.lock` beside the output directory.
fn lock_path(target: &Path) -> Result<PathBuf, OutputError> {
    let name = target.file_name().ok_or_else(|| OutputError::BadTarget {
        path: target.to_path_buf(),
    })?;
    let parent = match target.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let mut file_name = std::ffi::OsString::from(".");
    file_name.push(name);
    file_name.push(".lock");
    Ok(parent.join(file_name))
}

/// Whether `path` still names the open `file` (the same file, not a new one made
/// after another build removed it).
#[cfg(unix)]
fn still_at(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt as _;
    match (file.metadata(), fs::metadata(path)) {
        (Ok(open), Ok(named)) => open.dev() == named.dev() && open.ino() == named.ino(),
        _ => false,
    }
}

/// Elsewhere the lock file is not removed (see [`OutputLock`]'s `Drop`), so the
/// path always names the locked file.
#[cfg(not(unix))]
fn still_at(_file: &File, _path: &Path) -> bool {
    true
}

/// The process id the holder wrote into the lock file, if readable.
fn read_pid(file: &mut File) -> Option<u32> {
    let mut text = String::new();
    file.read_to_string(&mut text).ok()?;
    text.trim().parse().ok()
}

/// Records this process as the holder, for the message another build shows.
fn write_pid(file: &mut File) {
    let write = |file: &mut File| -> io::Result<()> {
        file.set_len(0)?;
        file.write_all(format!("{}\n", std::process::id()).as_bytes())
    };
    // Only a message depends on it: a lock file that cannot be written is still a lock.
    let _ = write(file);
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::{Arc, Barrier};

    #[test]
    fn a_second_lock_fails_at_once_when_told_not_to_wait_and_names_the_holder() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let target = dir.path().join("public");
        let held = OutputLock::acquire(&target, WhenLocked::Wait, &|_| {}).expect("first lock");
        let err = OutputLock::acquire(&target, WhenLocked::Fail, &|_| {})
            .expect_err("second lock must fail");
        match err {
            OutputError::Locked { pid, .. } => assert_eq!(pid, Some(std::process::id())),
            other => panic!("expected Locked, got {other}"),
        }
        drop(held);
        assert!(
            !dir.path().join(".public.lock").exists(),
            "the lock file is removed when released"
        );
        OutputLock::acquire(&target, WhenLocked::Fail, &|_| {}).expect("free again");
    }

    #[test]
    fn a_waiting_build_is_told_and_gets_the_lock_when_it_is_released() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let target = dir.path().join("public");
        let held = OutputLock::acquire(&target, WhenLocked::Wait, &|_| {}).expect("first lock");
        let told = Arc::new(AtomicBool::new(false));
        let started = Arc::new(Barrier::new(2));
        let waiter = {
            let (target, told, started) = (target.clone(), Arc::clone(&told), Arc::clone(&started));
            std::thread::spawn(move || {
                started.wait();
                let lock = OutputLock::acquire(&target, WhenLocked::Wait, &|_| {
                    told.store(true, Ordering::SeqCst)
                });
                lock.map(|_| ())
            })
        };
        started.wait();
        while !told.load(Ordering::SeqCst) {
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        drop(held);
        waiter
            .join()
            .expect("waiter thread")
            .expect("the waiter gets the lock");
    }

    /// A lock file left by a killed build is not locked by anybody: it is taken.
    #[test]
    fn a_leftover_lock_file_does_not_block() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let target = dir.path().join("public");
        fs::write(dir.path().join(".public.lock"), "4000000\n").expect("leftover lock file");
        OutputLock::acquire(&target, WhenLocked::Fail, &|_| {}).expect("taken over");
    }
}
