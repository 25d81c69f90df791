// TEMPORARY until helper delivers
pub fn percentile_sorted(s: &[f64], q: f64) -> f64 {
    let h = (s.len() - 1) as f64 * q;
    let lo = h.floor() as usize;
    let hi = h.ceil() as usize;
    s[lo] + (h - lo as f64) * (s[hi] - s[lo])
}
pub fn cvar_upper(s: &[f64], tail: f64) -> f64 {
    let n = ((tail * s.len() as f64).ceil() as usize).max(1);
    s[s.len() - n..].iter().sum::<f64>() / n as f64
}
pub fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len() as f64
}
pub fn sort_floats(v: &mut [f64]) {
    v.sort_by(f64::total_cmp)
}
