#include "tools/rmhubctl/commands.h"

#include <ostream>
#include <thread>

#include "absl/strings/str_split.h"
#include "common/encoding/uuid.h"
#include "common/status/errors.h"
#include "google/protobuf/dynamic_message.h"
#include "tools/rmhubctl/cli_args.h"
#include "tools/rmhubctl/error_report.h"
#include "tools/rmhubctl/help_text.h"
#include "tools/rmhubctl/render.h"
#include "tools/rmhubctl/request_builder.h"
#include "tools/rmhubctl/rpc_client.h"
#include "tools/rmhubctl/service_catalog.h"
#include "tools/rmhubctl/token_command.h"

namespace rmhub::ctl {
namespace {

using google::protobuf::DescriptorPool;
using google::protobuf::Message;
using google::protobuf::MethodDescriptor;

const DescriptorPool& Pool() { return *DescriptorPool::generated_pool(); }

int LocalError(const absl::Status& status, std::ostream& err) {
  err << FormatLocalError(status);
  return kExitUsage;
}

absl::StatusOr<ConnectionOptions> ConnectionFromFlags(
    const CommandLine& line, const google::protobuf::ServiceDescriptor* service) {
  ConnectionOptions options;
  options.address = line.Get("addr", DefaultAddress(service), "RMHUB_ADDR");
  options.token = line.Get("token", "", "RMHUB_TOKEN");
  RMHUB_ASSIGN_OR_RETURN(options.timeout,
                         ParsePositiveDuration(line.Get("timeout", "10s"), "--timeout"));
  options.ca_file = line.Get("ca-file");
  options.cert_file = line.Get("cert-file");
  options.key_file = line.Get("key-file");
  return options;
}

const std::set<std::string>& ConnectionFlags() {
  static const auto* flags =
      new std::set<std::string>{"addr", "token", "timeout", "ca-file", "cert-file", "key-file"};
  return *flags;
}

std::set<std::string> With(std::set<std::string> more) {
  more.insert(ConnectionFlags().begin(), ConnectionFlags().end());
  return more;
}

// Builds the request of `method` from the positional field arguments and --data.
absl::StatusOr<std::unique_ptr<Message>> RequestFor(const MethodDescriptor& method,
                                                    const CommandLine& line) {
  std::unique_ptr<Message> request(google::protobuf::MessageFactory::generated_factory()
                                       ->GetPrototype(method.input_type())
                                       ->New());
  std::vector<std::string> fields(line.positional.begin() + 2, line.positional.end());
  std::string data;
  if (line.Has("data")) {
    RMHUB_ASSIGN_OR_RETURN(data, ReadDataArgument(line.Get("data")));
  }
  RMHUB_RETURN_IF_ERROR(BuildRequest(fields, data, encoding::NewUuidV4, request.get()));
  return request;
}

int PrintResponse(const Message& response, const CommandLine& line, std::ostream& out,
                  std::ostream& err) {
  if (line.Has("json")) {
    out << RenderJson(response);
    return 0;
  }
  RenderOptions options;
  if (line.Has("columns")) {
    options.columns = absl::StrSplit(line.Get("columns"), ',', absl::SkipWhitespace());
  }
  absl::StatusOr<std::string> text = RenderText(response, options);
  if (!text.ok()) return LocalError(text.status(), err);
  out << *text;
  return 0;
}

// The request's request_id when it has one, so the access log and the idempotency record share
// an id; a fresh one otherwise.
std::string CallIdFor(const Message& request) {
  const auto* rid = request.GetDescriptor()->FindFieldByName("request_id");
  if (rid == nullptr || rid->type() != google::protobuf::FieldDescriptor::TYPE_STRING ||
      rid->is_repeated()) {
    return encoding::NewUuidV4();
  }
  std::string id = request.GetReflection()->GetString(request, rid);
  return id.empty() ? encoding::NewUuidV4() : id;
}

// After a failure: the id to look for in the server's log and, when the outcome of a mutation is
// unknown, how to retry it without doing it twice.
void FailureHints(const Message& request, const grpc::Status& status, const std::string& call_id,
                  std::ostream& err) {
  err << "  x-request-id: " << call_id << "\n";
  bool unknown_outcome = status.error_code() == grpc::StatusCode::UNAVAILABLE ||
                         status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED;
  if (unknown_outcome && request.GetDescriptor()->FindFieldByName("request_id") != nullptr) {
    err << "  to retry without repeating the change, add request_id=" << call_id << "\n";
  }
}

int RunCall(const CommandLine& line, std::ostream& out, std::ostream& err) {
  auto service = FindService(line.positional[0], Pool());
  if (!service.ok()) return LocalError(service.status(), err);
  if (line.positional.size() < 2) {
    (line.Has("help") ? out : err) << ServiceHelp(**service);
    return line.Has("help") ? 0 : kExitUsage;
  }
  auto method = FindMethod(**service, line.positional[1]);
  if (!method.ok()) return LocalError(method.status(), err);
  if (line.Has("help")) {
    out << MethodHelp(**method);
    return 0;
  }
  if ((*method)->client_streaming() || (*method)->server_streaming()) {
    return LocalError(InvalidField((*method)->name(), "streaming methods are not supported"), err);
  }
  absl::Status flags = CheckFlags(line, With({"json", "columns", "data"}), "a call");
  if (!flags.ok()) return LocalError(flags, err);
  auto options = ConnectionFromFlags(line, *service);
  if (!options.ok()) return LocalError(options.status(), err);
  auto request = RequestFor(**method, line);
  if (!request.ok()) return LocalError(request.status(), err);
  options->call_id = CallIdFor(**request);
  auto channel = OpenChannel(*options);
  if (!channel.ok()) return LocalError(channel.status(), err);
  std::unique_ptr<Message> response(google::protobuf::MessageFactory::generated_factory()
                                        ->GetPrototype((*method)->output_type())
                                        ->New());
  grpc::Status status = CallUnary(*channel, **method, **request, *options, response.get());
  if (!status.ok()) {
    err << FormatRpcError(status);
    FailureHints(**request, status, options->call_id, err);
    return ExitCodeFor(status);
  }
  return PrintResponse(*response, line, out, err);
}

// One health check, or — with --wait — checks every 200 ms until SERVING or the wait is over.
int RunHealth(const CommandLine& line, std::ostream& out, std::ostream& err) {
  absl::Status flags = CheckFlags(line, With({"service", "wait"}), "health");
  if (!flags.ok()) return LocalError(flags, err);
  auto options = ConnectionFromFlags(line, nullptr);
  if (!options.ok()) return LocalError(options.status(), err);
  absl::Duration wait = absl::ZeroDuration();
  if (line.Has("wait")) {
    auto parsed = ParsePositiveDuration(line.Get("wait"), "--wait");
    if (!parsed.ok()) return LocalError(parsed.status(), err);
    wait = *parsed;
  }
  auto channel = OpenChannel(*options);
  if (!channel.ok()) return LocalError(channel.status(), err);
  absl::Time give_up = absl::Now() + wait;
  for (;;) {
    absl::StatusOr<std::string> state = CheckHealth(*channel, line.Get("service"), *options);
    if (state.ok() && *state == "SERVING") {
      out << *state << "\n";
      return 0;
    }
    if (absl::Now() >= give_up) {
      if (state.ok()) out << *state << "\n";
      if (!state.ok()) err << FormatLocalError(state.status());
      return kExitCheckFailed;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

int RunServices(const CommandLine& line, std::ostream& out, std::ostream& err) {
  absl::Status flags = CheckFlags(line, ConnectionFlags(), "services");
  if (!flags.ok()) return LocalError(flags, err);
  auto options = ConnectionFromFlags(line, nullptr);
  if (!options.ok()) return LocalError(options.status(), err);
  auto channel = OpenChannel(*options);
  if (!channel.ok()) return LocalError(channel.status(), err);
  auto names = ListServicesByReflection(*channel, *options);
  if (!names.ok()) {
    err << FormatLocalError(names.status());
    return kExitCheckFailed;
  }
  for (const std::string& name : *names) out << name << "\n";
  return 0;
}

}  // namespace

int RunCommandLine(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  absl::StatusOr<CommandLine> line = ParseCommandLine(args);
  if (!line.ok()) return LocalError(line.status(), err);
  const std::vector<std::string>& pos = line->positional;
  if (pos.empty() || pos[0] == "help") {
    (pos.empty() && !line->Has("help") ? err : out) << GeneralHelp(Pool());
    return pos.empty() && !line->Has("help") ? kExitUsage : 0;
  }
  bool builtin =
      pos[0] == "token" || pos[0] == "jwks" || pos[0] == "health" || pos[0] == "services";
  if (builtin && line->Has("help")) {
    out << GeneralHelp(Pool());
    return 0;
  }
  if (builtin && pos.size() > 1) {
    return LocalError(InvalidField(pos[1], "unexpected argument; this command takes flags only"),
                      err);
  }
  if (pos[0] == "token") return RunToken(*line, out, err);
  if (pos[0] == "jwks") return RunJwks(*line, out, err);
  if (pos[0] == "health") return RunHealth(*line, out, err);
  if (pos[0] == "services") return RunServices(*line, out, err);
  return RunCall(*line, out, err);
}

}  // namespace rmhub::ctl
