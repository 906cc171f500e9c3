//! Numbers, durations and sizes the way a DBA reads them at a glance.

use std::time::Duration;

/// `3d 4h`, `5h 12m`, `4m 2s`, `12s`, `0.5s`.
pub fn duration(d: Duration) -> String {
    let secs = d.as_secs();
    match secs {
        // Under 0.1 s reads as 0s, not "0.0s".
        0 if d.as_millis() >= 100 => format!("{:.1}s", d.as_secs_f64()),
        s if s < 60 => format!("{s}s"),
        s if s < 3600 && s % 60 == 0 => format!("{}m", s / 60),
        s if s < 3600 => format!("{}m {}s", s / 60, s % 60),
        s if s < 86_400 && s % 3600 < 60 => format!("{}h", s / 3600),
        s if s < 86_400 => format!("{}h {}m", s / 3600, (s % 3600) / 60),
        s if s % 86_400 < 3600 => format!("{}d", s / 86_400),
        s => format!("{}d {}h", s / 86_400, (s % 86_400) / 3600),
    }
}

/// Milliseconds with their unit: `0.292 ms`, `1,234 ms`, `704.1 s`.
pub fn millis_unit(ms: f64) -> String {
    if ms.is_finite() && ms >= 10_000.0 {
        format!("{:.1} s", ms / 1000.0)
    } else {
        format!("{} ms", millis(ms))
    }
}

/// A cost in whole milliseconds (`90 ms`, `1,250 ms`); `<1 ms` under one.
pub fn whole_millis(d: Duration) -> String {
    match d.as_millis() {
        0 => "<1 ms".into(),
        ms => format!("{} ms", thousands(i64::try_from(ms).unwrap_or(i64::MAX))),
    }
}

/// Compact age for table cells: `850ms`, `12s`, `4m02s`, `5h12m`, `3d04h`.
pub fn age(d: Duration) -> String {
    let secs = d.as_secs();
    match secs {
        0 => format!("{}ms", d.as_millis()),
        s if s < 60 => format!("{s}s"),
        s if s < 3600 => format!("{}m{:02}s", s / 60, s % 60),
        s if s < 86_400 => format!("{}h{:02}m", s / 3600, (s % 3600) / 60),
        s => format!("{}d{:02}h", s / 86_400, (s % 86_400) / 3600),
    }
}

/// Milliseconds with sensible precision: `0.042`, `3.21`, `45.1`, `1,234`, `12.3s`.
pub fn millis(ms: f64) -> String {
    if !ms.is_finite() {
        return "-".into();
    }
    match ms {
        m if m < 1.0 => format!("{m:.3}"),
        m if m < 10.0 => format!("{m:.2}"),
        m if m < 100.0 => format!("{m:.1}"),
        m if m < 10_000.0 => thousands(m.round() as i64),
        m => format!("{:.1}s", m / 1000.0),
    }
}

/// A rate or count with k/M/G suffixes: `0.5`, `12`, `1.2k`, `3.4M`.
pub fn quantity(value: f64) -> String {
    if !value.is_finite() {
        return "-".into();
    }
    let abs = value.abs();
    match abs {
        a if a < 10.0 && a.fract() != 0.0 => format!("{value:.1}"),
        a if a < 1_000.0 => format!("{value:.0}"),
        a if a < 1_000_000.0 => format!("{:.1}k", value / 1e3),
        a if a < 1_000_000_000.0 => format!("{:.1}M", value / 1e6),
        _ => format!("{:.1}G", value / 1e9),
    }
}

/// Bytes in binary units: `512 B`, `8.0 KiB`, `1.5 GiB`.
pub fn bytes(value: i64) -> String {
    const UNITS: [&str; 6] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
    let mut size = value as f64;
    let mut unit = 0;
    while size.abs() >= 1024.0 && unit < UNITS.len() - 1 {
        size /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{value} B")
    } else {
        format!("{size:.1} {}", UNITS[unit])
    }
}

/// A ratio 0..=1 as a percentage: `99.2%`; `-` when unknown.
pub fn percent(ratio: Option<f64>) -> String {
    match ratio {
        Some(r) if r.is_finite() => format!("{:.1}%", r * 100.0),
        _ => "-".into(),
    }
}

/// `1234567` → `1,234,567`.
pub fn thousands(value: i64) -> String {
    let digits = value.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if value < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Cuts text to `width` characters, ending with `…` when cut.
pub fn truncate(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_string();
    }
    let mut out: String = text.chars().take(width.saturating_sub(1)).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_like_a_human_wrote_them() {
        let cases = [
            (Duration::from_millis(500), "0.5s"),
            (Duration::from_secs(12), "12s"),
            (Duration::from_secs(242), "4m 2s"),
            (Duration::from_secs(900), "15m"),
            (Duration::from_secs(3600), "1h"),
            (Duration::from_secs(7 * 86_400), "7d"),
            (Duration::from_secs(5 * 3600 + 720), "5h 12m"),
            (Duration::from_secs(3 * 86_400 + 4 * 3600), "3d 4h"),
        ];
        for (d, expected) in cases {
            assert_eq!(duration(d), expected);
        }
        assert_eq!(age(Duration::from_millis(850)), "850ms");
        assert_eq!(age(Duration::from_secs(242)), "4m02s");
    }

    #[test]
    fn numbers() {
        let cases = [
            (millis(0.0421), "0.042"),
            (millis(3.214), "3.21"),
            (millis(45.12), "45.1"),
            (millis(1234.4), "1,234"),
            (millis(12_345.0), "12.3s"),
            (millis(f64::NAN), "-"),
            (millis_unit(0.292), "0.292 ms"),
            (millis_unit(704_100.0), "704.1 s"),
            (quantity(0.5), "0.5"),
            (quantity(12.0), "12"),
            (quantity(1234.0), "1.2k"),
            (quantity(3_400_000.0), "3.4M"),
            (bytes(512), "512 B"),
            (bytes(8192), "8.0 KiB"),
            (bytes(1_610_612_736), "1.5 GiB"),
            (percent(Some(0.9921)), "99.2%"),
            (percent(None), "-"),
            (thousands(-1_234_567), "-1,234,567"),
            (truncate("abcdef", 4), "abc…"),
            (truncate("abc", 4), "abc"),
        ];
        for (got, expected) in cases {
            assert_eq!(got, expected);
        }
    }
}
