#pragma once
// The --help texts, all derived from the descriptors so they cannot drift from the API.

#include <string>

#include "google/protobuf/descriptor.h"

namespace rmhub::ctl {

// rmhubctl --help: commands, global flags and the services compiled in.
std::string GeneralHelp(const google::protobuf::DescriptorPool& pool);

// rmhubctl <service> --help: one line per method with its request's top-level fields.
std::string ServiceHelp(const google::protobuf::ServiceDescriptor& service);

// rmhubctl <service> <Method> --help: every settable request field with its type.
std::string MethodHelp(const google::protobuf::MethodDescriptor& method);

// "string", "int32", "enum Role: RELATIONSHIP_MANAGER|…", "date YYYY-MM-DD", … for one field.
std::string FieldTypeHint(const google::protobuf::FieldDescriptor& field);

}  // namespace rmhub::ctl
