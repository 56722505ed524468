//! Numbers for SVG and CSS attributes and labels, written with integer arithmetic: Rust's
//! float formatting (core's flt2dec, Grisu with a Dragon fallback) weighs on every page
//! module's download, for text that needs at most a few decimals. The same for reading
//! one ([`decimal`]): `str::parse::<f64>`'s tables and slow path were about 10 KB gzipped.

use std::fmt;

/// A plain decimal as a page option or a menu writes one (`5`, `0.25`, `.5`), at most 9
/// digits; `None` for anything else.
pub fn decimal(text: &str) -> Option<f64> {
    let (whole, frac) = text.split_once('.').unwrap_or((text, ""));
    let digits = || whole.bytes().chain(frac.bytes());
    if !(1..=9).contains(&digits().count()) || !digits().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n = digits().fold(0u32, |n, b| n * 10 + u32::from(b - b'0'));
    Some(f64::from(n) / 10f64.powi(frac.len() as i32))
}

/// `value` rounded to `decimals` (0 to 6) decimals, displayed as `-12.30`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fixed {
    scaled: i64,
    decimals: u32,
}

pub fn fixed(value: f64, decimals: u32) -> Fixed {
    let decimals = decimals.min(6);
    let scaled = if value.is_finite() { (value * 10f64.powi(decimals as i32)).round() as i64 } else { 0 };
    Fixed { scaled, decimals }
}

impl fmt::Display for Fixed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scale = 10u64.pow(self.decimals);
        let a = self.scaled.unsigned_abs();
        let sign = if self.scaled < 0 { "-" } else { "" };
        match self.decimals {
            0 => write!(f, "{sign}{a}"),
            d => write!(f, "{sign}{}.{:0width$}", a / scale, a % scale, width = d as usize),
        }
    }
}

/// `value` with up to two decimals and no trailing zeros (`0.25`, `0.5`, `2`).
pub fn short(value: f64) -> String {
    let s = fixed(value, 2).to_string();
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}
