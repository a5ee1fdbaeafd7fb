# The libFuzzer targets (tests/fuzz, a project of its own built with clang) as an external
# project of the main build, and a `fuzz` CTest test per target that runs it for a few
# seconds over its seed corpus. Needs clang++ with libFuzzer (Debian 12: clang-14 and
# libclang-rt-14-dev); without them the tests are not registered and configure says so.
# Long runs: scripts/fuzz.sh.
include(ExternalProject)

option(MD_BUILD_FUZZ "Build the libFuzzer targets (tests/fuzz) when clang has libFuzzer" ON)
if(NOT MD_BUILD_FUZZ)
    message(STATUS "Fuzz tests: off (MD_BUILD_FUZZ)")
    return()
endif()

set(MD_FUZZ_TARGETS safetensors_header diffusers_config clip_prompt sentencepiece_prompt
                    project_archive project_json png_metadata)
set(MD_FUZZ_SECONDS 5 CACHE STRING "Seconds each fuzz target runs under CTest")

# md_find_libfuzzer(<var>): the first clang++ that links a libFuzzer + ASan + UBSan program.
function(md_find_libfuzzer var)
    find_program(MD_FUZZ_CXX NAMES clang++-14 clang++-15 clang++-16 clang++
                 DOC "clang++ with libFuzzer, for tests/fuzz")
    set(${var} "" PARENT_SCOPE)
    if(NOT MD_FUZZ_CXX)
        return()
    endif()
    set(dir ${PROJECT_BINARY_DIR}/fuzz-check)
    file(WRITE ${dir}/probe.cpp "#include <cstddef>\n#include <cstdint>\n"
        "extern \"C\" int LLVMFuzzerTestOneInput(const uint8_t*, size_t) { return 0; }\n")
    execute_process(COMMAND ${MD_FUZZ_CXX} -fsanitize=fuzzer,address,undefined probe.cpp -o probe
                    WORKING_DIRECTORY ${dir} RESULT_VARIABLE rc OUTPUT_QUIET ERROR_QUIET)
    if(rc EQUAL 0)
        set(${var} ${MD_FUZZ_CXX} PARENT_SCOPE)
    endif()
endfunction()

md_find_libfuzzer(MD_FUZZ_COMPILER)
if(NOT MD_FUZZ_COMPILER)
    message(STATUS "Fuzz tests: not registered (no clang++ with libFuzzer + ASan/UBSan; on "
                   "Debian 12: apt-get install clang-14 libclang-rt-14-dev)")
    return()
endif()
message(STATUS "Fuzz tests: ${MD_FUZZ_COMPILER} (tests/fuzz, label \"fuzz\")")

set(MD_FUZZ_BINARY_DIR ${PROJECT_BINARY_DIR}/fuzz)
set(MD_FUZZ_ARGS -DCMAKE_CXX_COMPILER=${MD_FUZZ_COMPILER} -DCMAKE_BUILD_TYPE=RelWithDebInfo
                 -DMD_SOURCE_DIR=${PROJECT_SOURCE_DIR} -DMD_SPM_SHIM=$<TARGET_FILE:md_spm_shim>)
if(CMAKE_PREFIX_PATH)
    list(APPEND MD_FUZZ_ARGS "-DCMAKE_PREFIX_PATH=${CMAKE_PREFIX_PATH}")
endif()
ExternalProject_Add(md_fuzz
    SOURCE_DIR ${PROJECT_SOURCE_DIR}/tests/fuzz
    BINARY_DIR ${MD_FUZZ_BINARY_DIR}
    CMAKE_ARGS ${MD_FUZZ_ARGS}
    BUILD_ALWAYS ON # its own build decides what is out of date
    INSTALL_COMMAND ""
    DEPENDS md_spm_shim)

# md_fuzz_dict(<target> <var>): the target's libFuzzer dictionary, "" if none.
function(md_fuzz_dict target var)
    set(name ${target})
    if(target MATCHES "_prompt$")
        set(name prompt)
    elseif(target MATCHES "^(project|png)_")
        set(name project)
    endif()
    set(path ${PROJECT_SOURCE_DIR}/tests/fuzz/${name}.dict)
    if(NOT EXISTS ${path})
        set(path "")
    endif()
    set(${var} ${path} PARENT_SCOPE)
endfunction()

foreach(target ${MD_FUZZ_TARGETS})
    md_fuzz_dict(${target} dict)
    add_test(NAME fuzz.${target}
             COMMAND ${PROJECT_SOURCE_DIR}/tests/fuzz/run-fuzzer.sh
                     ${MD_FUZZ_BINARY_DIR}/bin/${target}
                     ${PROJECT_SOURCE_DIR}/tests/fuzz/corpus/${target}
                     ${MD_FUZZ_BINARY_DIR}/ctest/${target} ${MD_FUZZ_SECONDS} ${dict})
    # A fresh scratch copy of the seeds each time, so a CI run is the seeds plus 5 s.
    set_tests_properties(fuzz.${target} PROPERTIES LABELS fuzz TIMEOUT 120
                                                   ENVIRONMENT MD_FUZZ_FRESH=1)
endforeach()
