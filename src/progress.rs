//! How a waiting command shows that it is alive, one mechanism for all of them (scale's
//! steps, force-delete `--wait`, recover's phases): on a terminal an indicatif spinner with
//! what it waits for and for how long, redrawn in place; otherwise (scripts, CI logs) plain
//! lines, one per change and never a redraw, as before indicatif came in.

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

pub struct Progress<'a> {
    out: Box<dyn Write + 'a>,
    terminal: bool,
    spinner: Option<ProgressBar>,
    /// The last plain waiting line, so that an unchanged state is not repeated.
    last: String,
}

impl<'a> Progress<'a> {
    /// Plain lines to `out`, never a spinner.
    pub fn plain(out: Box<dyn Write + 'a>) -> Progress<'a> {
        Progress {
            out,
            terminal: false,
            spinner: None,
            last: String::new(),
        }
    }

    /// Progress on stderr: a spinner when stderr is a terminal, plain lines otherwise.
    pub fn stderr() -> Progress<'static> {
        let terminal = std::io::stderr().is_terminal();
        let mut p = Progress::plain(Box::new(std::io::stderr()));
        p.terminal = terminal;
        p
    }

    /// Whether waits are drawn as a spinner (in place) rather than plain lines.
    pub fn is_terminal(&self) -> bool {
        self.terminal
    }

    /// A line that stays (a step begins or ends, a warning).
    pub fn say(&mut self, line: &str) {
        match &self.spinner {
            Some(s) => s.println(line),
            None => {
                let _ = writeln!(self.out, "{line}");
            }
        }
    }

    /// The command now waits for `what`, since `since`.
    pub fn waiting(&mut self, what: &str, since: Instant) {
        if self.terminal {
            let s = self.spinner.get_or_insert_with(|| {
                let s = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr())
                    .with_elapsed(since.elapsed());
                s.set_style(
                    ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
                        .unwrap_or_else(|_| ProgressStyle::default_spinner()),
                );
                s.enable_steady_tick(Duration::from_millis(120));
                s
            });
            s.set_message(what.to_string());
            return;
        }
        if what != self.last {
            let _ = writeln!(
                self.out,
                "  waiting ({}s): {what}",
                since.elapsed().as_secs()
            );
            self.last = what.to_string();
        }
    }

    /// The wait is over: the spinner goes, the next wait starts afresh.
    pub fn done(&mut self) {
        if let Some(s) = self.spinner.take() {
            s.finish_and_clear();
        }
        self.last.clear();
    }
}

impl Drop for Progress<'_> {
    fn drop(&mut self) {
        self.done();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    #[derive(Clone, Default)]
    struct Shared(Arc<Mutex<Vec<u8>>>);
    impl Write for Shared {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn plain_progress_writes_a_line_per_change_only() {
        let buf = Shared::default();
        let mut p = Progress::plain(Box::new(buf.clone()));
        let t = Instant::now();
        p.say("step 1/2");
        p.waiting("web-2 Terminating", t);
        p.waiting("web-2 Terminating", t);
        p.waiting("web-1 not Ready", t);
        p.done();
        p.waiting("web-1 not Ready", t);
        let text = String::from_utf8(buf.0.lock().unwrap().clone()).unwrap();
        assert_eq!(
            text,
            "step 1/2\n  waiting (0s): web-2 Terminating\n  waiting (0s): web-1 not Ready\n  waiting (0s): web-1 not Ready\n"
        );
    }
}
