//! The one error type of the commands, and its one mapping to the documented exit codes.
//! Outcomes that are not errors (a guard refused, nobody confirmed, problems found) are
//! results with their own exit codes (`ops`), not errors.

use crate::exit::ExitCode;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Bad flags, arguments or configuration (kubeconfig, context): nothing was sent.
    #[error("{0}")]
    Usage(String),
    /// The API server refused or failed a request, could not be reached, or credentials
    /// could not be obtained.
    #[error("{0}")]
    Api(String),
    /// The StatefulSet, pod or namespace does not exist.
    #[error("{0}")]
    NotFound(String),
    /// A guard refused (used where a refusal ends a larger story, as in the demo).
    #[error("{0}")]
    Refused(String),
    /// A request (`--request-timeout`) or a wait (`--timeout`) ran out of time.
    #[error("{0}")]
    TimedOut(String),
    /// Ctrl-C. With where the command stopped, when it was writing.
    #[error("interrupted{}", .0.as_deref().map(|s| format!(": {s}")).unwrap_or_default())]
    Interrupted(Option<String>),
    /// The reader of the output went away (`| head`): not a failure of the command.
    #[error("the output was closed")]
    ReaderGone,
    /// The output could not be written.
    #[error("cannot write output: {0}")]
    Output(std::io::Error),
}

impl Error {
    pub fn usage(msg: impl Into<String>) -> Error {
        Error::Usage(msg.into())
    }
    pub fn api(msg: impl Into<String>) -> Error {
        Error::Api(msg.into())
    }
    pub fn not_found(msg: impl Into<String>) -> Error {
        Error::NotFound(msg.into())
    }
    pub fn timed_out(msg: impl Into<String>) -> Error {
        Error::TimedOut(msg.into())
    }

    /// The same error (and exit code) with what the operator should know after it: where a
    /// multi-step command stopped, and how to continue.
    pub fn with_hint(self, hint: &str) -> Error {
        let add = |m: String| format!("{m}; {hint}");
        match self {
            Error::Usage(m) => Error::Usage(add(m)),
            Error::Api(m) => Error::Api(add(m)),
            Error::NotFound(m) => Error::NotFound(add(m)),
            Error::Refused(m) => Error::Refused(add(m)),
            Error::TimedOut(m) => Error::TimedOut(add(m)),
            other => other,
        }
    }

    /// The exit code the process ends with.
    pub fn exit_code(&self) -> ExitCode {
        match self {
            Error::Usage(_) => ExitCode::Usage,
            Error::Api(_) | Error::Output(_) => ExitCode::Api,
            Error::NotFound(_) => ExitCode::NotFound,
            Error::Refused(_) => ExitCode::Refused,
            Error::TimedOut(_) => ExitCode::TimedOut,
            Error::Interrupted(_) => ExitCode::Interrupted,
            Error::ReaderGone => ExitCode::Ok,
        }
    }

    /// The line for stderr (`error: …`), or None when nothing is to be said: a plain Ctrl-C
    /// (the user knows) or a closed output (nobody reads).
    pub fn line(&self) -> Option<String> {
        match self {
            Error::Interrupted(None) | Error::ReaderGone => None,
            e => Some(format!("error: {e}")),
        }
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Error {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            Error::ReaderGone
        } else {
            Error::Output(e)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_error_has_its_documented_exit_code() {
        let cases = [
            (Error::usage("x"), 2),
            (Error::api("x"), 1),
            (Error::not_found("x"), 3),
            (Error::Refused("x".into()), 4),
            (Error::timed_out("x"), 6),
            (Error::Interrupted(None), 130),
            (Error::Interrupted(Some("at 3".into())), 130),
            (Error::ReaderGone, 0),
            (Error::Output(std::io::Error::other("disk full")), 1),
        ];
        for (e, code) in cases {
            assert_eq!(e.exit_code().code(), code, "{e:?}");
        }
    }

    #[test]
    fn a_closed_pipe_and_a_plain_ctrl_c_say_nothing() {
        let pipe: Error = std::io::Error::from(std::io::ErrorKind::BrokenPipe).into();
        assert!(matches!(pipe, Error::ReaderGone));
        assert_eq!(pipe.line(), None);
        assert_eq!(Error::Interrupted(None).line(), None);
        assert_eq!(
            Error::Interrupted(Some("spec.replicas is 3".into()))
                .line()
                .unwrap(),
            "error: interrupted: spec.replicas is 3"
        );
    }
}
