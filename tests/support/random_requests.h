#pragma once
// "No crash on any input": random requests for every method of a service, sent over a real
// channel. Requests are built through protobuf reflection, so a method added to a proto is covered
// without a line of test code. Values lean to what breaks servers: empty and huge strings,
// malformed resource names and filters, SQL metacharacters, extreme and negative numbers, enum
// numbers outside the enum, far-away timestamps, oversized repeated fields.

#include <grpcpp/channel.h>
#include <grpcpp/support/status.h>

#include <cstdint>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"

namespace rmhub::testing {

// Sets a random subset of `message`'s fields (nested messages to a small depth).
void FillRandom(google::protobuf::Message& message, std::mt19937_64& rng, int depth = 0);

// A call whose answer says the server, not the caller, is at fault.
struct ServerFault {
  std::string method;
  grpc::StatusCode code;
  std::string message;
  std::string request;  // the request in text format, to reproduce it
};

struct RandomCallReport {
  // The calls answered INTERNAL, UNKNOWN, DATA_LOSS or UNIMPLEMENTED, or not within 20 s
  // (DEADLINE_EXCEEDED). Every other code is a fair answer to nonsense.
  std::vector<ServerFault> faults;
  // How many calls got each code, to show the requests reached the handlers.
  std::map<grpc::StatusCode, int> codes;
  int sent = 0;
};

// Calls every method of `service` `calls_per_method` times with random requests as `token`.
RandomCallReport CallEveryMethodRandomly(const std::shared_ptr<grpc::Channel>& channel,
                                         const google::protobuf::ServiceDescriptor& service,
                                         const std::string& token, uint64_t seed,
                                         int calls_per_method);

// For each token in turn: CallEveryMethodRandomly on the service named `service_full_name`,
// each server fault a test failure naming the method, code and request; and a check that the
// nonsense reached the handlers (most calls sent, at least a quarter refused INVALID_ARGUMENT).
void ExpectNoServerFaults(const std::shared_ptr<grpc::Channel>& channel,
                          const std::string& service_full_name,
                          const std::vector<std::string>& tokens, uint64_t seed,
                          int calls_per_method);

}  // namespace rmhub::testing
