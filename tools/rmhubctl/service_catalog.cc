#include "tools/rmhubctl/service_catalog.h"

#include <cctype>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/status/errors.h"
#include "rmhub/service_registry.h"

namespace rmhub::ctl {
namespace {

using google::protobuf::DescriptorPool;
using google::protobuf::MethodDescriptor;
using google::protobuf::ServiceDescriptor;

// Lower case without '-' and '_', the form in which method names are compared.
std::string Folded(absl::string_view s) {
  std::string out;
  for (char c : s) {
    if (c != '-' && c != '_') out.push_back(absl::ascii_tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

std::vector<std::string> AliasesOf(const std::vector<const ServiceDescriptor*>& services) {
  std::vector<std::string> out;
  for (const auto* s : services) out.push_back(AliasOf(*s));
  return out;
}

}  // namespace

const std::vector<KnownArea>& KnownAreas() {
  static const auto* areas = [] {
    auto* out = new std::vector<KnownArea>;
    for (const registry::ServiceEntry& e : registry::kServices) {
      out->push_back({e.name, e.grpc_service, absl::StrCat("127.0.0.1:", e.grpc_port)});
    }
    return out;
  }();
  return *areas;
}

std::vector<const ServiceDescriptor*> AvailableServices(const DescriptorPool& pool) {
  std::vector<const ServiceDescriptor*> out;
  for (const auto& area : KnownAreas()) {
    if (const auto* s = pool.FindServiceByName(area.service)) out.push_back(s);
  }
  return out;
}

absl::StatusOr<const ServiceDescriptor*> FindService(absl::string_view name,
                                                     const DescriptorPool& pool) {
  for (const auto& area : KnownAreas()) {
    if (name == area.alias || name == area.service) {
      if (const auto* s = pool.FindServiceByName(area.service)) return s;
    }
  }
  if (const auto* s = pool.FindServiceByName(std::string(name))) return s;
  std::vector<std::string> known = AliasesOf(AvailableServices(pool));
  return NotFound("UNKNOWN_SERVICE",
                  absl::StrCat("no service \"", name, "\" in this rmhubctl; available: ",
                               known.empty() ? "(none)" : absl::StrJoin(known, ", ")));
}

absl::StatusOr<const MethodDescriptor*> FindMethod(const ServiceDescriptor& service,
                                                   absl::string_view name) {
  std::string wanted = Folded(name);
  for (int i = 0; i < service.method_count(); ++i) {
    if (Folded(service.method(i)->name()) == wanted) return service.method(i);
  }
  return NotFound("UNKNOWN_METHOD",
                  absl::StrCat("no method \"", name, "\" in ", service.full_name(),
                               "; see: rmhubctl ", AliasOf(service), " --help"));
}

std::string AliasOf(const ServiceDescriptor& service) {
  for (const auto& area : KnownAreas()) {
    if (service.full_name() == area.service) return area.alias;
  }
  return service.full_name();
}

std::string DefaultAddress(const ServiceDescriptor* service) {
  if (service != nullptr) {
    for (const auto& area : KnownAreas()) {
      if (service->full_name() == area.service) return area.default_address;
    }
  }
  for (const registry::ServiceEntry& e : registry::kServices) {
    if (e.state == registry::ServiceState::kServer) return absl::StrCat("127.0.0.1:", e.grpc_port);
  }
  return KnownAreas().front().default_address;
}

std::string MethodPath(const MethodDescriptor& method) {
  return absl::StrCat("/", method.service()->full_name(), "/", method.name());
}

std::string KebabCase(absl::string_view camel) {
  std::string out;
  for (size_t i = 0; i < camel.size(); ++i) {
    auto c = static_cast<unsigned char>(camel[i]);
    if (std::isupper(c) && i > 0) out.push_back('-');
    out.push_back(static_cast<char>(std::tolower(c)));
  }
  return out;
}

}  // namespace rmhub::ctl
