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
