# Compiler launcher (ccache) and the warning policy for our own targets.
if(MD_USE_CCACHE)
    find_program(MD_CCACHE ccache)
    if(MD_CCACHE)
        # Precompiled headers and ccache work together only with these sloppiness flags.
        set(CMAKE_CXX_COMPILER_LAUNCHER
            ${CMAKE_COMMAND} -E env
            "CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime"
            ${MD_CCACHE})
    endif()
endif()

# MD_SANITIZE: build everything of ours with these sanitizers, e.g. "address,undefined" or
# "thread" (scripts/sanitize.sh configures build-asan/ and build-tsan/ with it). Third-party
# libraries (libtorch, Qt, OpenCV) stay uninstrumented; tests/sanitizers/ holds the
# suppressions for what they report. md_no_sanitizers(target) takes the flags off again.
set(MD_SANITIZE "" CACHE STRING "Sanitizers for our code (-fsanitize=...), e.g. address,undefined")
set(MD_SANITIZE_FLAGS "")
if(MD_SANITIZE)
    set(MD_SANITIZE_FLAGS -fsanitize=${MD_SANITIZE} -fno-omit-frame-pointer)
    add_compile_options(${MD_SANITIZE_FLAGS})
    # g++ 12 with -fsanitize=thread reports -Wmaybe-uninitialized inside libtorch's headers
    # (c10::optional<std::vector> in interpolate options): false positives of the
    # instrumented inlining, not in our code; kept as warnings there, not errors.
    if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
        add_compile_options(-Wno-error=maybe-uninitialized)
    endif()
    add_link_options(-fsanitize=${MD_SANITIZE})
    message(STATUS "Sanitizers: ${MD_SANITIZE}")
endif()

# md_no_sanitizers(target): no sanitizer flags for this target (a module loaded with dlmopen
# into a namespace of its own, where a second sanitizer runtime cannot start).
function(md_no_sanitizers target)
    if(MD_SANITIZE)
        foreach(property COMPILE_OPTIONS LINK_OPTIONS)
            get_target_property(options ${target} ${property})
            if(options)
                list(FILTER options EXCLUDE REGEX "^-fsanitize=|^-fno-omit-frame-pointer$")
                set_property(TARGET ${target} PROPERTY ${property} "${options}")
            endif()
        endforeach()
    endif()
endfunction()

# md_apply_warnings(target): strict warnings for code we write. Third-party headers
# (libtorch, Qt, OpenCV) come in through imported targets, which CMake marks SYSTEM.
function(md_apply_warnings target)
    if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
        target_compile_options(${target} PRIVATE -Wall -Wextra -Wno-unused-parameter)
        if(MD_WERROR)
            target_compile_options(${target} PRIVATE -Werror)
        endif()
    endif()
endfunction()

# md_reuse_torch_pch(target): reuse the engine's precompiled libtorch header.
# Targets that reuse it must keep the same compile flags (so: no per-target -D options;
# tests read their configuration from a generated header instead).
function(md_reuse_torch_pch target)
    if(MD_USE_PCH)
        target_precompile_headers(${target} REUSE_FROM md_torch_pch)
    endif()
endfunction()

# md_unity_build(target): compile the target's sources in batches of 8 (one translation
# unit each) when MD_UNITY_BUILD is on. File-local helpers must then have distinct names
# within a folder (or live in a shared header).
function(md_unity_build target)
    if(MD_UNITY_BUILD)
        set_target_properties(${target} PROPERTIES UNITY_BUILD ON UNITY_BUILD_BATCH_SIZE 8)
    endif()
endfunction()
