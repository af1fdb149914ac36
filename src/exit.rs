//! Exit codes, the same for every command (see README "Exit codes").

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitCode {
    Ok = 0,
    /// API, connection or auth error.
    Api = 1,
    Usage = 2,
    NotFound = 3,
    /// Refused by a guard or not eligible (scale, force-delete).
    Refused = 4,
    /// Problems found and `--fail-on-problems` given.
    Problems = 5,
    TimedOut = 6,
    NotConfirmed = 7,
    Interrupted = 130,
}

impl ExitCode {
    pub fn code(self) -> i32 {
        self as i32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_the_documented_ones() {
        let all = [
            (ExitCode::Ok, 0),
            (ExitCode::Api, 1),
            (ExitCode::Usage, 2),
            (ExitCode::NotFound, 3),
            (ExitCode::Refused, 4),
            (ExitCode::Problems, 5),
            (ExitCode::TimedOut, 6),
            (ExitCode::NotConfirmed, 7),
            (ExitCode::Interrupted, 130),
        ];
        for (c, n) in all {
            assert_eq!(c.code(), n);
        }
    }
}
