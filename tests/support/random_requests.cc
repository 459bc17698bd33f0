#include "tests/support/random_requests.h"

#include <grpcpp/client_context.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/impl/codegen/proto_utils.h>

#include <chrono>
#include <iostream>
#include <limits>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "google/protobuf/dynamic_message.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"

namespace rmhub::testing {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

template <class T>
const T& Pick(const std::vector<T>& values, std::mt19937_64& rng) {
  return values[std::uniform_int_distribution<size_t>(0, values.size() - 1)(rng)];
}

bool OneIn(int n, std::mt19937_64& rng) {
  return std::uniform_int_distribution<int>(0, n - 1)(rng) == 0;
}

// `huge` allows a 70,000-character value (not inside long repeated fields: the request would only
// hit the message size limit).
std::string RandomString(std::mt19937_64& rng, bool huge) {
  static const std::vector<std::string> kShapes = {
      "",
      " ",
      "members/1",
      "members/0",
      "members/-1",
      "members/99999999999999999999999",
      "members/1/certs/",
      "customers/1",
      "customers/abc",
      "customers/1/interactions/9223372036854775807",
      "branches/1",
      "teams/2",
      "services/customer",
      "/",
      "members//1",
      "' OR 1=1 --",
      "\"; DROP TABLE customers; --",
      "%_\\",
      "asset_tier = VIP",
      "asset_tier = ",
      "((((((((",
      "a = \"x\" AND OR",
      "owner = \"members/1\" AND type = RETAIL OR key_account = true",
      "needs: INVESTMENT AND needs: ",
      "role = RELATIONSHIP_MANAGER",
      "create_time > \"2025-01-01T00:00:00Z\"",
      "display_name,skills",
      "*",
      "no_such_field",
      "CNY",
      "XXX",
      "110101199003071234",
      "11010119900307123X",
      "91310000MA1FL8L972",
      "13800138000",
      "+86 138 0013 8000",
      "客户经理 王建国",
      "\xF0\x9F\x98\x80 emoji",
      "AAAAAAAAAAAAAAAAAAAAAAAA",
      "eyJhZnRlciI6LTF9",
  };
  if (OneIn(12, rng)) return std::string(huge && OneIn(2, rng) ? 70000 : 300, 'x');
  if (OneIn(6, rng)) {  // printable noise
    std::string s(std::uniform_int_distribution<int>(1, 40)(rng), ' ');
    for (char& c : s) c = static_cast<char>(std::uniform_int_distribution<int>(32, 126)(rng));
    return s;
  }
  return Pick(kShapes, rng);
}

int64_t RandomInt(std::mt19937_64& rng, int64_t min, int64_t max) {
  std::vector<int64_t> values = {0, 1, -1, 2, 7, 15, 400, 401, 1000, 100000000, min, max};
  if (OneIn(3, rng)) return std::uniform_int_distribution<int64_t>(min, max)(rng);
  return Pick(values, rng);
}

void SetScalar(Message& m, const FieldDescriptor* f, std::mt19937_64& rng, int depth, bool bulk) {
  const Reflection* r = m.GetReflection();
  const bool rep = f->is_repeated();
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32: {
      auto v = static_cast<int32_t>(
          RandomInt(rng, std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max()));
      rep ? r->AddInt32(&m, f, v) : r->SetInt32(&m, f, v);
      break;
    }
    case FieldDescriptor::CPPTYPE_INT64: {
      int64_t v =
          RandomInt(rng, std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max());
      rep ? r->AddInt64(&m, f, v) : r->SetInt64(&m, f, v);
      break;
    }
    case FieldDescriptor::CPPTYPE_UINT32: {
      auto v = static_cast<uint32_t>(RandomInt(rng, 0, std::numeric_limits<uint32_t>::max()));
      rep ? r->AddUInt32(&m, f, v) : r->SetUInt32(&m, f, v);
      break;
    }
    case FieldDescriptor::CPPTYPE_UINT64: {
      auto v = static_cast<uint64_t>(RandomInt(rng, 0, std::numeric_limits<int64_t>::max()));
      rep ? r->AddUInt64(&m, f, v) : r->SetUInt64(&m, f, v);
      break;
    }
    case FieldDescriptor::CPPTYPE_DOUBLE: {
      double v = Pick(
          std::vector<double>{0, -1, 1e308, -1e308, 0.5, std::numeric_limits<double>::quiet_NaN(),
                              std::numeric_limits<double>::infinity()},
          rng);
      rep ? r->AddDouble(&m, f, v) : r->SetDouble(&m, f, v);
      break;
    }
    case FieldDescriptor::CPPTYPE_FLOAT: {
      float v = Pick(
          std::vector<float>{0, -1, 3.4e38f, 0.5f, std::numeric_limits<float>::quiet_NaN()}, rng);
      rep ? r->AddFloat(&m, f, v) : r->SetFloat(&m, f, v);
      break;
    }
    case FieldDescriptor::CPPTYPE_BOOL: {
      bool v = OneIn(2, rng);
      rep ? r->AddBool(&m, f, v) : r->SetBool(&m, f, v);
      break;
    }
    case FieldDescriptor::CPPTYPE_ENUM: {
      // Proto3 enums are open: numbers outside the enum reach the server as they are.
      int v = OneIn(3, rng) ? static_cast<int>(RandomInt(rng, -5, 1000))
                            : f->enum_type()
                                  ->value(std::uniform_int_distribution<int>(
                                      0, f->enum_type()->value_count() - 1)(rng))
                                  ->number();
      rep ? r->AddEnumValue(&m, f, v) : r->SetEnumValue(&m, f, v);
      break;
    }
    case FieldDescriptor::CPPTYPE_STRING: {
      std::string v = f->type() == FieldDescriptor::TYPE_BYTES && OneIn(2, rng)
                          ? std::string("\x00\xff\xfe binary", 11)
                          : RandomString(rng, !bulk);
      rep ? r->AddString(&m, f, std::move(v)) : r->SetString(&m, f, std::move(v));
      break;
    }
    case FieldDescriptor::CPPTYPE_MESSAGE: {
      Message* child = rep ? r->AddMessage(&m, f) : r->MutableMessage(&m, f);
      FillRandom(*child, rng, bulk ? 3 : depth + 1);
      break;
    }
  }
}

}  // namespace

void FillRandom(Message& message, std::mt19937_64& rng, int depth) {
  const auto* d = message.GetDescriptor();
  if (depth > 3) return;
  for (int i = 0; i < d->field_count(); ++i) {
    const FieldDescriptor* f = d->field(i);
    if (f->containing_oneof() != nullptr && OneIn(2, rng)) continue;
    if (OneIn(4, rng)) continue;  // about a quarter of the fields stay unset
    if (f->is_map()) continue;    // none in RM Hub's requests
    if (f->is_repeated()) {
      // Now and then more elements than any page or batch allows (at the top level only).
      const bool bulk = depth == 0 && OneIn(10, rng);
      int n = bulk ? 600 : std::uniform_int_distribution<int>(0, 3)(rng);
      for (int k = 0; k < n; ++k) SetScalar(message, f, rng, depth, bulk);
    } else {
      SetScalar(message, f, rng, depth, false);
    }
  }
}

RandomCallReport CallEveryMethodRandomly(const std::shared_ptr<grpc::Channel>& channel,
                                         const google::protobuf::ServiceDescriptor& service,
                                         const std::string& token, uint64_t seed,
                                         int calls_per_method) {
  using Traits = grpc::SerializationTraits<Message>;
  google::protobuf::DynamicMessageFactory factory;
  grpc::GenericStub stub(channel);
  std::mt19937_64 rng(seed);
  RandomCallReport report;
  for (int i = 0; i < service.method_count(); ++i) {
    const auto* method = service.method(i);
    const std::string path = absl::StrCat("/", service.full_name(), "/", method->name());
    for (int n = 0; n < calls_per_method; ++n) {
      std::unique_ptr<Message> request(factory.GetPrototype(method->input_type())->New());
      FillRandom(*request, rng);
      grpc::ByteBuffer request_bytes;
      bool own = false;
      grpc::Status status = Traits::Serialize(*request, &request_bytes, &own);
      if (!status.ok()) continue;  // not sendable: nothing to learn about the server
      ++report.sent;
      grpc::ClientContext ctx;
      ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
      ctx.AddMetadata("authorization", "Bearer " + token);
      grpc::ByteBuffer response_bytes;
      absl::Notification done;
      stub.UnaryCall(&ctx, path, grpc::StubOptions(), &request_bytes, &response_bytes,
                     [&](grpc::Status s) {
                       status = std::move(s);
                       done.Notify();
                     });
      done.WaitForNotification();
      ++report.codes[status.error_code()];
      switch (status.error_code()) {
        case grpc::StatusCode::INTERNAL:
        case grpc::StatusCode::UNKNOWN:
        case grpc::StatusCode::DATA_LOSS:
        case grpc::StatusCode::UNIMPLEMENTED:
        case grpc::StatusCode::DEADLINE_EXCEEDED: {
          std::string text;
          google::protobuf::TextFormat::Printer printer;
          printer.SetTruncateStringFieldLongerThan(80);
          printer.PrintToString(*request, &text);
          report.faults.push_back(
              {method->name(), status.error_code(), status.error_message(), text});
          break;
        }
        default:
          break;
      }
    }
  }
  return report;
}

void ExpectNoServerFaults(const std::shared_ptr<grpc::Channel>& channel,
                          const std::string& service_full_name,
                          const std::vector<std::string>& tokens, uint64_t seed,
                          int calls_per_method) {
  const auto* service =
      google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(service_full_name);
  ASSERT_NE(service, nullptr) << service_full_name;
  for (const std::string& token : tokens) {
    RandomCallReport report =
        CallEveryMethodRandomly(channel, *service, token, seed++, calls_per_method);
    for (const auto& f : report.faults) {
      ADD_FAILURE() << f.method << " answered " << f.code << ": " << f.message << "\nrequest:\n"
                    << f.request;
    }
    EXPECT_GE(report.sent, service->method_count() * calls_per_method * 9 / 10);
    EXPECT_GT(report.codes[grpc::StatusCode::INVALID_ARGUMENT], report.sent / 4);
    std::cout << "random requests as caller " << (&token - tokens.data()) << ":";
    for (const auto& [code, n] : report.codes) std::cout << " code " << code << " x" << n;
    std::cout << "\n";
  }
}

}  // namespace rmhub::testing
