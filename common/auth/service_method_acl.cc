#include "common/auth/service_method_acl.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/auth/jwt.h"
#include "common/status/errors.h"

namespace rmhub::auth {
namespace {

bool IsIdentifier(absl::string_view s, bool dotted) {
  if (s.empty() || !(absl::ascii_isalpha(s[0]) || s[0] == '_')) return false;
  for (char c : s) {
    if (!absl::ascii_isalnum(c) && c != '_' && !(dotted && c == '.')) return false;
  }
  return s.back() != '.';
}

// "pkg.Service/Method" or "pkg.Service/*".
bool IsMethodPattern(absl::string_view m) {
  std::vector<absl::string_view> parts = absl::StrSplit(m, '/');
  return parts.size() == 2 && IsIdentifier(parts[0], true) &&
         (parts[1] == "*" || IsIdentifier(parts[1], false));
}

}  // namespace

absl::StatusOr<ServiceMethodAcl> ServiceMethodAcl::Parse(absl::string_view text,
                                                         const std::string& field) {
  ServiceMethodAcl acl;
  for (absl::string_view entry :
       absl::StrSplit(text, absl::ByAnyChar(";\n"), absl::SkipWhitespace())) {
    entry = absl::StripAsciiWhitespace(entry);
    std::pair<absl::string_view, absl::string_view> kv =
        absl::StrSplit(entry, absl::MaxSplits('=', 1));
    absl::string_view service = absl::StripAsciiWhitespace(kv.first);
    if (!IsValidServiceName(service) || kv.second.empty()) {
      return InvalidField(field, absl::StrCat("\"", entry, "\" is not <service>=<method>[,...]"));
    }
    for (absl::string_view method : absl::StrSplit(kv.second, ',', absl::SkipWhitespace())) {
      method = absl::StripAsciiWhitespace(method);
      absl::ConsumePrefix(&method, "/");
      if (!IsMethodPattern(method)) {
        return InvalidField(
            field, absl::StrCat("\"", method, "\" is not <package>.<Service>/<Method or *>"));
      }
      acl.allowed_[std::string(service)].insert(std::string(method));
    }
  }
  return acl;
}

bool ServiceMethodAcl::Allows(absl::string_view service, absl::string_view full_method) const {
  auto it = allowed_.find(service);
  if (it == allowed_.end()) return false;
  absl::ConsumePrefix(&full_method, "/");
  if (it->second.count(std::string(full_method)) > 0) return true;
  size_t slash = full_method.find('/');
  if (slash == absl::string_view::npos) return false;
  return it->second.count(absl::StrCat(full_method.substr(0, slash), "/*")) > 0;
}

std::set<std::string> ServiceMethodAcl::Methods() const {
  std::set<std::string> out;
  for (const auto& [service, methods] : allowed_) out.insert(methods.begin(), methods.end());
  return out;
}

}  // namespace rmhub::auth
