# Install rules (GNUInstallDirs): `cmake --install BUILD [--prefix P]`,
# DESTDIR=... too.  The program finds its themes relative to itself
# (BINDIR/../share/flowmodels/themes), so any prefix works.
install(TARGETS flowmodels_bin RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES ${FM_THEMES}
  DESTINATION ${CMAKE_INSTALL_DATADIR}/${PROJECT_NAME}/themes)
install(FILES ${PROJECT_SOURCE_DIR}/README.md ${PROJECT_SOURCE_DIR}/LICENSE
  DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/docs
  DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY ${FM_MAN_DIR}/ DESTINATION ${CMAKE_INSTALL_MANDIR}/man1
  FILES_MATCHING PATTERN "*.1")
# the shard scripts (docs/scale.md); they find shard-common.sh beside
# themselves, wherever they are installed or linked from
install(PROGRAMS ${PROJECT_SOURCE_DIR}/scripts/shard-parallel.sh
  ${PROJECT_SOURCE_DIR}/scripts/shard-slurm.sh
  DESTINATION ${CMAKE_INSTALL_DATADIR}/${PROJECT_NAME}/scripts)
install(FILES ${PROJECT_SOURCE_DIR}/scripts/shard-common.sh
  DESTINATION ${CMAKE_INSTALL_DATADIR}/${PROJECT_NAME}/scripts)
install(FILES ${FM_COMPLETION}
  DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions)
