# Test tiers, as ctest labels: unit (cmocka), cli (golden subcommand
# tests), replay, tui (tmux), scale (large inputs in a memory cgroup; not
# in the ASan pass), fuzz (short corpus runs).
pkg_check_modules(CMOCKA REQUIRED IMPORTED_TARGET cmocka)

set(FM_SHARED_DATA "${PROJECT_SOURCE_DIR}/../shared/data" CACHE PATH
    "reference data (tests that need it skip when it is absent)")

file(GLOB FM_UNIT_TESTS CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/tests/unit/test-*.c)
foreach(src ${FM_UNIT_TESTS})
  get_filename_component(name ${src} NAME_WE)
  add_executable(${name} ${src} ${PROJECT_SOURCE_DIR}/tests/unit/testutil.c)
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/tests/unit
                                             ${PROJECT_SOURCE_DIR}/src/lib)
  target_link_libraries(${name} PRIVATE flowmodels_cmd PkgConfig::CMOCKA)
  add_test(NAME unit/${name} COMMAND ${name})
  set_tests_properties(unit/${name} PROPERTIES LABELS unit
    ENVIRONMENT "FM_SHARED_DATA=${FM_SHARED_DATA};FM_TEST_TMP=${CMAKE_BINARY_DIR}/test-tmp"
    SKIP_RETURN_CODE 77)
endforeach()

# The synthetic dataset maker of bench/ (tests/cli/shard-merge.sh and
# tests/scale/*.sh make their inputs with it at test time).
if(NOT TARGET gen-dataset)
  add_executable(gen-dataset ${PROJECT_SOURCE_DIR}/bench/gen-dataset.c)
  target_link_libraries(gen-dataset PRIVATE flowmodels)
endif()

# Shell tests: tests/{cli,replay,tui}/*.sh, run with the binary's path.
foreach(tier cli replay tui)
  file(GLOB FM_SH_TESTS CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/tests/${tier}/*.sh)
  foreach(src ${FM_SH_TESTS})
    get_filename_component(name ${src} NAME_WE)
    add_test(NAME ${tier}/${name} COMMAND bash ${src})
    set_tests_properties(${tier}/${name} PROPERTIES LABELS ${tier}
      SKIP_RETURN_CODE 77
      ENVIRONMENT "FLOWMODELS=$<TARGET_FILE:flowmodels_bin>;FM_SHARED_DATA=${FM_SHARED_DATA};FM_SOURCE_DIR=${PROJECT_SOURCE_DIR};FM_BUILD_DIR=${CMAKE_BINARY_DIR};FM_TEST_TMP=${CMAKE_BINARY_DIR}/test-tmp")
  endforeach()
endforeach()

# Scale tests: tests/scale/*.sh (label scale; left out of the ASan pass,
# which build.sh runs with -LE 'fuzz|scale', and skipping themselves in a
# sanitizer build).
file(GLOB FM_SCALE_TESTS CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/tests/scale/*.sh)
foreach(src ${FM_SCALE_TESTS})
  get_filename_component(name ${src} NAME_WE)
  add_test(NAME scale/${name} COMMAND bash ${src})
  set_tests_properties(scale/${name} PROPERTIES LABELS scale
    SKIP_RETURN_CODE 77 TIMEOUT 300
    ENVIRONMENT "FLOWMODELS=$<TARGET_FILE:flowmodels_bin>;FM_SOURCE_DIR=${PROJECT_SOURCE_DIR};FM_BUILD_DIR=${CMAKE_BINARY_DIR};FM_TEST_TMP=${CMAKE_BINARY_DIR}/test-tmp;FM_SANITIZE=${FM_SANITIZE}")
endforeach()

# libFuzzer targets: tests/fuzz/fuzz-*.c, each run briefly on its corpus
# (tests/fuzz/corpus/NAME, the regression inputs among them) with its
# dictionary (tests/fuzz/NAME.dict) when there is one.  Long campaigns:
# tests/fuzz/run.sh.
if(FM_FUZZ)
  file(GLOB FM_FUZZ_TARGETS CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/tests/fuzz/fuzz-*.c)
  foreach(src ${FM_FUZZ_TARGETS})
    get_filename_component(name ${src} NAME_WE)
    add_executable(${name} ${src} ${PROJECT_SOURCE_DIR}/tests/fuzz/lib/shmdir.c)
    target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/src/lib
                                               ${PROJECT_SOURCE_DIR}/tests/fuzz/lib)
    target_compile_options(${name} PRIVATE -fsanitize=fuzzer,address,undefined)
    target_link_options(${name} PRIVATE -fsanitize=fuzzer,address,undefined)
    target_link_libraries(${name} PRIVATE flowmodels_cmd)
    if(name STREQUAL "fuzz-cmdline" OR name STREQUAL "fuzz-theme")
      target_link_libraries(${name} PRIVATE flowmodels_tui_core)
    endif()
    set(corpus ${PROJECT_SOURCE_DIR}/tests/fuzz/corpus/${name})
    set(work ${CMAKE_BINARY_DIR}/fuzz-corpus/${name})
    set(dict ${PROJECT_SOURCE_DIR}/tests/fuzz/${name}.dict)
    if(EXISTS ${dict})
      set(dict "-dict='${dict}'")
    else()
      set(dict "")
    endif()
    add_test(NAME fuzz/${name}
      COMMAND sh -c "mkdir -p '${work}' && exec '$<TARGET_FILE:${name}>' -max_total_time=15 -rss_limit_mb=2048 ${dict} '${work}' '${corpus}'")
    set_tests_properties(fuzz/${name} PROPERTIES LABELS fuzz)
  endforeach()
endif()

foreach(name test-chart test-theme test-views test-overlay test-words test-keys
             test-complete test-sixel test-table)
  if(TARGET ${name})
    target_link_libraries(${name} PRIVATE flowmodels_tui_core)
    target_compile_definitions(${name} PRIVATE FM_TEST_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
  endif()
endforeach()
