# cmake -DRMHUB_BUILD_DIR=.. -DCONSUMER_SOURCE_DIR=.. -DWORK_DIR=.. [-DLIBDIR=lib]
#       [-DGENERATOR=..] [-DCCACHE_PROGRAM=..] [-DEXAMPLE_SOURCE=..] -P install_consumer_test.cmake
# Installs a built RM Hub tree into WORK_DIR/prefix, checks the layout integrators are promised
# (docs/api.md), then configures, builds and runs the consumer project against that prefix only.
cmake_minimum_required(VERSION 3.25)

foreach(var RMHUB_BUILD_DIR CONSUMER_SOURCE_DIR WORK_DIR)
  if(NOT ${var})
    message(FATAL_ERROR "install_consumer_test: -D${var}=... is required")
  endif()
endforeach()
if(NOT LIBDIR)
  set(LIBDIR lib)  # GNUInstallDirs' CMAKE_INSTALL_LIBDIR of the build, as configured
endif()
set(prefix "${WORK_DIR}/prefix")
set(consumer_build "${WORK_DIR}/consumer-build")
# Fresh every run: a stale prefix could hide a file that is no longer installed.
file(REMOVE_RECURSE "${WORK_DIR}")

function(run step)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "install_consumer_test: ${step} failed (${rc})\n${out}\n${err}")
  endif()
  set(run_output "${out}" PARENT_SCOPE)
endfunction()

run("cmake --install" "${CMAKE_COMMAND}" --install "${RMHUB_BUILD_DIR}" --prefix "${prefix}")

foreach(path
    include/rmhub/team/v1/team.pb.h
    include/rmhub/team/v1/team.grpc.pb.h
    include/rmhub/common/v1/common.pb.h
    include/rmhub/common/v1/event.pb.h
    include/rmhub/analytics/v1/analytics.grpc.pb.h
    include/google/rpc/status.pb.h
    include/google/rpc/error_details.pb.h
    include/rmhub/client/client.h
    ${LIBDIR}/librmhub_client_helpers.a
    ${LIBDIR}/librmhub_team_proto.a
    ${LIBDIR}/librmhub_googleapis_proto.a
    share/rmhub/protos/rmhub/team/v1/team.proto
    share/rmhub/protos/rmhub/common/v1/event.proto
    share/rmhub/protos/google/rpc/error_details.proto
    ${LIBDIR}/cmake/rmhub/rmhubConfig.cmake
    ${LIBDIR}/cmake/rmhub/rmhubConfigVersion.cmake
    ${LIBDIR}/cmake/rmhub/rmhubTargets.cmake)
  if(NOT EXISTS "${prefix}/${path}")
    message(FATAL_ERROR "install_consumer_test: ${path} was not installed under ${prefix}")
  endif()
endforeach()

# Only the contract is published: no runtime headers whose libraries are not installed.
file(GLOB_RECURSE leaked LIST_DIRECTORIES false "${prefix}/include/common/*")
if(leaked)
  message(FATAL_ERROR "install_consumer_test: unexpected files installed: ${leaked}")
endif()

set(configure_args -S "${CONSUMER_SOURCE_DIR}" -B "${consumer_build}"
  "-DCMAKE_PREFIX_PATH=${prefix}"
  # Find rmhub in the prefix or fail: never in a user package registry.
  -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF)
if(GENERATOR)
  list(APPEND configure_args -G "${GENERATOR}")
endif()
if(EXAMPLE_SOURCE)
  list(APPEND configure_args "-DRMHUB_EXAMPLE_SOURCE=${EXAMPLE_SOURCE}")
endif()
if(CCACHE_PROGRAM)
  list(APPEND configure_args "-DCMAKE_CXX_COMPILER_LAUNCHER=${CCACHE_PROGRAM}")
endif()
run("configure the consumer" "${CMAKE_COMMAND}" ${configure_args})

file(STRINGS "${consumer_build}/CMakeCache.txt" rmhub_dir REGEX "^rmhub_DIR:")
if(NOT rmhub_dir STREQUAL "rmhub_DIR:PATH=${prefix}/${LIBDIR}/cmake/rmhub")
  message(FATAL_ERROR "install_consumer_test: the consumer found rmhub elsewhere: ${rmhub_dir}")
endif()

run("build the consumer" "${CMAKE_COMMAND}" --build "${consumer_build}")
if(EXAMPLE_SOURCE AND NOT EXISTS "${consumer_build}/customer_book")
  message(FATAL_ERROR "install_consumer_test: the example customer_book was not built")
endif()
run("run the consumer" "${consumer_build}/rmhub_consumer")
message(STATUS "consumer output:\n${run_output}")

foreach(expected "filter: \"role = TEAM_LEAD AND status = ACTIVE\"" "page_size: 20"
                 "money: currency_code: \"CNY\" minor_units: 1234500" "events: 1"
                 "error reason: ETAG_MISMATCH")
  string(FIND "${run_output}" "${expected}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "install_consumer_test: the consumer did not print '${expected}'")
  endif()
endforeach()
message(STATUS "install_consumer_test: passed")
