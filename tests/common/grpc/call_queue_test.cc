#include "common/grpc/call_queue.h"

#include <atomic>
#include <memory>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "common/status/errors.h"
#include "gtest/gtest.h"
#include "tests/support/metric_value.h"

namespace rmhub::grpcx {
namespace {

using ::rmhub::testing::MetricValue;

const absl::Time kT0 = absl::FromUnixSeconds(1'790'000'000);

// What happened to one submitted call.
struct Outcome {
  std::atomic<bool> ran{false};
  absl::Notification done;
  absl::Status rejected;  // written before `done` is notified
};

CallQueue::Call Track(Outcome& out, absl::Time deadline = absl::InfiniteFuture(),
                      std::function<void()> work = nullptr) {
  CallQueue::Call call;
  call.deadline = deadline;
  call.run = [&out, work] {
    out.ran = true;
    if (work) work();
    out.done.Notify();
  };
  call.reject = [&out](const absl::Status& s) {
    out.rejected = s;
    out.done.Notify();
  };
  return call;
}

bool Finished(Outcome& out) { return out.done.WaitForNotificationWithTimeout(absl::Seconds(30)); }

// Occupies the queue's only worker until released.
struct Blocker {
  explicit Blocker(CallQueue& queue) {
    queue.Submit(Track(out, absl::InfiniteFuture(), [this] {
      running.Notify();
      release.WaitForNotificationWithTimeout(absl::Seconds(30));
    }));
    running.WaitForNotificationWithTimeout(absl::Seconds(30));
  }
  Outcome out;
  absl::Notification running;
  absl::Notification release;
};

CallQueueOptions OneWorker() {
  CallQueueOptions o;
  o.workers = 1;
  o.max_queue_length = 100;
  o.max_queue_wait = absl::Seconds(60);
  return o;
}

double Shed(prometheus::Registry& r, const std::string& reason) {
  return MetricValue(r, "rmhub_server_shed_total", {{"reason", reason}}).value_or(-1);
}

TEST(CallQueue, EveryCallRunsWhenCapacityExists) {
  prometheus::Registry registry;
  FakeClock clock(kT0);
  CallQueueOptions options;
  options.workers = 4;
  CallQueue queue(options, &registry, clock);
  std::vector<std::unique_ptr<Outcome>> outs;
  for (int i = 0; i < 200; ++i) {
    outs.push_back(std::make_unique<Outcome>());
    queue.Submit(Track(*outs.back(), kT0 + absl::Seconds(30)));
  }
  for (auto& out : outs) {
    ASSERT_TRUE(Finished(*out));
    EXPECT_TRUE(out->ran);
    EXPECT_TRUE(out->rejected.ok()) << out->rejected;
  }
  EXPECT_EQ(MetricValue(registry, "rmhub_server_executed_total"), 200);
  EXPECT_EQ(MetricValue(registry, "rmhub_server_workers"), 4);
}

TEST(CallQueue, CallsWaitBehindABusyWorkerInsteadOfBeingRefused) {
  FakeClock clock(kT0);
  CallQueue queue(OneWorker(), nullptr, clock);
  Blocker blocker(queue);
  std::vector<std::unique_ptr<Outcome>> outs;
  for (int i = 0; i < 50; ++i) {
    outs.push_back(std::make_unique<Outcome>());
    queue.Submit(Track(*outs.back(), kT0 + absl::Seconds(30)));
  }
  EXPECT_EQ(queue.depth(), 50);
  blocker.release.Notify();
  for (auto& out : outs) {
    ASSERT_TRUE(Finished(*out));
    EXPECT_TRUE(out->ran);
  }
}

TEST(CallQueue, AQueuedCallWhoseDeadlinePassesIsNeverExecuted) {
  prometheus::Registry registry;
  FakeClock clock(kT0);
  CallQueue queue(OneWorker(), &registry, clock);
  Blocker blocker(queue);
  Outcome late;
  queue.Submit(Track(late, kT0 + absl::Seconds(1)));
  clock.Advance(absl::Seconds(2));  // its deadline passes while the worker is busy
  blocker.release.Notify();
  ASSERT_TRUE(Finished(late));
  EXPECT_FALSE(late.ran);
  EXPECT_EQ(late.rejected.code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_EQ(Shed(registry, "expired"), 1);
  EXPECT_EQ(MetricValue(registry, "rmhub_server_executed_total"), 1);  // the blocker only
}

TEST(CallQueue, ACallCancelledWhileQueuedIsNeverExecuted) {
  prometheus::Registry registry;
  FakeClock clock(kT0);
  CallQueue queue(OneWorker(), &registry, clock);
  Blocker blocker(queue);
  Outcome gone;
  std::atomic<bool> cancelled{false};
  CallQueue::Call call = Track(gone);
  call.cancelled = [&cancelled] { return cancelled.load(); };
  queue.Submit(std::move(call));
  cancelled = true;
  blocker.release.Notify();
  ASSERT_TRUE(Finished(gone));
  EXPECT_FALSE(gone.ran);
  EXPECT_EQ(gone.rejected.code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(Shed(registry, "cancelled"), 1);
}

TEST(CallQueue, AFullQueueRefusesWithResourceExhaustedAndARetryDelay) {
  prometheus::Registry registry;
  FakeClock clock(kT0);
  CallQueueOptions options = OneWorker();
  options.max_queue_length = 2;
  CallQueue queue(options, &registry, clock);
  Blocker blocker(queue);
  Outcome a, b, c;
  queue.Submit(Track(a));
  queue.Submit(Track(b));
  queue.Submit(Track(c));
  ASSERT_TRUE(c.done.HasBeenNotified());  // answered at once, not queued
  EXPECT_EQ(c.rejected.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(ErrorReason(c.rejected), "QUEUE_FULL");
  EXPECT_TRUE(RetryDelay(c.rejected).has_value());
  EXPECT_EQ(Shed(registry, "queue_full"), 1);
  blocker.release.Notify();
  ASSERT_TRUE(Finished(a));
  ASSERT_TRUE(Finished(b));
  EXPECT_TRUE(a.ran);
  EXPECT_TRUE(b.ran);
}

TEST(CallQueue, ACallThatWaitedLongerThanTheLimitIsShed) {
  prometheus::Registry registry;
  FakeClock clock(kT0);
  CallQueueOptions options = OneWorker();
  options.max_queue_wait = absl::Seconds(5);
  CallQueue queue(options, &registry, clock);
  Blocker blocker(queue);
  Outcome waited;
  queue.Submit(Track(waited));  // no deadline: only the queue limit bounds its wait
  clock.Advance(absl::Seconds(6));
  blocker.release.Notify();
  ASSERT_TRUE(Finished(waited));
  EXPECT_FALSE(waited.ran);
  EXPECT_EQ(waited.rejected.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(ErrorReason(waited.rejected), "QUEUE_TIMEOUT");
  EXPECT_EQ(Shed(registry, "queue_timeout"), 1);
}

TEST(CallQueue, ACallThatCannotStartBeforeItsDeadlineIsShedAtOnce) {
  prometheus::Registry registry;
  FakeClock clock(kT0);
  CallQueue queue(OneWorker(), &registry, clock);
  // Teach the queue that a call takes about a second.
  for (int i = 0; i < 60; ++i) {
    Outcome slow;
    queue.Submit(
        Track(slow, absl::InfiniteFuture(), [&clock] { clock.Advance(absl::Seconds(1)); }));
    ASSERT_TRUE(Finished(slow));
  }
  Blocker blocker(queue);
  std::vector<std::unique_ptr<Outcome>> ahead;
  for (int i = 0; i < 5; ++i) {
    ahead.push_back(std::make_unique<Outcome>());
    queue.Submit(Track(*ahead.back()));
  }
  Outcome hopeless, patient;
  queue.Submit(Track(hopeless, clock.Now() + absl::Seconds(1)));  // ~5 s of work ahead of it
  queue.Submit(Track(patient, clock.Now() + absl::Seconds(60)));
  ASSERT_TRUE(hopeless.done.HasBeenNotified());
  EXPECT_FALSE(hopeless.ran);
  EXPECT_EQ(hopeless.rejected.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(ErrorReason(hopeless.rejected), "DEADLINE_UNREACHABLE");
  EXPECT_GE(*RetryDelay(hopeless.rejected), absl::Seconds(1));
  EXPECT_EQ(Shed(registry, "deadline_unreachable"), 1);
  blocker.release.Notify();
  ASSERT_TRUE(Finished(patient));
  EXPECT_TRUE(patient.ran);
}

TEST(CallQueue, StopRunsWhatWasQueuedAndRefusesWhatComesAfter) {
  FakeClock clock(kT0);
  CallQueue queue(OneWorker(), nullptr, clock);
  auto blocker = std::make_unique<Blocker>(queue);
  Outcome queued;
  queue.Submit(Track(queued));
  std::thread stopper([&] { queue.Stop(); });
  blocker->release.Notify();
  stopper.join();
  EXPECT_TRUE(queued.ran);
  Outcome after;
  queue.Submit(Track(after));
  ASSERT_TRUE(after.done.HasBeenNotified());
  EXPECT_FALSE(after.ran);
  EXPECT_EQ(after.rejected.code(), absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace rmhub::grpcx
