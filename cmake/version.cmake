# The version: project(VERSION) is the one place it is written.  At every
# build, cmake/version-h.cmake writes generated/fm-version.h with it and
# the git commit the tree was built from (when built from a git checkout);
# the file is rewritten only when its content changes, so an unchanged
# commit recompiles nothing.
set(FM_GENERATED_DIR ${CMAKE_BINARY_DIR}/generated)
add_custom_target(fm_version_h
  COMMAND ${CMAKE_COMMAND} -DSOURCE_DIR=${PROJECT_SOURCE_DIR}
          -DOUT=${FM_GENERATED_DIR}/fm-version.h
          -DVERSION=${PROJECT_VERSION}
          -P ${PROJECT_SOURCE_DIR}/cmake/version-h.cmake
  BYPRODUCTS ${FM_GENERATED_DIR}/fm-version.h
  VERBATIM)
add_library(fm_version INTERFACE)
target_include_directories(fm_version INTERFACE ${FM_GENERATED_DIR})
