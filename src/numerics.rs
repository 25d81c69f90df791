// TEMPORARY until helper delivers
pub fn normal_cdf(x: f64) -> f64 {
    0.5 * libm::erfc(-x / std::f64::consts::SQRT_2)
}
pub fn lognormal_spill(r: f64, k: f64, cv: f64) -> f64 {
    if r <= 0.0 {
        return 0.0;
    }
    if k <= 0.0 {
        return r;
    }
    if cv <= 0.0 {
        return (r - k).max(0.0);
    }
    let s2 = (1.0 + cv * cv).ln();
    let s = s2.sqrt();
    let d1 = ((r / k).ln() + s2 / 2.0) / s;
    let d2 = d1 - s;
    (r * normal_cdf(d1) - k * normal_cdf(d2)).clamp((r - k).max(0.0), r)
}
#[derive(Clone, Debug)]
pub struct GammaQuantile {
    a: f64,
}
impl GammaQuantile {
    pub fn new(a: f64) -> Self {
        Self { a }
    }
    pub fn quantile_from_normal_score(&self, z: f64) -> f64 {
        let a = self.a;
        let c = 1.0 / (9.0 * a);
        (a * (1.0 - c + z * c.sqrt()).powi(3)).max(0.0)
    }
}
