// Real-time scheduling for the daemon's -rp flag: the media engine's frame clock must not be
// preempted by ordinary work on a loaded gateway.
#ifndef TSW_DRIVERS_REALTIME_H_
#define TSW_DRIVERS_REALTIME_H_

namespace tsw {

struct RealtimeOutcome {
  bool ok = false;
  // errno value when !ok: EPERM without CAP_SYS_NICE or RLIMIT_RTPRIO, EINVAL out of range.
  int error = 0;
};

// Moves the calling process to SCHED_FIFO at `priority` (1..99 on Linux). Out-of-range values
// are refused with EINVAL before the system call so that the caller gets a clear reason.
RealtimeOutcome SetRealtimePriority(int priority);

}  // namespace tsw

#endif  // TSW_DRIVERS_REALTIME_H_
