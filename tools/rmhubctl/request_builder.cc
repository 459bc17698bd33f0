#include "tools/rmhubctl/request_builder.h"

#include <map>
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/encoding/json_quote.h"
#include "common/status/errors.h"
#include "google/protobuf/util/json_util.h"
#include "tools/rmhubctl/value_json.h"
#include "tools/rmhubctl/value_types.h"

namespace rmhub::ctl {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;

// The JSON object being assembled: each key holds a nested object, one value, or an array.
struct JsonNode {
  std::map<std::string, std::unique_ptr<JsonNode>> children;
  std::string value;               // set for a singular leaf
  std::vector<std::string> items;  // set for a repeated leaf
  bool is_leaf = false;
  bool is_array = false;
};

std::string Serialize(const JsonNode& node) {
  if (node.is_array) return absl::StrCat("[", absl::StrJoin(node.items, ","), "]");
  if (node.is_leaf) return node.value;
  std::vector<std::string> members;
  for (const auto& [key, child] : node.children) {
    members.push_back(absl::StrCat(encoding::JsonQuote(key), ":", Serialize(*child)));
  }
  return absl::StrCat("{", absl::StrJoin(members, ","), "}");
}

// Finds a field by its proto name or its JSON (lowerCamel) name.
const FieldDescriptor* FindField(const Descriptor& type, absl::string_view name) {
  if (const auto* f = type.FindFieldByName(std::string(name))) return f;
  for (int i = 0; i < type.field_count(); ++i) {
    if (type.field(i)->json_name() == name) return type.field(i);
  }
  return nullptr;
}

absl::Status UnknownField(const Descriptor& type, const std::string& path) {
  std::vector<std::string> names;
  for (int i = 0; i < type.field_count(); ++i) names.push_back(type.field(i)->name());
  return InvalidField(path, absl::StrCat("no such field in ", type.full_name(),
                                         " (fields: ", absl::StrJoin(names, ", "), ")"));
}

// Sets the leaf `field` of `parent` from `text`: one value, or the comma-separated elements of a
// repeated field (appended when the same field is given again).
absl::Status SetLeaf(JsonNode& parent, const FieldDescriptor& field, absl::string_view text,
                     const std::string& path) {
  if (field.is_map()) return InvalidField(path, "map fields can only be set with --data");
  std::unique_ptr<JsonNode>& slot = parent.children[field.name()];
  if (slot != nullptr && !field.is_repeated()) {
    return InvalidField(path, "given more than once");
  }
  if (slot == nullptr) slot = std::make_unique<JsonNode>();
  if (!field.is_repeated()) {
    RMHUB_ASSIGN_OR_RETURN(slot->value, ValueToJson(field, text, path));
    slot->is_leaf = true;
    return absl::OkStatus();
  }
  slot->is_array = true;
  for (absl::string_view item : absl::StrSplit(text, ',', absl::SkipEmpty())) {
    RMHUB_ASSIGN_OR_RETURN(std::string json, ValueToJson(field, item, path));
    slot->items.push_back(std::move(json));
  }
  return absl::OkStatus();
}

// Walks `path` ("member.display_name") through `type`, creating nested objects on the way.
absl::Status Assign(JsonNode& root, const Descriptor& type, const std::string& path,
                    absl::string_view text) {
  std::vector<std::string> segments = absl::StrSplit(path, '.');
  JsonNode* node = &root;
  const Descriptor* current = &type;
  std::string walked;
  for (size_t i = 0; i < segments.size(); ++i) {
    walked = i == 0 ? segments[i] : absl::StrCat(walked, ".", segments[i]);
    const FieldDescriptor* field = FindField(*current, segments[i]);
    if (field == nullptr) return UnknownField(*current, walked);
    if (i + 1 == segments.size()) return SetLeaf(*node, *field, text, walked);
    if (field->type() != FieldDescriptor::TYPE_MESSAGE || field->is_repeated()) {
      return InvalidField(walked, "is not a singular message; its parts cannot be addressed");
    }
    std::unique_ptr<JsonNode>& child = node->children[field->name()];
    if (child == nullptr) child = std::make_unique<JsonNode>();
    if (child->is_leaf) return InvalidField(walked, "given both as a whole and by parts");
    node = child.get();
    current = field->message_type();
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::string> FieldArgsToJson(const Descriptor& type,
                                            const std::vector<std::string>& field_args) {
  JsonNode root;
  for (const std::string& arg : field_args) {
    size_t eq = arg.find('=');
    if (eq == std::string::npos || eq == 0) {
      return InvalidField(arg, "expected field=value (see --help for the request's fields)");
    }
    RMHUB_RETURN_IF_ERROR(
        Assign(root, type, arg.substr(0, eq), absl::string_view(arg).substr(eq + 1)));
  }
  return Serialize(root);
}

absl::Status ParseJsonInto(const std::string& json, const std::string& what,
                           google::protobuf::Message* out) {
  google::protobuf::util::JsonParseOptions options;
  options.case_insensitive_enum_parsing = true;
  auto status = google::protobuf::util::JsonStringToMessage(json, out, options);
  if (status.ok()) return absl::OkStatus();
  return InvalidField(what, std::string(status.message()));
}

absl::Status BuildRequest(const std::vector<std::string>& field_args, const std::string& data_json,
                          const std::function<std::string()>& new_request_id,
                          google::protobuf::Message* out) {
  out->Clear();
  if (!data_json.empty()) RMHUB_RETURN_IF_ERROR(ParseJsonInto(data_json, "--data", out));
  RMHUB_ASSIGN_OR_RETURN(std::string json, FieldArgsToJson(*out->GetDescriptor(), field_args));
  std::unique_ptr<google::protobuf::Message> overlay(out->New());
  RMHUB_RETURN_IF_ERROR(ParseJsonInto(json, "arguments", overlay.get()));
  out->MergeFrom(*overlay);
  const FieldDescriptor* rid = out->GetDescriptor()->FindFieldByName("request_id");
  if (rid != nullptr && rid->type() == FieldDescriptor::TYPE_STRING && !rid->is_repeated() &&
      out->GetReflection()->GetString(*out, rid).empty()) {
    out->GetReflection()->SetString(out, rid, new_request_id());
  }
  return absl::OkStatus();
}

}  // namespace rmhub::ctl
