//! Kubernetes resource quantities (`1Gi`, `500Mi`, `1.5G`, `2e9`) as exact numbers, for
//! comparing storage sizes (k8s.io/apimachinery/pkg/api/resource: binary suffixes Ki…Ei,
//! decimal k…E and m, and decimal exponents).

/// The quantity in thousandths of its unit (so `100m` stays exact); None when it is not a
/// quantity.
pub fn parse_milli(s: &str) -> Option<i128> {
    let s = s.trim();
    let split = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '+' || c == '-'))
        .unwrap_or(s.len());
    let (number, suffix) = s.split_at(split);
    let (negative, number) = match number.strip_prefix('-') {
        Some(n) => (true, n),
        None => (false, number.strip_prefix('+').unwrap_or(number)),
    };
    if number.is_empty() || number.contains(['+', '-']) {
        return None;
    }
    let (int, frac) = number.split_once('.').unwrap_or((number, ""));
    if (int.is_empty() && frac.is_empty()) || frac.contains('.') || frac.len() > 18 {
        return None;
    }
    let digits: i128 = format!("{int}{frac}").parse().ok()?;
    let scale = 10i128.pow(frac.len() as u32);
    // value = digits / scale * multiplier, in thousandths
    let (mul, div): (i128, i128) = match suffix {
        "" => (1000, 1),
        "m" => (1, 1),
        "k" => (1000 * 1000, 1),
        "M" => (1000 * 10i128.pow(6), 1),
        "G" => (1000 * 10i128.pow(9), 1),
        "T" => (1000 * 10i128.pow(12), 1),
        "P" => (1000 * 10i128.pow(15), 1),
        "E" => (1000 * 10i128.pow(18), 1),
        "Ki" => (1000 << 10, 1),
        "Mi" => (1000 << 20, 1),
        "Gi" => (1000 << 30, 1),
        "Ti" => (1000 << 40, 1),
        "Pi" => (1000 << 50, 1),
        "Ei" => (1000 << 60, 1),
        e if e.starts_with(['e', 'E']) => {
            let exp: i32 = e[1..].parse().ok()?;
            if exp.abs() > 30 {
                return None;
            }
            if exp >= 0 {
                (1000 * 10i128.pow(exp as u32), 1)
            } else {
                (1000, 10i128.pow((-exp) as u32))
            }
        }
        _ => return None,
    };
    let v = digits.checked_mul(mul)? / scale / div;
    Some(if negative { -v } else { v })
}

/// Bytes (or units), rounded up as the API server rounds a storage request.
pub fn parse(s: &str) -> Option<i128> {
    parse_milli(s).map(|m| (m + 999).div_euclid(1000))
}

/// Bytes in binary units for people (`2 GiB`, `1.5 GiB`, `86.7 YiB`): one decimal at most, so
/// a size typed as a large quantity (`99999999Ei`) shows what it really means.
pub fn human_bytes(n: i128) -> String {
    const UNITS: [&str; 9] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB"];
    let mut unit = 0;
    while unit + 1 < UNITS.len() && n.unsigned_abs() >= 1u128 << (10 * (unit + 1)) {
        unit += 1;
    }
    let scale = 1i128 << (10 * unit);
    if n % scale == 0 {
        return format!("{} {}", n / scale, UNITS[unit]);
    }
    // tenths, rounded half up, in integers: no float loses the large ones
    let tenths = (n * 10 + scale / 2) / scale;
    format!("{}.{} {}", tenths / 10, tenths % 10, UNITS[unit])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_for_people() {
        assert_eq!(human_bytes(1 << 30), "1 GiB");
        assert_eq!(human_bytes(3 << 29), "1.5 GiB");
        assert_eq!(human_bytes(500), "500 B");
        assert_eq!(human_bytes(2_000_000_000), "1.9 GiB");
        assert_eq!(human_bytes(parse("99999999Ei").unwrap()), "95.4 YiB");
        assert_eq!(human_bytes(parse("1Ei").unwrap()), "1 EiB");
    }

    #[test]
    fn quantities() {
        assert_eq!(parse("1Gi"), Some(1 << 30));
        assert_eq!(parse("500Mi"), Some(500 << 20));
        assert_eq!(parse("1536Mi"), Some(1536 << 20));
        assert_eq!(parse("1.5Gi"), Some(3 << 29));
        assert_eq!(parse("2G"), Some(2_000_000_000));
        assert_eq!(parse("2e9"), Some(2_000_000_000));
        assert_eq!(parse("100"), Some(100));
        assert_eq!(parse_milli("100m"), Some(100));
        assert_eq!(parse("100m"), Some(1), "rounded up");
        assert_eq!(parse("+1Ki"), Some(1024));
        assert!(parse("1Gi") > parse("1G"));
        for bad in ["", "Gi", "1GB", "1..5Gi", "abc", "1-2", "1e99"] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }
}
