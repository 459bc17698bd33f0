// The integration scenario with the RM Hub C++ client (same as the Python and TypeScript ones):
// list a manager's customers page by page, create a customer with a request_id and replay it,
// read a structured INVALID_ARGUMENT.
//
//   RMHUB_CUSTOMER_ADDRESS=127.0.0.1:50052 RMHUB_TOKEN=<JWT> RMHUB_MANAGER=members/4
//   ./customer_book
//
// RMHUB_TOKEN is a branch manager's (or a relationship manager's own) bearer token; RMHUB_MANAGER
// the relationship manager who will hold the new customer. Optional: RMHUB_TLS_CA (+
// RMHUB_TLS_CERT / RMHUB_TLS_KEY for mutual TLS) for a TLS endpoint. Built against the installed
// package only (find_package(rmhub) → rmhub::client).

#include <cstdlib>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include "rmhub/client/client.h"
#include "rmhub/customer/v1/customer.grpc.pb.h"

namespace cv1 = rmhub::customer::v1;
using rmhub::client::RpcError;

namespace {

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? "" : value;
}

// A well-formed, made-up 18-character PRC resident ID (example data only).
std::string SampleNationalId() {
  std::random_device device;
  std::mt19937 rng(device());
  auto r = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  char body[18];
  std::snprintf(body, sizeof(body), "110101%04d%02d%02d%03d", r(1960, 1999), r(1, 12), r(1, 28),
                r(0, 999));
  const int weights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  int sum = 0;
  for (int i = 0; i < 17; ++i) sum += (body[i] - '0') * weights[i];
  return std::string(body) + "10X98765432"[sum % 11];
}

}  // namespace

int main() {
  const std::string manager = Env("RMHUB_MANAGER");
  rmhub::client::ChannelOptions channel_options;
  channel_options.tls = {Env("RMHUB_TLS_CA"), Env("RMHUB_TLS_CERT"), Env("RMHUB_TLS_KEY")};
  std::shared_ptr<grpc::Channel> channel;
  grpc::Status opened =
      rmhub::client::OpenChannel(Env("RMHUB_CUSTOMER_ADDRESS"), channel_options, &channel);
  if (!opened.ok()) {
    std::cerr << "error: " << opened.error_message() << "\n";
    return 2;
  }
  auto customers = cv1::CustomerService::NewStub(channel);
  rmhub::client::CallOptions call;
  call.token = Env("RMHUB_TOKEN");
  call.deadline = std::chrono::seconds(10);

  // 1. Create a customer held by the manager; keep the request_id with the request.
  cv1::CreateCustomerRequest request;
  request.mutable_customer()->set_type(cv1::RETAIL);
  request.mutable_customer()->set_display_name("示例客户 C++");
  request.mutable_customer()->set_national_id(SampleNationalId());
  request.set_owner(manager);
  request.set_request_id(rmhub::client::NewRequestId());
  cv1::Customer created;
  RpcError error = rmhub::client::Call(call, [&](grpc::ClientContext* c) {
    return customers->CreateCustomer(c, request, &created);
  });
  if (!error.ok()) {
    std::cerr << "create: " << error.ToString() << "\n";
    return 1;
  }
  std::cout << "created " << created.name() << " owner " << created.owner() << "\n";
  // A retry (a timeout, a lost connection) sends the same request: the same answer comes back.
  cv1::Customer replayed;
  error = rmhub::client::Call(call, [&](grpc::ClientContext* c) {
    return customers->CreateCustomer(c, request, &replayed);
  });
  if (!error.ok()) {
    std::cerr << "replay: " << error.ToString() << "\n";
    return 1;
  }
  std::cout << "replayed " << replayed.name()
            << " same=" << (replayed.name() == created.name() ? "True" : "False") << "\n";

  // 2. The manager's customers, two per page.
  cv1::ListCustomersRequest list;
  list.set_filter("owner = \"" + manager + "\"");
  list.set_page_size(2);
  std::vector<std::string> names;
  int page_number = 0;
  error = rmhub::client::ForEachPage<cv1::ListCustomersRequest, cv1::ListCustomersResponse>(
      call, list,
      [&](grpc::ClientContext* c, const cv1::ListCustomersRequest& r,
          cv1::ListCustomersResponse* out) { return customers->ListCustomers(c, r, out); },
      [&](const cv1::ListCustomersResponse& page) {
        std::cout << "page " << ++page_number << ": " << page.customers_size() << " customers\n";
        for (const auto& c : page.customers()) names.push_back(c.name());
        return true;
      });
  if (!error.ok()) {
    std::cerr << "list: " << error.ToString() << "\n";
    return 1;
  }
  bool found = false;
  for (const auto& n : names) found = found || n == created.name();
  std::cout << "listed " << names.size() << " customers of " << manager
            << ", includes created: " << (found ? "True" : "False") << "\n";

  // 3. Bad input comes back as INVALID_ARGUMENT naming each bad field.
  cv1::CreateCustomerRequest bad;
  bad.mutable_customer()->set_type(cv1::RETAIL);
  bad.mutable_customer()->set_national_id("not-an-id");
  bad.set_request_id(rmhub::client::NewRequestId());
  cv1::Customer unused;
  error = rmhub::client::Call(
      call, [&](grpc::ClientContext* c) { return customers->CreateCustomer(c, bad, &unused); });
  if (error.ok()) {
    std::cout << "error: a customer without a name was accepted\n";
    return 1;
  }
  std::cout << "error " << rmhub::client::CodeName(error.code) << " reason " << error.reason
            << "\n";
  for (const auto& v : error.field_violations) {
    std::cout << "  field " << v.field << ": " << v.description << "\n";
  }
  return 0;
}
