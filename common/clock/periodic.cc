#include "common/clock/periodic.h"

#include <utility>

namespace rmhub::clock {

Periodic::Periodic(absl::Duration interval, FirstPass first, std::function<void()> pass)
    : interval_(interval), first_(first), pass_(std::move(pass)) {}

Periodic::~Periodic() { Stop(); }

void Periodic::Start() {
  if (thread_.joinable()) return;
  thread_ = std::thread([this] { Loop(); });
}

void Periodic::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

bool Periodic::stopping() const {
  absl::MutexLock lock(&mu_);
  return stopping_;
}

bool Periodic::Wait() {
  absl::MutexLock lock(&mu_);
  auto stopping = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return stopping_; };
  mu_.AwaitWithTimeout(absl::Condition(&stopping), interval_);
  return !stopping_;
}

void Periodic::Loop() {
  if (first_ == FirstPass::kAfterInterval && !Wait()) return;
  while (!stopping()) {
    pass_();
    if (!Wait()) return;
  }
}

}  // namespace rmhub::clock
