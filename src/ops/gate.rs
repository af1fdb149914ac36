//! The gate before every guarded write (scale's steps, rollout's steps, resize's claims and
//! orphan delete): evaluate every guard on fresh state; wait, bounded and visibly, while only
//! blockers that settle by themselves stand in the way; stop on one that needs a person or
//! that did not settle in time. The decisions are `model::gate`'s; this is the loop. Waits
//! come before a command's prompt, never after it: a command calls the gate, then prompts,
//! then re-proves the premise of its write.

use std::time::{Duration, Instant};

use super::Waker;
use crate::error::Error;
use crate::model::gate::Blocker;
use crate::model::gate::{waiting_for, Settling, Verdict, Wait};
use crate::progress::Progress;

/// A [`Waker`] made only when the gate has to wait (most gates pass at once, and a watch
/// costs requests).
pub struct LazyWaker<'a> {
    make: Box<dyn FnMut() -> Waker + Send + 'a>,
    waker: Option<Waker>,
}

impl<'a> LazyWaker<'a> {
    pub fn new(make: impl FnMut() -> Waker + Send + 'a) -> LazyWaker<'a> {
        LazyWaker {
            make: Box::new(make),
            waker: None,
        }
    }

    pub async fn changed(&mut self) {
        let w = self.waker.get_or_insert_with(&mut self.make);
        w.changed().await;
    }
}

/// What the gate ended with: the last state evaluated and the verdict on it (never `Wait`).
pub struct Gated<S> {
    pub state: S,
    pub verdict: Verdict,
}

/// Evaluates until the way is clear, a blocker needs a person, a settling one outlives its
/// expected maximum, or `timeout` (the command's bound on one wait; `Duration::MAX`: none)
/// runs out. The waits it made are appended to `waits`.
pub async fn settle<S>(
    waker: &mut LazyWaker<'_>,
    log: &mut Progress<'_>,
    timeout: Duration,
    waits: &mut Vec<Wait>,
    mut evaluate: impl AsyncFnMut() -> Result<(S, Vec<Blocker>), Error>,
) -> Result<Gated<S>, Error> {
    let started = Instant::now();
    let bound = (timeout < Duration::from_secs(u32::MAX as u64)).then_some(timeout.as_secs_f64());
    let mut settling = Settling::default();
    loop {
        let (state, blockers) = evaluate().await?;
        let verdict = settling.judge(blockers, started.elapsed().as_secs_f64(), bound);
        match verdict {
            Verdict::Wait(b) => {
                log.waiting(&describe(&b, log.is_terminal()), started);
                waker.changed().await;
            }
            verdict => {
                let w = settling.waits();
                if !w.is_empty() {
                    log.done();
                }
                waits.extend(w);
                return Ok(Gated { state, verdict });
            }
        }
    }
}

/// The waiting line: what settles (the same words while the state stays, so that plain
/// output gets one line per change; the spinner shows the time).
fn describe(blockers: &[Blocker], countdown: bool) -> String {
    let what: Vec<String> = blockers.iter().map(|b| waiting_for(b, countdown)).collect();
    format!("waiting for {}", what.join("; "))
}
