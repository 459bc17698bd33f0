# Clang's thread-safety analysis over every translation unit that uses the annotations
# (ABSL_GUARDED_BY, ABSL_EXCLUSIVE_LOCKS_REQUIRED, ...) in its .cc or its own .h:
#   cmake -DSOURCE_DIR=<repo> -DBUILD_DIR=<build> -DCLANGXX=<clang++> -P thread_safety_check.cmake
# Each file is compiled with its flags from the build's compile_commands.json (include paths,
# generated proto headers, definitions), by clang++ with -fsyntax-only -Wthread-safety
# -Werror=thread-safety. GCC ignores the annotations, so without this nothing checks them.
set(db "${BUILD_DIR}/compile_commands.json")
if(NOT EXISTS "${db}")
  message(FATAL_ERROR "${db} is missing: configure with CMAKE_EXPORT_COMPILE_COMMANDS=ON")
endif()
file(READ "${db}" json)
string(JSON count LENGTH "${json}")
set(annotations "ABSL_(PT_)?GUARDED_BY|ABSL_(EXCLUSIVE|SHARED)_LOCKS_REQUIRED|ABSL_LOCKS_EXCLUDED|ABSL_(SCOPED_)?LOCKABLE|ABSL_NO_THREAD_SAFETY_ANALYSIS|ABSL_ACQUIRED_(AFTER|BEFORE)|ABSL_ASSERT_(EXCLUSIVE|SHARED)_LOCK|ABSL_LOCK_RETURNED")

function(uses_annotations path out)
  set(${out} FALSE PARENT_SCOPE)
  string(REGEX REPLACE "\\.cc$" ".h" header "${path}")
  foreach(f "${path}" "${header}")
    if(EXISTS "${f}")
      file(STRINGS "${f}" hits REGEX "${annotations}" LIMIT_COUNT 1)
      if(hits)
        set(${out} TRUE PARENT_SCOPE)
        return()
      endif()
    endif()
  endforeach()
endfunction()

set(checked 0)
set(failed "")
math(EXPR last "${count} - 1")
foreach(i RANGE ${last})
  string(JSON file GET "${json}" ${i} file)
  string(JSON dir GET "${json}" ${i} directory)
  if(NOT file MATCHES "^${SOURCE_DIR}/(common|services|tools|tests)/.*\\.cc$")
    continue()
  endif()
  uses_annotations("${file}" uses)
  if(NOT uses)
    continue()
  endif()
  string(JSON command GET "${json}" ${i} command)
  separate_arguments(args UNIX_COMMAND "${command}")
  # Drop the compiler (and a launcher such as ccache), the output and the source: keep the flags.
  list(POP_FRONT args compiler)
  if(compiler MATCHES "ccache$")
    list(POP_FRONT args compiler)
  endif()
  set(flags)
  set(skip_next FALSE)
  foreach(a IN LISTS args)
    if(skip_next)
      set(skip_next FALSE)
    elseif(a STREQUAL "-o" OR a STREQUAL "-MF" OR a STREQUAL "-MT" OR a STREQUAL "-MQ")
      set(skip_next TRUE)
    elseif(a STREQUAL "-c" OR a STREQUAL "${file}" OR a MATCHES "^-M")
    else()
      list(APPEND flags "${a}")
    endif()
  endforeach()
  execute_process(
    COMMAND "${CLANGXX}" ${flags} -fsyntax-only -Wno-everything -Wthread-safety
            -Werror=thread-safety "${file}"
    WORKING_DIRECTORY "${dir}"
    RESULT_VARIABLE rc
    OUTPUT_VARIABLE out
    ERROR_VARIABLE out)
  math(EXPR checked "${checked} + 1")
  if(NOT rc EQUAL 0)
    string(APPEND failed "\n${out}")
  endif()
endforeach()
if(checked EQUAL 0)
  message(FATAL_ERROR "no translation unit with thread-safety annotations found in ${db}")
endif()
if(failed)
  message(FATAL_ERROR "clang thread-safety analysis failed:${failed}")
endif()
message(STATUS "clang -Wthread-safety: ${checked} translation units clean")
