# Man pages and bash completion, generated at build time by fm-gendoc
# (src/gen) from the command table and docs/: flowmodels.1 from
# docs/flowmodels.1.md, flowmodels-NAME.1 for every command from its
# table entry and docs/commands/NAME.md, and the completion script.  The
# pages are as many as the table has commands, so the output is a
# directory (man/) with a stamp file.  The date honours SOURCE_DATE_EPOCH.
file(GLOB FM_GEN_SOURCES CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/src/gen/*.c)
add_executable(fm-gendoc ${FM_GEN_SOURCES})
target_link_libraries(fm-gendoc PRIVATE flowmodels_cmd)

file(GLOB FM_COMMAND_DOCS CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/docs/commands/*.md)
string(TIMESTAMP FM_DOC_DATE "%Y-%m-%d" UTC)
set(FM_MAN_DIR ${CMAKE_BINARY_DIR}/man)
set(FM_COMPLETION ${CMAKE_BINARY_DIR}/completion/flowmodels)
add_custom_command(OUTPUT ${FM_MAN_DIR}/stamp
  COMMAND ${CMAKE_COMMAND} -E make_directory ${FM_MAN_DIR}
  COMMAND fm-gendoc man ${PROJECT_SOURCE_DIR}/docs ${FM_MAN_DIR}
          ${PROJECT_VERSION} ${FM_DOC_DATE} ${CMAKE_INSTALL_FULL_DOCDIR}
  COMMAND ${CMAKE_COMMAND} -E touch ${FM_MAN_DIR}/stamp
  DEPENDS fm-gendoc ${PROJECT_SOURCE_DIR}/docs/flowmodels.1.md ${FM_COMMAND_DOCS}
  COMMENT "Generating man pages"
  VERBATIM)
add_custom_command(OUTPUT ${FM_COMPLETION}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/completion
  COMMAND fm-gendoc bash ${FM_COMPLETION}
  DEPENDS fm-gendoc
  COMMENT "Generating bash completion"
  VERBATIM)
add_custom_target(fm_gendoc ALL DEPENDS ${FM_MAN_DIR}/stamp ${FM_COMPLETION})
