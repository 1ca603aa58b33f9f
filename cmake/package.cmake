# The Debian package: `cpack -G DEB` in the build directory writes
# flowmodels_VERSION_ARCH.deb there.  Dependencies on shared libraries
# come from the binary (dpkg-shlibdeps); gnuplot (plot, series-plot) is
# recommended, nfdump (the nfcapd-nfdump input format) suggested.
# Configure with -DCMAKE_INSTALL_PREFIX=/usr so that the man pages name
# the installed paths (build.sh does for build-release).
set(CPACK_PACKAGE_NAME ${PROJECT_NAME})
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_DESCRIPTION
  "flowmodels turns NetFlow/IPFIX flow records (nfdump capture files, csv,
nfdump's pipe format, a columnar binary format) into statistical traffic
models: it cuts, merges and sorts flow records, bins them into histograms,
fits mixture models with EM, generates synthetic flows, and publishes TeX
tables and gnuplot figures, in an interactive terminal workbench, in
replayable session files, or as one-shot commands.")
set(CPACK_PACKAGE_CONTACT "flowmodels maintainers <flowmodels@localhost>")
set(CPACK_RESOURCE_FILE_LICENSE ${PROJECT_SOURCE_DIR}/LICENSE)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_GENERATOR DEB)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "gnuplot")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "nfdump")
include(CPack)
