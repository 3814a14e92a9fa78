//! Ctrl-C while a command works with the server.
//!
//! Once [`Interrupts::install`] ran, Ctrl-C no longer kills prysm: the command
//! sees each press and stops in an orderly way, so that a session it opened is
//! always logged out. The first press stops reading (or, during an apply,
//! starts no new actions); a second press stops waiting and leaves only a quick
//! logout; a third exits at once.

use std::future::Future;
use std::sync::{Arc, Mutex};

use tokio::sync::watch;

use super::CliError;

/// Counts Ctrl-C presses.
#[derive(Clone)]
pub struct Interrupts {
    presses: watch::Receiver<u32>,
    first_message: Arc<Mutex<&'static str>>,
}

/// What the first press means while nothing more specific is going on.
const STOPPING: &str =
    "Interrupted: stopping (nothing more is changed). Press Ctrl-C again to stop waiting.";

/// After this many presses prysm exits without waiting for anything.
const GIVE_UP: u32 = 3;

impl Interrupts {
    /// Catches Ctrl-C (SIGINT) from now on, for the rest of the process.
    /// Must run inside the Tokio runtime.
    pub fn install() -> Interrupts {
        let (sender, presses) = watch::channel(0u32);
        let first_message = Arc::new(Mutex::new(STOPPING));
        let message = Arc::clone(&first_message);
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            // Registered here, synchronously: no window in which a press still kills prysm.
            match signal(SignalKind::interrupt()) {
                Ok(mut stream) => {
                    tokio::spawn(async move {
                        while stream.recv().await.is_some() {
                            count(&sender, &message);
                        }
                    });
                }
                Err(error) => eprintln!("warning: cannot catch Ctrl-C: {error}"),
            }
        }
        #[cfg(not(unix))]
        {
            tokio::spawn(async move {
                while tokio::signal::ctrl_c().await.is_ok() {
                    count(&sender, &message);
                }
            });
        }
        Interrupts {
            presses,
            first_message,
        }
    }

    /// Sets what the first press announces from now on (for example that an
    /// apply lets running actions finish).
    pub fn on_first_press(&self, message: &'static str) {
        if let Ok(mut current) = self.first_message.lock() {
            *current = message;
        }
    }

    /// How many times Ctrl-C was pressed so far.
    pub fn count(&self) -> u32 {
        *self.presses.borrow()
    }

    /// Resolves once Ctrl-C was pressed at least `n` times (never, if it is not).
    pub async fn reached(&self, n: u32) {
        let mut presses = self.presses.clone();
        if presses.wait_for(|count| *count >= n).await.is_err() {
            std::future::pending::<()>().await;
        }
    }

    /// Runs `work` unless Ctrl-C is pressed first; `what` completes the
    /// message "interrupted …".
    pub async fn or_stop<F: Future>(&self, what: &str, work: F) -> Result<F::Output, CliError> {
        tokio::select! {
            output = work => Ok(output),
            () = self.reached(1) => Err(CliError::interrupted(what)),
        }
    }
}

fn count(sender: &watch::Sender<u32>, first_message: &Mutex<&'static str>) {
    let presses = *sender.borrow() + 1;
    // Announce before the command reacts, so that its own messages follow this one.
    match presses {
        1 => {
            let message = first_message.lock().map(|m| *m).unwrap_or(STOPPING);
            eprintln!("\n{message}");
        }
        GIVE_UP.. => {
            eprintln!("\nInterrupted three times: exiting without waiting for anything.");
            std::process::exit(130);
        }
        _ => eprintln!("\nInterrupted again: stopping at once; one quick try to log out."),
    }
    sender.send_modify(|count| *count += 1);
}
