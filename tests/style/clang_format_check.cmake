# Every C++ source and header of the tree is formatted as the repository's .clang-format says:
#   cmake -DSOURCE_DIR=<repo> -DCLANG_FORMAT=<clang-format> -P clang_format_check.cmake
# Files are listed when the test runs, so a new file is checked without re-running cmake.
# To fix: clang-format -i <files> (the whole tree: see docs/decisions.md, "Formatting").
set(files)
foreach(dir common services tools tests)
  file(GLOB_RECURSE found LIST_DIRECTORIES false RELATIVE "${SOURCE_DIR}"
    "${SOURCE_DIR}/${dir}/*.cc" "${SOURCE_DIR}/${dir}/*.h")
  list(APPEND files ${found})
endforeach()
list(SORT files)
list(LENGTH files count)
if(count EQUAL 0)
  message(FATAL_ERROR "no C++ files found under ${SOURCE_DIR}")
endif()
execute_process(
  COMMAND "${CLANG_FORMAT}" --style=file --dry-run -Werror ${files}
  WORKING_DIRECTORY "${SOURCE_DIR}"
  RESULT_VARIABLE rc
  ERROR_VARIABLE errors)
if(NOT rc EQUAL 0)
  # clang-format names each file and line; keep the report short enough to read.
  string(REGEX MATCHALL "[^\n]*: error: [^\n]*" lines "${errors}")
  list(LENGTH lines n)
  set(names)
  foreach(line IN LISTS lines)
    string(REGEX REPLACE ":[0-9]+:[0-9]+: error:.*$" "" name "${line}")
    list(APPEND names "${name}")
  endforeach()
  list(REMOVE_DUPLICATES names)
  list(JOIN names "\n  " named)
  message(FATAL_ERROR "clang-format: ${n} places in these files differ from .clang-format "
                      "(fix: clang-format -i <file>):\n  ${named}")
endif()
message(STATUS "clang-format: ${count} files formatted as .clang-format says")
