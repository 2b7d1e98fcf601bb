//! A running server, as its caller sees it: its address, the portals it serves,
//! and how to stop it.
//!
//! This module owns stopping: [`Handle::shutdown`] (or dropping the handle) asks
//! the event loop to end, which ends the live-reload streams, then lets the HTTP
//! server finish its connections, each step bounded in time. It must not build
//! or serve anything itself.

use std::net::SocketAddr;
use std::time::Duration;

use tokio::sync::mpsc::UnboundedSender;

use super::{Event, Shared};
use crate::build::PortalLink;

/// A running server; [`Handle::shutdown`] (or dropping it) stops it.
pub struct Handle {
    pub(super) addr: SocketAddr,
    pub(super) shared: Shared,
    pub(super) events: UnboundedSender<Event>,
    pub(super) runtime: Option<tokio::runtime::Runtime>,
    pub(super) tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Handle {
    /// The address being listened on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The public site's address, `http://127.0.0.1:1111/`.
    pub fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    /// Every customer's portal and its address on this server, as of the last
    /// build that resolved.
    pub fn portals(&self) -> Vec<(PortalLink, String)> {
        let snapshot = self.shared.snapshots.borrow().clone();
        snapshot
            .portals
            .iter()
            .map(|p| (p.clone(), format!("{}{}", self.url(), p.path)))
            .collect()
    }

    /// Blocks until the process receives Ctrl-C (SIGINT).
    pub fn wait_for_ctrl_c(&self) -> std::io::Result<()> {
        match &self.runtime {
            Some(runtime) => runtime.block_on(tokio::signal::ctrl_c()),
            None => Ok(()),
        }
    }

    /// Stops watching and serving: lets a running build finish, ends the
    /// live-reload streams, closes connections, and returns.
    pub fn shutdown(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        let Some(runtime) = self.runtime.take() else {
            return;
        };
        let _ = self.events.send(Event::Shutdown);
        let tasks = std::mem::take(&mut self.tasks);
        runtime.block_on(async {
            for task in tasks {
                // Bounded: a client that never reads must not keep us running.
                let _ = tokio::time::timeout(Duration::from_secs(5), task).await;
            }
        });
        runtime.shutdown_timeout(Duration::from_secs(1));
    }
}

impl Drop for Handle {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Opens `url` in the default browser, if a way to do so is installed.
/// Best effort: returns whether a browser was started.
pub fn open_browser(url: &str) -> bool {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    std::process::Command::new(opener)
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .is_ok()
}
