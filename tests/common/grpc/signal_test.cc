// SIGTERM/SIGINT handling, tested on a real child process (signal_test_server).

#include <fcntl.h>
#include <grpcpp/grpcpp.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "rmhub/analytics/v1/analytics.grpc.pb.h"

namespace {

// A child process with its stdout on a pipe. Killed (SIGKILL) if a test leaves it running.
class Child {
 public:
  Child(std::vector<std::string> args, std::vector<std::string> env) {
    int fds[2];
    if (pipe(fds) != 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      dup2(fds[1], STDOUT_FILENO);
      close(fds[0]);
      close(fds[1]);
      for (const auto& e : env) putenv(const_cast<char*>(e.c_str()));
      // The test process may have blocked these; a real service starts with a clean mask.
      sigset_t none;
      sigemptyset(&none);
      sigprocmask(SIG_SETMASK, &none, nullptr);
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }
    close(fds[1]);
    out_ = fds[0];
  }
  ~Child() {
    if (pid_ > 0 && !reaped_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    if (out_ >= 0) close(out_);
  }

  // The next stdout line, or "" at EOF or after `timeout`.
  std::string ReadLine(absl::Duration timeout = absl::Seconds(30)) {
    absl::Time deadline = absl::Now() + timeout;
    for (;;) {
      size_t nl = buffer_.find('\n');
      if (nl != std::string::npos) {
        std::string line = buffer_.substr(0, nl);
        buffer_.erase(0, nl + 1);
        return line;
      }
      int left = static_cast<int>(absl::ToInt64Milliseconds(deadline - absl::Now()));
      pollfd p{out_, POLLIN, 0};
      if (left <= 0 || poll(&p, 1, left) <= 0) return "";
      char buf[512];
      ssize_t n = read(out_, buf, sizeof(buf));
      if (n <= 0) return "";
      buffer_.append(buf, static_cast<size_t>(n));
    }
  }

  // The exit status once the child ends within `timeout`; -1 otherwise (the child is then killed
  // by the destructor).
  int WaitExit(absl::Duration timeout = absl::Seconds(30)) {
    for (absl::Time deadline = absl::Now() + timeout; absl::Now() < deadline;) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        reaped_ = true;
        return status;
      }
      absl::SleepFor(absl::Milliseconds(20));
    }
    return -1;
  }

  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
  int out_ = -1;
  bool reaped_ = false;
  std::string buffer_;
};

int ParsePort(const std::string& line) {
  std::vector<std::string> parts = absl::StrSplit(line, ' ');
  return parts.size() >= 2 && parts[0] == "PORT" ? std::stoi(parts[1]) : 0;
}

grpc::Status Ingest(int port, const std::string& mode) {
  auto channel =
      grpc::CreateChannel("127.0.0.1:" + std::to_string(port), grpc::InsecureChannelCredentials());
  grpc::ClientContext ctx;
  ctx.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(60)));
  rmhub::analytics::v1::IngestEventsRequest req;
  req.add_events()->set_event_id(mode);
  rmhub::analytics::v1::IngestEventsResponse resp;
  return rmhub::analytics::v1::AnalyticsService::NewStub(channel)->IngestEvents(&ctx, req, &resp);
}

TEST(Signals, SigtermDrainsTheInFlightCallAndExitsZero) {
  // The listen address comes from the environment, metrics are switched off on the command line.
  Child child({SIGNAL_TEST_SERVER, "--metrics_address=off"},
              {"RMHUB_LISTEN_ADDRESS=127.0.0.1:0", "RMHUB_DRAIN_TIMEOUT=30s"});
  std::string first = child.ReadLine();
  int port = ParsePort(first);
  ASSERT_GT(port, 0) << first;
  EXPECT_TRUE(absl::StrContains(first, "METRICS 0")) << first;
  grpc::Status slow_status;
  std::thread slow([&] { slow_status = Ingest(port, "slow"); });
  ASSERT_EQ(child.ReadLine(), "IN_HANDLER");
  ASSERT_EQ(kill(child.pid(), SIGTERM), 0);
  slow.join();
  EXPECT_TRUE(slow_status.ok()) << slow_status.error_message();
  int status = child.WaitExit();
  ASSERT_TRUE(WIFEXITED(status)) << "status " << status;
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST(Signals, SigintExitsZero) {
  Child child({SIGNAL_TEST_SERVER}, {});
  std::string first = child.ReadLine();
  int port = ParsePort(first);
  ASSERT_GT(port, 0) << first;
  ASSERT_TRUE(Ingest(port, "fast").ok());
  ASSERT_EQ(kill(child.pid(), SIGINT), 0);
  int status = child.WaitExit();
  ASSERT_TRUE(WIFEXITED(status)) << "status " << status;
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST(Signals, AnUnknownRmhubVariableStopsStartupWithTwo) {
  Child child({SIGNAL_TEST_SERVER}, {"RMHUB_LISTEN_ADRESS=127.0.0.1:0"});
  EXPECT_EQ(child.ReadLine(), "");  // never gets to listening
  int status = child.WaitExit();
  ASSERT_TRUE(WIFEXITED(status)) << "status " << status;
  EXPECT_EQ(WEXITSTATUS(status), 2);
}

TEST(Signals, ABadFlagValueStopsStartupWithTwo) {
  Child child({SIGNAL_TEST_SERVER, "--max_threads=1"}, {});
  EXPECT_EQ(child.ReadLine(), "");
  int status = child.WaitExit();
  ASSERT_TRUE(WIFEXITED(status)) << "status " << status;
  EXPECT_EQ(WEXITSTATUS(status), 2);
}

}  // namespace
