import Glibc

/// The CPU time this process has used, all threads (CLOCK_PROCESS_CPUTIME_ID):
/// what a pass costs, logged as `pass.cpu_ms` (`Benchmarks/incremental.sh`
/// compares a pass after one payment file with a full re-plan by it).
enum ProcessCPUTime {
    static func milliseconds() -> Double {
        var time = timespec()
        guard clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time) == 0 else { return 0 }
        return Double(time.tv_sec) * 1000 + Double(time.tv_nsec) / 1_000_000
    }
}
