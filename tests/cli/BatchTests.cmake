# Tests of `mdstudio-cli batch` and `generate --save-project` (owner: document). Included from
# tests/cli/CMakeLists.txt. One GoogleTest executable that runs the built CLI on the tiny
# fixture model and checks the files with mdcore; label "cli".
file(GLOB MD_BATCH_TEST_SOURCES CONFIGURE_DEPENDS ${CMAKE_CURRENT_LIST_DIR}/batch/*.cpp)
if(MD_BATCH_TEST_SOURCES AND TARGET mdstudio-cli AND TARGET mdcore_objects)
    add_executable(test_cli_batch ${MD_BATCH_TEST_SOURCES}
                                  ${PROJECT_SOURCE_DIR}/core/engine/EngineTypes.cpp)
    target_include_directories(test_cli_batch PRIVATE ${PROJECT_BINARY_DIR}/tests/generated
                                                      ${PROJECT_SOURCE_DIR}/tests
                                                      ${PROJECT_SOURCE_DIR}/core)
    target_compile_options(test_cli_batch PRIVATE
                           $<TARGET_PROPERTY:torch,INTERFACE_COMPILE_OPTIONS>)
    target_link_libraries(test_cli_batch PRIVATE mdcore_objects nlohmann_json::nlohmann_json
                                                 ${OpenCV_LIBS} GTest::gtest GTest::gtest_main)
    set_target_properties(test_cli_batch PROPERTIES
        RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/tests)
    add_dependencies(test_cli_batch mdstudio-cli)
    md_apply_warnings(test_cli_batch)
    gtest_discover_tests(test_cli_batch DISCOVERY_MODE PRE_TEST DISCOVERY_TIMEOUT 120
                         PROPERTIES LABELS cli TIMEOUT 600 ENVIRONMENT "${MD_TEST_HASH_CACHE}")
endif()
