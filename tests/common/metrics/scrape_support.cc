#include "tests/common/metrics/scrape_support.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace rmhub::testing {
namespace {

absl::Status SendAll(int fd, const std::string& data) {
  size_t sent = 0;
  while (sent < data.size()) {
    ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, 0);
    if (n <= 0) return absl::UnavailableError("send failed");
    sent += static_cast<size_t>(n);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> ReadAll(int fd) {
  std::string out;
  char buf[8192];
  for (;;) {
    ssize_t n = ::recv(fd, buf, sizeof(buf), 0);
    if (n == 0) return out;
    if (n < 0) return absl::DeadlineExceededError("recv failed or timed out");
    out.append(buf, static_cast<size_t>(n));
  }
}

absl::StatusOr<int> ConnectLoopback(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return absl::InternalError("socket failed");
  timeval tv{10, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    ::close(fd);
    return absl::UnavailableError(absl::StrCat("cannot connect to 127.0.0.1:", port));
  }
  return fd;
}

std::optional<std::string> FindPromtool() {
  const char* path = std::getenv("PATH");
  for (absl::string_view dir : absl::StrSplit(path ? path : "/usr/bin:/bin", ':')) {
    std::string candidate = absl::StrCat(dir, "/promtool");
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return std::nullopt;
}

// Parses `{a="x",b="y"}` (values without escaped quotes, which our tests never use).
std::map<std::string, std::string> ParseLabels(absl::string_view s) {
  std::map<std::string, std::string> out;
  for (absl::string_view pair : absl::StrSplit(s, "\",", absl::SkipEmpty())) {
    std::pair<absl::string_view, absl::string_view> kv =
        absl::StrSplit(pair, absl::MaxSplits('=', 1));
    absl::string_view v = kv.second;
    absl::ConsumePrefix(&v, "\"");
    absl::ConsumeSuffix(&v, "\"");
    out[std::string(kv.first)] = std::string(v);
  }
  return out;
}

}  // namespace

absl::StatusOr<std::string> HttpGet(int port, const std::string& path) {
  absl::StatusOr<int> fd = ConnectLoopback(port);
  if (!fd.ok()) return fd.status();
  absl::Status sent =
      SendAll(*fd, absl::StrCat("GET ", path, " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n"));
  absl::StatusOr<std::string> response =
      sent.ok() ? ReadAll(*fd) : absl::StatusOr<std::string>(sent);
  ::close(*fd);
  if (!response.ok()) return response.status();
  size_t split = response->find("\r\n\r\n");
  if (split == std::string::npos) return absl::DataLossError("no HTTP header end");
  absl::string_view status_line = absl::string_view(*response).substr(0, response->find("\r\n"));
  if (status_line.find(" 200 ") == absl::string_view::npos) {
    return absl::UnavailableError(absl::StrCat("HTTP status: ", status_line));
  }
  return response->substr(split + 4);
}

std::optional<double> SampleValue(const std::string& text, const std::string& name,
                                  const std::map<std::string, std::string>& labels) {
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (line.empty() || line.front() == '#') continue;
    size_t name_end = line.find_first_of("{ ");
    if (name_end == absl::string_view::npos || line.substr(0, name_end) != name) continue;
    std::map<std::string, std::string> have;
    absl::string_view rest = line.substr(name_end);
    if (rest.front() == '{') {
      size_t close = rest.find('}');
      if (close == absl::string_view::npos) continue;
      have = ParseLabels(rest.substr(1, close - 1));
      rest = rest.substr(close + 1);
    }
    if (have != labels) continue;
    double value = 0;
    std::vector<absl::string_view> parts = absl::StrSplit(rest, ' ', absl::SkipEmpty());
    if (!parts.empty() && absl::SimpleAtod(parts[0], &value)) return value;
  }
  return std::nullopt;
}

absl::StatusOr<PromtoolResult> PromtoolCheckMetrics(const std::string& text) {
  std::optional<std::string> promtool = FindPromtool();
  if (!promtool) {
    return absl::FailedPreconditionError(
        "promtool not found on PATH; scripts/deps.sh installs it (Debian package prometheus)");
  }
  char file[] = "/tmp/rmhub-metrics-XXXXXX";
  int fd = ::mkstemp(file);
  if (fd < 0) return absl::InternalError("mkstemp failed");
  ::close(fd);
  std::ofstream(file) << text;
  std::string cmd = absl::StrCat(*promtool, " check metrics < ", file, " 2>&1");
  PromtoolResult result;
  if (FILE* p = ::popen(cmd.c_str(), "r")) {
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof(buf), p)) > 0) result.output.append(buf, n);
    int status = ::pclose(p);
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  ::unlink(file);
  return result;
}

}  // namespace rmhub::testing
