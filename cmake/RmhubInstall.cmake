# Installs the published contract (ARCHITECTURE.md §4) so another project can
#   find_package(rmhub CONFIG REQUIRED)  and link  rmhub::client
# `cmake --install <build> --prefix <dir>` puts there:
#   include/rmhub/<area>/v1/*.pb.h, *.grpc.pb.h, include/google/rpc/*.pb.h   generated stubs
#   lib/librmhub_<area>_proto.a                                               their libraries
#   include/rmhub/client/client.h, lib/librmhub_client_helpers.a             the C++ helpers
#     (clients/cpp: credentials, deadlines, request ids, paging, error decoding)
#   share/rmhub/protos/{rmhub,google/rpc}/**.proto                            the contract itself,
#     for other languages and for grpcurl (-import-path); google/rpc makes up our error details
#   lib/cmake/rmhub/rmhub{Config,ConfigVersion,Targets}.cmake                 the package
# Services, runtime libraries and tools are not installed: integrators get the contract only.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

# Every published proto library: the shared ones, then each service's whose state in
# services/registry.txt is `server` or `contract`. Each must exist (rmhub_require_registry_targets
# and install() fail the build otherwise); a planned service's protos are published by changing
# its state in the registry.
set(RMHUB_PUBLISHED_PROTO_LIBRARIES rmhub_googleapis_proto rmhub_common_proto)
foreach(name IN LISTS RMHUB_PUBLISHED_SERVICES)
  list(APPEND RMHUB_PUBLISHED_PROTO_LIBRARIES ${RMHUB_SERVICE_${name}_PROTO_TARGET})
endforeach()

set(RMHUB_INSTALL_CMAKEDIR "${CMAKE_INSTALL_LIBDIR}/cmake/rmhub")

# Installs one proto library's generated headers under include/ and its .proto files under
# share/rmhub/protos/, both keeping their rmhub/<area>/v1 (or google/rpc) layout.
function(rmhub_install_proto_files target)
  get_target_property(sources ${target} SOURCES)
  foreach(src ${sources})
    if(NOT src MATCHES "\\.h$")
      continue()
    endif()
    file(RELATIVE_PATH rel "${RMHUB_GEN_DIR}" "${src}")
    get_filename_component(rel_dir "${rel}" DIRECTORY)
    install(FILES "${src}" DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}/${rel_dir}")
    if(rel MATCHES "\\.grpc\\.pb\\.h$")
      continue()
    endif()
    string(REGEX REPLACE "\\.pb\\.h$" ".proto" proto "${rel}")
    # google/rpc/* come from Debian's googleapis; everything else is ours. install() fails the
    # build if the file is not there.
    if(rel MATCHES "^google/")
      set(proto_path "${RMHUB_GOOGLEAPIS_DIR}/${proto}")
    else()
      set(proto_path "${PROJECT_SOURCE_DIR}/protos/${proto}")
    endif()
    install(FILES "${proto_path}" DESTINATION "${CMAKE_INSTALL_DATADIR}/rmhub/protos/${rel_dir}")
  endforeach()
endfunction()

# A proto library defined in protos/ but missing from the list above would silently stay out of
# rmhub::client: stop the configure step.
function(rmhub_fail_on_unpublished_proto_libraries)
  get_directory_property(defined DIRECTORY "${PROJECT_SOURCE_DIR}/protos" BUILDSYSTEM_TARGETS)
  foreach(target ${defined})
    if(target MATCHES "^rmhub_.*_proto$" AND NOT target IN_LIST RMHUB_PUBLISHED_PROTO_LIBRARIES)
      message(FATAL_ERROR "${target} is not published: give its service the state `contract` or "
                          "`server` in services/registry.txt")
    endif()
  endforeach()
endfunction()

function(rmhub_install_contract)
  set(published)
  foreach(target ${RMHUB_PUBLISHED_PROTO_LIBRARIES})
    list(APPEND published ${target})
    # rmhub_team_proto is exported as rmhub::team_proto.
    string(REGEX REPLACE "^rmhub_" "" export_name "${target}")
    set_target_properties(${target} PROPERTIES EXPORT_NAME "${export_name}")
    rmhub_install_proto_files(${target})
  endforeach()
  rmhub_fail_on_unpublished_proto_libraries()

  # The one target integrators link: every published stub plus what the stubs need.
  add_library(rmhub_client INTERFACE)
  add_library(rmhub::client ALIAS rmhub_client)
  set_target_properties(rmhub_client PROPERTIES EXPORT_NAME client)
  target_link_libraries(rmhub_client INTERFACE ${published} rmhub_client_helpers gRPC::grpc++
    protobuf::libprotobuf)
  target_compile_features(rmhub_client INTERFACE cxx_std_17)

  install(TARGETS ${published} rmhub_client_helpers rmhub_client EXPORT rmhubTargets
    ARCHIVE DESTINATION "${CMAKE_INSTALL_LIBDIR}")
  install(FILES "${PROJECT_SOURCE_DIR}/clients/cpp/include/rmhub/client/client.h"
    DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}/rmhub/client")
  install(EXPORT rmhubTargets NAMESPACE rmhub:: DESTINATION "${RMHUB_INSTALL_CMAKEDIR}")
endfunction()

function(rmhub_install_package_config)
  configure_package_config_file("${PROJECT_SOURCE_DIR}/cmake/rmhubConfig.cmake.in"
    "${PROJECT_BINARY_DIR}/rmhubConfig.cmake"
    INSTALL_DESTINATION "${RMHUB_INSTALL_CMAKEDIR}"
    PATH_VARS CMAKE_INSTALL_DATADIR)
  # 0.x: any minor release may change the contract, so only the same minor version matches.
  write_basic_package_version_file("${PROJECT_BINARY_DIR}/rmhubConfigVersion.cmake"
    COMPATIBILITY SameMinorVersion)
  install(FILES "${PROJECT_BINARY_DIR}/rmhubConfig.cmake"
                "${PROJECT_BINARY_DIR}/rmhubConfigVersion.cmake"
    DESTINATION "${RMHUB_INSTALL_CMAKEDIR}")
endfunction()

rmhub_install_contract()
rmhub_install_package_config()
