//! Durations as kubectl's flags take them (Go's `time.ParseDuration`: `8s`, `1m30s`, `500ms`,
//! `1.5h`), parsed by jiff's friendly duration format, which reads those forms (and the
//! spelled-out `5 minutes`, and ISO 8601 `PT5M`).

use std::time::Duration;

/// Parses a non-negative duration with units: `8s`, `1m30s`, `500ms`, `2h`.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let t = s.trim();
    if t.is_empty() {
        return Err("empty duration".into());
    }
    // a bare number has no unit: Go refuses it too ("missing unit in duration")
    if t.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return Err(format!("invalid duration {s:?}: missing unit (e.g. 10s)"));
    }
    let d: jiff::SignedDuration = t
        .parse()
        .map_err(|_| format!("invalid duration {s:?} (e.g. 10s, 1m30s, 500ms)"))?;
    if d.is_negative() {
        return Err(format!("invalid duration {s:?}: must not be negative"));
    }
    Ok(d.unsigned_abs())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("8s").unwrap(), Duration::from_secs(8));
        assert_eq!(parse_duration("1m30s").unwrap(), Duration::from_secs(90));
        assert_eq!(parse_duration("500ms").unwrap(), Duration::from_millis(500));
        assert_eq!(parse_duration("2h").unwrap(), Duration::from_secs(7200));
        assert_eq!(parse_duration("1.5h").unwrap(), Duration::from_secs(5400));
        assert_eq!(parse_duration("6m").unwrap(), Duration::from_secs(360));
        for bad in ["10", "x", "", "-5s", "5x", "1y", "forever"] {
            let e = parse_duration(bad).unwrap_err();
            assert!(!e.contains('\n'), "{e}");
            assert!(e.contains("duration"), "{bad:?}: {e}");
        }
    }
}
