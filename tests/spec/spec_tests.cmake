# Spec tests (issue 3, "Specs"): included by the top-level CMakeLists.txt, which provides
# X12KIT_SOURCE_DIR (the project root).  Both tests use cmocka and libxml2 only; they do not
# link x12kit.  Paths go in as arguments so the binaries carry no hard-coded locations.
#
#   test_spec_schema  SPEC_DIR OVERLAY_DIR [EXAMPLE_DIR]  every spec/code list/overlay (and
#                                            example guide) against the XSD
#   test_spec_compare SPEC_DIR REF_DIR       each spec against its pyx12 map; skipped (exit 0,
#                                            cmocka skip) when REF_DIR does not exist

if(NOT DEFINED X12KIT_SOURCE_DIR)
  message(FATAL_ERROR "spec_tests.cmake: set X12KIT_SOURCE_DIR to the project root")
endif()

find_package(PkgConfig REQUIRED)
find_package(LibXml2 REQUIRED)
pkg_check_modules(CMOCKA REQUIRED cmocka)

set(X12KIT_SPEC_DIR ${X12KIT_SOURCE_DIR}/specs)
set(X12KIT_SPEC_REF_DIR ${X12KIT_SOURCE_DIR}/../shared/reference/pyx12-maps
    CACHE PATH "pyx12 reference maps for test_spec_compare (skipped when missing)")

foreach(_t test_spec_schema test_spec_compare)
  add_executable(${_t} ${X12KIT_SOURCE_DIR}/tests/spec/${_t}.c)
  set_target_properties(${_t} PROPERTIES C_STANDARD 11 C_STANDARD_REQUIRED ON C_EXTENSIONS OFF)
  target_compile_options(${_t} PRIVATE -Wall -Wextra -pedantic -Wstrict-prototypes -Werror
                                       ${CMOCKA_CFLAGS_OTHER})
  target_include_directories(${_t} PRIVATE ${CMOCKA_INCLUDE_DIRS})
  target_link_directories(${_t} PRIVATE ${CMOCKA_LIBRARY_DIRS})
  target_link_libraries(${_t} PRIVATE LibXml2::LibXml2 ${CMOCKA_LIBRARIES})
endforeach()

add_test(NAME spec_schema
         COMMAND test_spec_schema ${X12KIT_SPEC_DIR} ${X12KIT_SOURCE_DIR}/fixtures/overlays
                 ${X12KIT_SOURCE_DIR}/fixtures/specs)
add_test(NAME spec_compare
         COMMAND test_spec_compare ${X12KIT_SPEC_DIR} ${X12KIT_SPEC_REF_DIR})
set_tests_properties(spec_schema spec_compare PROPERTIES LABELS spec)
