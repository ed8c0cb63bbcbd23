//! The 2A03's nonlinear DAC mix of the five channel levels.
//!
//! `pulse_out = 95.88 / (8128 / (p1 + p2) + 100)` and
//! `tnd_out = 159.79 / (1 / (t / 8227 + n / 12241 + d / 22638) + 100)`, here in the wiki's
//! lookup-table form (`95.52 / (8128 / n + 100)` and `163.67 / (24329 / n + 100)` with
//! `n = 3t + 2n + d`), which is within 4 % of the exact formulas. The tnd table is indexed in
//! half steps because the ultrasonic triangle contributes its average level, 7.5.
//! <https://www.nesdev.org/wiki/APU_Mixer>

use std::sync::OnceLock;

struct Tables {
    pulse: [f32; 31],
    /// Indexed by `2 × (3t + 2n + d)`.
    tnd: [f32; 405],
}

fn tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(|| {
        let mut pulse = [0.0; 31];
        for (n, v) in pulse.iter_mut().enumerate().skip(1) {
            *v = (95.52 / (8128.0 / n as f64 + 100.0)) as f32;
        }
        let mut tnd = [0.0; 405];
        for (i, v) in tnd.iter_mut().enumerate().skip(1) {
            let n = i as f64 / 2.0;
            *v = (163.67 / (24329.0 / n + 100.0)) as f32;
        }
        Tables { pulse, tnd }
    })
}

/// The mixed output in [0, 1) for the channel levels: pulses 0–15, triangle in half units
/// 0–30, noise 0–15, DMC 0–127.
#[must_use]
pub fn mix(pulse1: u8, pulse2: u8, triangle_x2: u8, noise: u8, dmc: u8) -> f32 {
    let t = tables();
    let p = usize::from(pulse1) + usize::from(pulse2);
    let tnd = 3 * usize::from(triangle_x2) + 4 * usize::from(noise) + 2 * usize::from(dmc);
    t.pulse[p] + t.tnd[tnd]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn silence_is_zero_and_full_scale_is_below_one() {
        assert_eq!(mix(0, 0, 0, 0, 0), 0.0);
        let max = mix(15, 15, 30, 15, 127);
        assert!(max > 0.9 && max < 1.0, "{max}");
    }

    #[test]
    fn tables_track_the_exact_formulas() {
        let exact_pulse = 95.88 / (8128.0 / 30.0 + 100.0);
        assert!((f64::from(mix(15, 15, 0, 0, 0)) - exact_pulse).abs() < 0.01);
        let exact_tnd = 159.79 / (1.0 / (15.0 / 8227.0 + 15.0 / 12241.0 + 127.0 / 22638.0) + 100.0);
        assert!((f64::from(mix(0, 0, 30, 15, 127)) - exact_tnd).abs() < 0.02);
    }
}
