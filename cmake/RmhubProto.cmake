# rmhub_proto_library(<target> ROOT <import root> PROTOS <files relative to ROOT>
#                     [GRPC] [DEPS <targets>])
# Generates C++ (and gRPC stubs with GRPC) into ${CMAKE_BINARY_DIR}/gen and builds one static
# library per proto package. Generated code is never committed.
set(RMHUB_GEN_DIR "${CMAKE_BINARY_DIR}/gen")
set(RMHUB_GOOGLEAPIS_DIR "/usr/share/gocode/src/github.com/gogo/googleapis" CACHE PATH
    "Where Debian's golang-github-gogo-googleapis-dev keeps google/rpc/*.proto")
file(MAKE_DIRECTORY "${RMHUB_GEN_DIR}")

function(rmhub_proto_library target)
  cmake_parse_arguments(ARG "GRPC" "ROOT" "PROTOS;DEPS" ${ARGN})
  set(srcs)
  set(hdrs)
  foreach(proto ${ARG_PROTOS})
    string(REGEX REPLACE "\\.proto$" "" base "${proto}")
    set(outs "${RMHUB_GEN_DIR}/${base}.pb.cc" "${RMHUB_GEN_DIR}/${base}.pb.h")
    set(plugin_args)
    if(ARG_GRPC)
      list(APPEND outs "${RMHUB_GEN_DIR}/${base}.grpc.pb.cc" "${RMHUB_GEN_DIR}/${base}.grpc.pb.h")
      set(plugin_args "--grpc_out=${RMHUB_GEN_DIR}"
                      "--plugin=protoc-gen-grpc=$<TARGET_FILE:gRPC::grpc_cpp_plugin>")
    endif()
    add_custom_command(
      OUTPUT ${outs}
      COMMAND protobuf::protoc
        "--proto_path=${ARG_ROOT}"
        "--proto_path=${CMAKE_SOURCE_DIR}/protos"
        "--proto_path=${RMHUB_GOOGLEAPIS_DIR}"
        "--proto_path=${Protobuf_INCLUDE_DIR}"
        "--cpp_out=${RMHUB_GEN_DIR}"
        ${plugin_args}
        "${ARG_ROOT}/${proto}"
      DEPENDS "${ARG_ROOT}/${proto}" protobuf::protoc
      COMMENT "protoc ${proto}"
      VERBATIM)
    list(APPEND srcs ${outs})
  endforeach()
  add_library(${target} STATIC ${srcs})
  target_include_directories(${target} PUBLIC
    $<BUILD_INTERFACE:${RMHUB_GEN_DIR}>
    $<INSTALL_INTERFACE:include>)
  target_link_libraries(${target} PUBLIC protobuf::libprotobuf ${ARG_DEPS})
  if(ARG_GRPC)
    target_link_libraries(${target} PUBLIC gRPC::grpc++)
  endif()
  # Generated code is not ours to lint.
  target_compile_options(${target} PRIVATE -w)
  set_target_properties(${target} PROPERTIES POSITION_INDEPENDENT_CODE ON)
endfunction()
