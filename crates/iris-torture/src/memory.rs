//! This process's peak memory, from Linux's /proc: the high-water mark of its resident set
//! (VmHWM), and a reset of that mark, so a case can measure the peak of one stretch of work.

/// Peak resident memory of this process since it started (or since the last [`reset_peak`]),
/// in bytes; `None` where /proc does not say (not Linux).
pub fn peak_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status_field_kib(&status, "VmHWM:").map(|kib| kib * 1024)
}

/// Resets the high-water mark to the current resident size (Linux 4.0+: "5" written to
/// /proc/self/clear_refs). Returns whether it took.
pub fn reset_peak() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

fn status_field_kib(status: &str, field: &str) -> Option<u64> {
    let line = status.lines().find(|l| l.starts_with(field))?;
    line[field.len()..].split_whitespace().next()?.parse().ok()
}

/// Bytes as MiB for reports.
pub fn mib(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_high_water_mark_in_kib() {
        let status = "Name:\tx\nVmPeak:\t  200 kB\nVmHWM:\t   1234 kB\nVmRSS:\t 99 kB\n";
        assert_eq!(status_field_kib(status, "VmHWM:"), Some(1234));
        assert_eq!(status_field_kib(status, "VmSwap:"), None);
    }

    #[test]
    fn the_peak_follows_a_large_allocation_and_resets() {
        assert!(reset_peak());
        let before = peak_bytes().unwrap();
        let block = std::hint::black_box(vec![1u8; 64 << 20]);
        assert!(peak_bytes().unwrap() >= before + (60 << 20));
        drop(block);
        assert!(reset_peak());
        assert!(peak_bytes().unwrap() < before + (32 << 20));
    }
}
