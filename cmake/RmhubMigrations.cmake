# rmhub_embed_migrations(<target> DIR <folder of NNNN_*.sql> FUNCTION <c++ function name>)
# Compiles a service's migrations into its binary, so a container with a read-only root
# filesystem carries its schema with it. The generated function returns them in file-name order:
#   std::vector<rmhub::db::MigrationFile> <FUNCTION>();
set(RMHUB_EMBED_SCRIPT "${CMAKE_CURRENT_LIST_DIR}/EmbedMigrations.cmake")

function(rmhub_embed_migrations target)
  cmake_parse_arguments(ARG "" "DIR;FUNCTION" "" ${ARGN})
  file(GLOB sql_files CONFIGURE_DEPENDS "${ARG_DIR}/*.sql")
  list(SORT sql_files)
  set(out "${CMAKE_CURRENT_BINARY_DIR}/${ARG_FUNCTION}.cc")
  add_custom_command(
    OUTPUT "${out}"
    COMMAND ${CMAKE_COMMAND} "-DOUT=${out}" "-DFUNCTION=${ARG_FUNCTION}"
            "-DFILES=${sql_files}" -P "${RMHUB_EMBED_SCRIPT}"
    DEPENDS ${sql_files} "${RMHUB_EMBED_SCRIPT}"
    COMMENT "embedding migrations for ${target}"
    VERBATIM)
  target_sources(${target} PRIVATE "${out}")
endfunction()
