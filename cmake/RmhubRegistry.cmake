# Reads services/registry.txt, the one registry of services (its header says what follows it).
# Defines, in registry order:
#   RMHUB_SERVICES                      every name
#   RMHUB_SERVER_SERVICES               names whose state is `server` (built from services/<name>)
#   RMHUB_PUBLISHED_SERVICES            names whose state is `server` or `contract`
#   RMHUB_SERVICE_<name>_GRPC_PORT, _METRICS_PORT, _PROTO_TARGET, _STATE, _GRPC_SERVICE
# and writes ${RMHUB_GEN_INCLUDE_DIR}/rmhub/service_registry.h for the binaries and rmhubctl.
# A malformed row stops the configure step naming the line.

set(RMHUB_REGISTRY_FILE "${PROJECT_SOURCE_DIR}/services/registry.txt")
set_property(DIRECTORY "${PROJECT_SOURCE_DIR}" APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
  "${RMHUB_REGISTRY_FILE}")

# "team" -> "rmhub.team.v1.TeamService"
function(rmhub_grpc_service_name name out)
  string(SUBSTRING "${name}" 0 1 first)
  string(SUBSTRING "${name}" 1 -1 rest)
  string(TOUPPER "${first}" first)
  set(${out} "rmhub.${name}.v1.${first}${rest}Service" PARENT_SCOPE)
endfunction()

function(rmhub_read_registry)
  file(STRINGS "${RMHUB_REGISTRY_FILE}" lines)
  set(all)
  set(servers)
  set(published)
  set(entries "")
  set(line_no 0)
  foreach(line IN LISTS lines)
    math(EXPR line_no "${line_no} + 1")
    string(REGEX REPLACE "#.*$" "" line "${line}")
    string(STRIP "${line}" line)
    if(line STREQUAL "")
      continue()
    endif()
    if(NOT line MATCHES "^([a-z][a-z0-9]*) +([0-9]+) +([0-9]+) +([A-Za-z0-9_]+) +(server|contract|planned)$")
      message(FATAL_ERROR "services/registry.txt:${line_no}: expected "
                          "'name grpc_port metrics_port proto_target server|contract|planned', "
                          "got '${line}'")
    endif()
    set(name "${CMAKE_MATCH_1}")
    if(name IN_LIST all)
      message(FATAL_ERROR "services/registry.txt:${line_no}: ${name} is listed twice")
    endif()
    list(APPEND all "${name}")
    set(RMHUB_SERVICE_${name}_GRPC_PORT "${CMAKE_MATCH_2}" PARENT_SCOPE)
    set(RMHUB_SERVICE_${name}_METRICS_PORT "${CMAKE_MATCH_3}" PARENT_SCOPE)
    set(RMHUB_SERVICE_${name}_PROTO_TARGET "${CMAKE_MATCH_4}" PARENT_SCOPE)
    set(RMHUB_SERVICE_${name}_STATE "${CMAKE_MATCH_5}" PARENT_SCOPE)
    rmhub_grpc_service_name("${name}" grpc_service)
    set(RMHUB_SERVICE_${name}_GRPC_SERVICE "${grpc_service}" PARENT_SCOPE)
    if(CMAKE_MATCH_5 STREQUAL "server")
      list(APPEND servers "${name}")
    endif()
    if(NOT CMAKE_MATCH_5 STREQUAL "planned")
      list(APPEND published "${name}")
    endif()
    string(SUBSTRING "${CMAKE_MATCH_5}" 0 1 first)
    string(SUBSTRING "${CMAKE_MATCH_5}" 1 -1 rest)
    string(TOUPPER "${first}" first)
    string(APPEND entries "    {\"${name}\", ${CMAKE_MATCH_2}, ${CMAKE_MATCH_3}, "
                          "\"${grpc_service}\", ServiceState::k${first}${rest}},\n")
  endforeach()
  set(RMHUB_SERVICES "${all}" PARENT_SCOPE)
  set(RMHUB_SERVER_SERVICES "${servers}" PARENT_SCOPE)
  set(RMHUB_PUBLISHED_SERVICES "${published}" PARENT_SCOPE)
  set(RMHUB_REGISTRY_ENTRIES "${entries}")
  configure_file("${PROJECT_SOURCE_DIR}/cmake/service_registry.h.in"
    "${RMHUB_GEN_INCLUDE_DIR}/rmhub/service_registry.h" @ONLY)
endfunction()

# Fails the build when a target the registry promises is missing: a renamed or dropped service
# must never disappear silently with its tests.
function(rmhub_require_registry_targets)
  foreach(name IN LISTS RMHUB_PUBLISHED_SERVICES)
    if(NOT TARGET ${RMHUB_SERVICE_${name}_PROTO_TARGET})
      message(FATAL_ERROR "services/registry.txt: ${name} publishes "
        "${RMHUB_SERVICE_${name}_PROTO_TARGET}, which protos/CMakeLists.txt does not define")
    endif()
  endforeach()
  foreach(name IN LISTS RMHUB_SERVER_SERVICES)
    if(NOT TARGET ${name}_server)
      message(FATAL_ERROR "services/registry.txt: ${name} is a server, but services/${name}/ "
                          "defines no ${name}_server")
    endif()
  endforeach()
endfunction()

set(RMHUB_GEN_INCLUDE_DIR "${PROJECT_BINARY_DIR}/gen-registry")
rmhub_read_registry()

# The generated header, for whoever needs the registry in C++.
add_library(rmhub_service_registry INTERFACE)
target_include_directories(rmhub_service_registry INTERFACE
  $<BUILD_INTERFACE:${RMHUB_GEN_INCLUDE_DIR}>)
