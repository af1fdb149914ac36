//! Preconditioned writes in a cluster that never holds still. Every guarded write carries the
//! resourceVersion it was decided on, and controllers move that version all the time without
//! changing anything the write depends on: the kubelet writes its node's status, the
//! StatefulSet controller the set's counts, the external resizer a claim's conditions. A 409
//! on that precondition is therefore not, by itself, someone else's change: the object is read
//! again, the premise of the write is proven again on what was read (same object, same spec,
//! the fields the write depends on as they were, the guards still passing), and the write is
//! made again behind the new version — a bounded number of times. Only a premise that no
//! longer holds stops the command.

use std::time::Duration;

use crate::cluster::Guarded;
use crate::error::Error;

/// Attempts of one write before a cluster that keeps changing stops the command: client-go's
/// `retry.DefaultRetry` (k8s.io/client-go/util/retry/util.go: 5 steps, 10 ms apart), what
/// kubectl and the controllers themselves use on a conflict.
pub const CONFLICT_ATTEMPTS: u32 = 5;
const CONFLICT_PAUSE: Duration = Duration::from_millis(10);

/// How a re-proven write ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reproven<T> {
    Done(T),
    /// Read again after a conflict, the premise no longer held: why (nothing was written).
    Broken(String),
    /// The object is gone (404).
    Gone,
    /// Every attempt met a conflict although the premise kept holding: the last 409's message.
    KeptChanging(String),
}

/// Writes with `write` on `state` (the read the write was decided on); on a 409 reads again
/// with `reprove` — Ok(fresh state) when the premise still holds, Err(why) when it does not —
/// and writes again, at most [`CONFLICT_ATTEMPTS`] times. `state` ends as the last read.
pub async fn write_reproven<S, T>(
    state: &mut S,
    mut write: impl AsyncFnMut(&S) -> Result<Guarded<T>, Error>,
    mut reprove: impl AsyncFnMut() -> Result<Result<S, String>, Error>,
) -> Result<Reproven<T>, Error> {
    let mut last = String::new();
    for attempt in 0..CONFLICT_ATTEMPTS {
        if attempt > 0 {
            tokio::time::sleep(CONFLICT_PAUSE).await;
        }
        match write(state).await? {
            Guarded::Done(t) => return Ok(Reproven::Done(t)),
            Guarded::Gone => return Ok(Reproven::Gone),
            Guarded::Conflict(m) => {
                last = m;
                match reprove().await? {
                    Ok(fresh) => *state = fresh,
                    Err(why) => return Ok(Reproven::Broken(why)),
                }
            }
        }
    }
    Ok(Reproven::KeptChanging(last))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run<T>(f: impl std::future::Future<Output = T>) -> T {
        tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap()
            .block_on(f)
    }

    #[test]
    fn a_conflict_is_read_again_and_written_again_on_the_fresh_version() {
        let mut answers = vec![
            Guarded::Conflict("the object has been modified".into()),
            Guarded::Done("ok"),
        ];
        let mut seen = vec![];
        let mut version = 1;
        let r = run(write_reproven(
            &mut version,
            async |v: &i32| {
                seen.push(*v);
                Ok(answers.remove(0))
            },
            async || Ok(Ok(2)),
        ))
        .unwrap();
        assert_eq!(r, Reproven::Done("ok"));
        assert_eq!(seen, [1, 2], "the second write carries the fresh read");
        assert_eq!(version, 2);
    }

    #[test]
    fn a_premise_that_no_longer_holds_stops_without_writing_again() {
        let mut writes = 0;
        let r: Reproven<()> = run(write_reproven(
            &mut 1,
            async |_: &i32| {
                writes += 1;
                Ok(Guarded::Conflict("modified".into()))
            },
            async || Ok(Err("the spec changed".into())),
        ))
        .unwrap();
        assert_eq!(r, Reproven::Broken("the spec changed".into()));
        assert_eq!(writes, 1);
    }

    #[test]
    fn conflicts_are_bounded() {
        let mut writes = 0;
        let r: Reproven<()> = run(write_reproven(
            &mut 1,
            async |_: &i32| {
                writes += 1;
                Ok(Guarded::Conflict(format!("modified {writes}")))
            },
            async || Ok(Ok(1)),
        ))
        .unwrap();
        assert_eq!(r, Reproven::KeptChanging("modified 5".into()));
        assert_eq!(writes, CONFLICT_ATTEMPTS);
    }

    #[test]
    fn gone_is_said() {
        let r: Reproven<()> = run(write_reproven(
            &mut 1,
            async |_: &i32| Ok(Guarded::Gone),
            async || Ok(Ok(1)),
        ))
        .unwrap();
        assert_eq!(r, Reproven::Gone);
    }
}
