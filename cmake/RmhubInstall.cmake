# Installs the published contract (ARCHITECTURE.md §4) so another project can
#   find_package(rmhub CONFIG REQUIRED)  and link  rmhub::client
# `cmake --install <build> --prefix <dir>` puts there:
#   include/rmhub/<area>/v1/*.pb.h, *.grpc.pb.h, include/google/rpc/*.pb.h   generated stubs
#   lib/librmhub_<area>_proto.a                                               their libraries
#   share/rmhub/protos/{rmhub,google/rpc}/**.proto                            the contract itself,
#     for other languages and for grpcurl (-import-path); google/rpc makes up our error details
#   lib/cmake/rmhub/rmhub{Config,ConfigVersion,Targets}.cmake                 the package
# Services, runtime libraries and tools are not installed: integrators get the contract only.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

# Every published proto library, one line each. Names not defined (yet) are skipped, so a
# service's proto library is listed here before its protos land.
set(RMHUB_PUBLISHED_PROTO_LIBRARIES
  rmhub_googleapis_proto
  rmhub_common_proto
  rmhub_team_proto
  rmhub_customer_proto
  rmhub_task_proto
  rmhub_complaint_proto
  rmhub_analytics_proto)

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
    set(proto_path "${PROJECT_SOURCE_DIR}/protos/${proto}")
    if(NOT EXISTS "${proto_path}")
      set(proto_path "${RMHUB_GOOGLEAPIS_DIR}/${proto}")
    endif()
    install(FILES "${proto_path}" DESTINATION "${CMAKE_INSTALL_DATADIR}/rmhub/protos/${rel_dir}")
  endforeach()
endfunction()

# A proto library defined in protos/ but missing from the list above would silently stay out of
# rmhub::client; say so at configure time.
function(rmhub_warn_unpublished_proto_libraries)
  get_directory_property(defined DIRECTORY "${PROJECT_SOURCE_DIR}/protos" BUILDSYSTEM_TARGETS)
  foreach(target ${defined})
    if(target MATCHES "^rmhub_.*_proto$" AND NOT target IN_LIST RMHUB_PUBLISHED_PROTO_LIBRARIES)
      message(AUTHOR_WARNING "${target} is not published: add it to "
                             "RMHUB_PUBLISHED_PROTO_LIBRARIES in cmake/RmhubInstall.cmake")
    endif()
  endforeach()
endfunction()

function(rmhub_install_contract)
  set(published)
  foreach(target ${RMHUB_PUBLISHED_PROTO_LIBRARIES})
    if(TARGET ${target})
      list(APPEND published ${target})
      # rmhub_team_proto is exported as rmhub::team_proto.
      string(REGEX REPLACE "^rmhub_" "" export_name "${target}")
      set_target_properties(${target} PROPERTIES EXPORT_NAME "${export_name}")
      rmhub_install_proto_files(${target})
    endif()
  endforeach()
  rmhub_warn_unpublished_proto_libraries()

  # The one target integrators link: every published stub plus what the stubs need.
  add_library(rmhub_client INTERFACE)
  add_library(rmhub::client ALIAS rmhub_client)
  set_target_properties(rmhub_client PROPERTIES EXPORT_NAME client)
  target_link_libraries(rmhub_client INTERFACE ${published} gRPC::grpc++ protobuf::libprotobuf)
  target_compile_features(rmhub_client INTERFACE cxx_std_17)

  install(TARGETS ${published} rmhub_client EXPORT rmhubTargets
    ARCHIVE DESTINATION "${CMAKE_INSTALL_LIBDIR}")
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
