#include "tools/rmhubctl/help_text.h"

#include <set>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "tools/rmhubctl/service_catalog.h"
#include "tools/rmhubctl/text_width.h"
#include "tools/rmhubctl/value_types.h"

namespace rmhub::ctl {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;

// Deep enough for every RM Hub request; the guard also stops recursive message types.
constexpr int kMaxDepth = 4;

std::string EnumValues(const google::protobuf::EnumDescriptor& e) {
  std::vector<std::string> names;
  for (int i = 0; i < e.value_count(); ++i) {
    if (!absl::EndsWith(e.value(i)->name(), "_UNSPECIFIED")) names.push_back(e.value(i)->name());
  }
  return absl::StrJoin(names, "|");
}

using Rows = std::vector<std::pair<std::string, std::string>>;

void CollectFields(const Descriptor& type, const std::string& prefix, int depth,
                   std::set<const Descriptor*>* open, Rows* rows) {
  for (int i = 0; i < type.field_count(); ++i) {
    const FieldDescriptor* f = type.field(i);
    std::string path = prefix + f->name();
    bool nested = f->type() == FieldDescriptor::TYPE_MESSAGE && !f->is_repeated() &&
                  ValueKindOf(*f->message_type()) == ValueKind::kNone;
    if (nested && depth < kMaxDepth && open->count(f->message_type()) == 0) {
      open->insert(f->message_type());
      CollectFields(*f->message_type(), path + ".", depth + 1, open, rows);
      open->erase(f->message_type());
      continue;
    }
    std::string hint = FieldTypeHint(*f);
    if (f->name() == "request_id") hint += " (a UUID is generated when not given)";
    rows->emplace_back(path, hint);
  }
}

std::string AlignedRows(const Rows& rows) {
  size_t width = 0;
  for (const auto& [k, v] : rows) width = std::max(width, DisplayWidth(k));
  std::string out;
  for (const auto& [k, v] : rows) absl::StrAppend(&out, "  ", PadToWidth(k, width), "  ", v, "\n");
  return out;
}

std::string TopLevelFields(const Descriptor& type) {
  std::vector<std::string> names;
  for (int i = 0; i < type.field_count(); ++i) {
    const FieldDescriptor* f = type.field(i);
    bool nested = f->type() == FieldDescriptor::TYPE_MESSAGE &&
                  ValueKindOf(*f->message_type()) == ValueKind::kNone;
    names.push_back(nested ? f->name() + ".*" : f->name());
  }
  return absl::StrJoin(names, " ");
}

}  // namespace

std::string FieldTypeHint(const FieldDescriptor& field) {
  if (field.is_map()) return "map (use --data)";
  std::string base;
  if (field.type() == FieldDescriptor::TYPE_ENUM) {
    base = absl::StrCat("enum ", field.enum_type()->name(), ": ", EnumValues(*field.enum_type()));
  } else if (field.type() == FieldDescriptor::TYPE_MESSAGE) {
    ValueKind kind = ValueKindOf(*field.message_type());
    base = kind == ValueKind::kNone ? absl::StrCat(field.message_type()->name(), " (use --data)")
                                    : ValueHint(kind);
  } else if (field.type() == FieldDescriptor::TYPE_BYTES) {
    base = "bytes (base64)";
  } else {
    base = field.type_name();
  }
  if (!field.is_repeated()) return base;
  return absl::StrCat("repeated ", base, " (comma-separated, or repeat the field)");
}

std::string GeneralHelp(const google::protobuf::DescriptorPool& pool) {
  std::string out =
      "rmhubctl: call RM Hub services from the command line.\n\n"
      "Usage:\n"
      "  rmhubctl [flags] <service> <Method> [field=value ...] [--data JSON|@file|-]\n"
      "  rmhubctl [flags] <service> --help            methods of a service\n"
      "  rmhubctl [flags] <service> <Method> --help   request fields of a method\n"
      "  rmhubctl token --member ID [--roles R,..] [--branch ID] [--teams ID,..] [--perms P,..]\n"
      "                 [--service NAME] [--ttl 12h] [--secret-file FILE] [--issuer I] [--audience "
      "A]\n"
      "                 [--rs256-key-file PEM --kid KID]   RS256, as a gateway signs\n"
      "  rmhubctl jwks --public-key-file PEM --kid KID --subjects members/*[,..]   a key set\n"
      "  rmhubctl health [--addr HOST:PORT] [--service NAME] [--wait 30s]\n"
      "  rmhubctl services [--addr HOST:PORT]          services the server lists by reflection\n\n"
      "Flags:\n"
      "  --addr HOST:PORT   server (env RMHUB_ADDR; default: the service's local-stack port)\n"
      "  --token T          bearer token (env RMHUB_TOKEN)\n"
      "  --json             print the response as proto JSON (for scripts)\n"
      "  --columns a,b      table columns of a list response (dotted paths allowed)\n"
      "  --timeout 10s      deadline of the call\n"
      "  --ca-file F        TLS: trust this CA (plaintext when absent)\n"
      "  --cert-file F --key-file F   mutual TLS client certificate\n\n"
      "Services:\n";
  for (const auto* s : AvailableServices(pool)) {
    absl::StrAppend(&out, "  ", PadToWidth(AliasOf(*s), 10), "  ", s->full_name(), "  (",
                    DefaultAddress(s), ")\n");
  }
  absl::StrAppend(&out,
                  "\nExample:\n  export RMHUB_TOKEN=$(rmhubctl token --member 1 --roles "
                  "BRANCH_MANAGER --branch 1)\n  rmhubctl team ListMembers filter='role = "
                  "RELATIONSHIP_MANAGER' page_size=20\n");
  return out;
}

std::string ServiceHelp(const google::protobuf::ServiceDescriptor& service) {
  std::string out =
      absl::StrCat(service.full_name(), " (default address ", DefaultAddress(&service),
                   ")\n\nMethods (kebab-case works too, "
                   "e.g. ",
                   KebabCase(service.method(0)->name()), "):\n");
  Rows rows;
  for (int i = 0; i < service.method_count(); ++i) {
    const auto* m = service.method(i);
    bool streaming = m->client_streaming() || m->server_streaming();
    rows.emplace_back(m->name(), streaming ? "(streaming: not callable from rmhubctl)"
                                           : TopLevelFields(*m->input_type()));
  }
  absl::StrAppend(&out, AlignedRows(rows), "\nrmhubctl ", AliasOf(service),
                  " <Method> --help   lists a request's fields and their types\n");
  return out;
}

std::string MethodHelp(const google::protobuf::MethodDescriptor& method) {
  std::string out = absl::StrCat("rmhubctl ", AliasOf(*method.service()), " ", method.name(),
                                 " [field=value ...] [--data JSON]\n  rpc ", method.name(), "(",
                                 method.input_type()->full_name(), ") returns (",
                                 method.output_type()->full_name(), ")\n\nRequest fields:\n");
  Rows rows;
  std::set<const Descriptor*> open = {method.input_type()};
  CollectFields(*method.input_type(), "", 0, &open, &rows);
  absl::StrAppend(&out, rows.empty() ? "  (none)\n" : AlignedRows(rows));
  return out;
}

}  // namespace rmhub::ctl
