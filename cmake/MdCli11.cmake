# CLI11 (header-only command-line parser) for mdstudio-cli and mdtrain: Debian's libcli11-dev
# ships a CMake package (CLI11::CLI11). The GPU machine has none: a copy of its headers in
# .device/include/CLI serves there (see docs/embedded-model.md, "Building on the GPU machine").
find_package(CLI11 2 CONFIG QUIET)
if(NOT TARGET CLI11::CLI11 AND EXISTS ${PROJECT_SOURCE_DIR}/.device/include/CLI/CLI.hpp)
    add_library(CLI11::CLI11 INTERFACE IMPORTED)
    set_target_properties(CLI11::CLI11 PROPERTIES
        INTERFACE_INCLUDE_DIRECTORIES ${PROJECT_SOURCE_DIR}/.device/include)
endif()
if(NOT TARGET CLI11::CLI11)
    message(FATAL_ERROR "CLI11 not found: apt-get install libcli11-dev, or copy its headers "
                        "(/usr/include/CLI) to .device/include/CLI")
endif()
