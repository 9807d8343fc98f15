#include "realtime.h"

#include <sched.h>

#include <cerrno>

namespace tsw {

RealtimeOutcome SetRealtimePriority(int priority) {
  RealtimeOutcome outcome;
  const int min = sched_get_priority_min(SCHED_FIFO);
  const int max = sched_get_priority_max(SCHED_FIFO);
  if (min < 0 || max < 0) {
    outcome.error = errno;
    return outcome;
  }
  if (priority < min || priority > max) {
    outcome.error = EINVAL;
    return outcome;
  }
  sched_param param{};
  param.sched_priority = priority;
  // On Linux, pid 0 names the calling thread only: threads that already exist keep their
  // policy, while threads created afterwards inherit this one. Call it before the engine starts.
  if (sched_setscheduler(0, SCHED_FIFO, &param) != 0) {
    outcome.error = errno;
    return outcome;
  }
  outcome.ok = true;
  return outcome;
}

}  // namespace tsw
