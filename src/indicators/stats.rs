//! Small statistics: mean and percentiles (linear interpolation between order statistics).

pub fn mean(values: &[f64]) -> Option<f64> {
    (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
}

/// The `p`-th quantile (0 ≤ p ≤ 1) of sorted `values`: the order statistic at position
/// `p·(n−1)`, interpolated linearly (the "type 7" definition of R and NumPy).
pub fn quantile_sorted(sorted: &[f64], p: f64) -> Option<f64> {
    let n = sorted.len();
    if n == 0 {
        return None;
    }
    let h = p.clamp(0.0, 1.0) * (n - 1) as f64;
    let lo = h.floor() as usize;
    let hi = h.ceil() as usize;
    Some(sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo]))
}

/// `values` sorted ascending (NaNs were filtered when the facts were read).
pub fn sorted(mut values: Vec<f64>) -> Vec<f64> {
    values.sort_by(f64::total_cmp);
    values
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_interpolate() {
        let v = sorted(vec![4000.0, 1000.0, 3000.0, 2000.0]);
        assert_eq!(quantile_sorted(&v, 0.5), Some(2500.0));
        assert_eq!(quantile_sorted(&v, 0.25), Some(1750.0));
        assert_eq!(quantile_sorted(&v, 0.75), Some(3250.0));
        assert_eq!(quantile_sorted(&[7.0], 0.25), Some(7.0));
        assert_eq!(quantile_sorted(&[], 0.5), None);
        assert_eq!(mean(&[1.0, 2.0]), Some(1.5));
        assert_eq!(mean(&[]), None);
    }
}
