# library.cmake — libentente as an installable library: the shared library (versioned SONAME,
# only the public API exported) built from the static library's objects, `make install`
# (libraries, include/entente.h, entente.pc, the man page, the CLI). Included from the top-level
# CMakeLists.txt after the entente_lib and entente targets are defined.
include(GNUInstallDirs)

# The header's ENTENTE_VERSION_* macros and the project version are one version.
file(STRINGS ${PROJECT_SOURCE_DIR}/include/entente.h ENTENTE_HEADER_VERSION
     REGEX "^#define ENTENTE_VERSION_(MAJOR|MINOR|PATCH) ")
string(REGEX REPLACE "[^;]*MAJOR ([0-9]+)[^;]*;[^;]*MINOR ([0-9]+)[^;]*;[^;]*PATCH ([0-9]+).*"
       "\\1.\\2.\\3" ENTENTE_HEADER_VERSION "${ENTENTE_HEADER_VERSION}")
if(NOT ENTENTE_HEADER_VERSION STREQUAL PROJECT_VERSION)
  message(FATAL_ERROR "entente: include/entente.h says version ${ENTENTE_HEADER_VERSION}, "
                      "CMakeLists.txt ${PROJECT_VERSION}: change both together.")
endif()

# One compilation serves both libraries: position-independent, every symbol hidden unless
# include/entente.h declares it (its `#pragma GCC visibility push(default)`).
set_target_properties(entente_lib PROPERTIES POSITION_INDEPENDENT_CODE ON
                                             C_VISIBILITY_PRESET hidden)

add_library(entente_shared SHARED $<TARGET_OBJECTS:entente_lib>)
# The ABI promise (docs/library.md): within one SOVERSION functions are added, never changed
# or removed.
set_target_properties(entente_shared PROPERTIES OUTPUT_NAME entente
                                                VERSION ${PROJECT_VERSION}
                                                SOVERSION ${PROJECT_VERSION_MAJOR})
target_include_directories(entente_shared PUBLIC ${PROJECT_SOURCE_DIR}/include)
# Whatever the static library links (every dependency any layer adds), the shared one links too.
target_link_libraries(entente_shared PRIVATE $<TARGET_PROPERTY:entente_lib,INTERFACE_LINK_LIBRARIES>)
# A second fence behind the visibility: only en_ names can leave the library, and the
# dependencies' symbols are never re-exported.
target_link_options(entente_shared PRIVATE
  -Wl,--version-script=${PROJECT_SOURCE_DIR}/cmake/entente.map)
# Every symbol resolved at link time, except in instrumented builds: clang leaves the sanitizer
# and fuzzer runtimes to the executable.
if(NOT ENTENTE_SANITIZE AND NOT ENTENTE_TSAN AND NOT ENTENTE_FUZZ)
  target_link_options(entente_shared PRIVATE -Wl,--no-undefined)
endif()
set_property(TARGET entente_shared APPEND PROPERTY LINK_DEPENDS ${PROJECT_SOURCE_DIR}/cmake/entente.map)

# pkg-config: a program needs only -lentente against the shared library; the static one
# (`pkg-config --static`) also needs the dependencies.
set(ENTENTE_PC_LIBS_PRIVATE "-lm -pthread")
if(MVEC_LIBRARY AND CMAKE_SYSTEM_PROCESSOR MATCHES "x86_64|AMD64")
  set(ENTENTE_PC_LIBS_PRIVATE "${ENTENTE_PC_LIBS_PRIVATE} -lmvec")
endif()
file(RELATIVE_PATH ENTENTE_PC_TO_PREFIX "/p/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/p")
string(REGEX REPLACE "/$" "" ENTENTE_PC_TO_PREFIX "${ENTENTE_PC_TO_PREFIX}")
configure_file(${PROJECT_SOURCE_DIR}/cmake/entente.pc.in ${CMAKE_BINARY_DIR}/entente.pc @ONLY)

install(TARGETS entente_shared entente_lib
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(TARGETS entente RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES ${PROJECT_SOURCE_DIR}/include/entente.h DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(FILES ${CMAKE_BINARY_DIR}/entente.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
install(FILES ${PROJECT_SOURCE_DIR}/docs/entente.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
# The public headers entente.h includes (include/entente/*.h).
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/entente DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
        FILES_MATCHING PATTERN "*.h")
# The bundled scenarios (the default of `entente forecast` and friends, their cited sources and
# the war cases). The installed binary finds them relative to its own folder, so a staged or
# moved install works; the configured prefix is the second place it looks.
install(DIRECTORY ${PROJECT_SOURCE_DIR}/scenarios/
        DESTINATION ${CMAKE_INSTALL_DATADIR}/entente/scenarios)
file(RELATIVE_PATH ENTENTE_BIN_TO_DATADIR "/p/${CMAKE_INSTALL_BINDIR}" "/p/${CMAKE_INSTALL_DATADIR}")
target_compile_definitions(entente PRIVATE
  ENTENTE_BIN_TO_DATADIR="${ENTENTE_BIN_TO_DATADIR}"
  ENTENTE_INSTALLED_SCENARIO="${CMAKE_INSTALL_FULL_DATADIR}/entente/scenarios/ukraine-2023.yaml")
