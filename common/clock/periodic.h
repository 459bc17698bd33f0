#pragma once
// A background pass run every `interval` (real time) on a thread of its own, from Start() until
// Stop(): the sweeps and recounts of the services (certificate expiry, overdue tasks, complaint
// SLA, managers over cap). Stop() wakes the thread at once and joins it, so main registers it
// with the runtime's stop hooks and SIGTERM ends the work after the drain. A long pass asks
// stopping() between its batches.

#include <functional>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace rmhub::clock {

class Periodic {
 public:
  enum class FirstPass { kAtStart, kAfterInterval };
  Periodic(absl::Duration interval, FirstPass first, std::function<void()> pass);
  ~Periodic();  // stops the thread
  Periodic(const Periodic&) = delete;
  Periodic& operator=(const Periodic&) = delete;

  void Start();  // idempotent
  void Stop();   // idempotent; waits for a running pass to return
  bool stopping() const;

 private:
  void Loop();
  // Waits up to one interval; false once stopping.
  bool Wait();

  const absl::Duration interval_;
  const FirstPass first_;
  const std::function<void()> pass_;
  mutable absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace rmhub::clock
