# Event-camera tests: readers on the real sample files, bad input, writers, transforms, the CLI verbs, and
# the libFuzzer targets (built with clang by tests/fuzz/run_camera_fuzz.sh; exit 77 = skipped).
find_package(ZLIB REQUIRED)
spikekit_test(events_camera
  SOURCES events/test_camera_readers.cpp events/test_camera_bad_input.cpp events/test_camera_writers.cpp
          events/test_camera_transforms.cpp events/test_camera_cli.cpp events/test_replay.cpp
          events/test_image_rates.cpp
  LIBS spikekit::events spikekit::neurons ZLIB::ZLIB nlohmann_json::nlohmann_json)
target_compile_definitions(test_events_camera PRIVATE SPIKEKIT_BIN="$<TARGET_FILE:spikekit>")
add_dependencies(test_events_camera spikekit)

# The libFuzzer targets, built with clang by the script and run 5 s each on the real samples. They carry
# their own sanitizers, so the sanitizer build of the suite does not run them a second time.
if(NOT SPIKEKIT_SANITIZE)
  add_test(NAME events_camera_fuzz
           COMMAND sh ${PROJECT_SOURCE_DIR}/tests/fuzz/run_camera_fuzz.sh ${PROJECT_SOURCE_DIR}
                   ${PROJECT_SOURCE_DIR}/../shared ${CMAKE_BINARY_DIR}/fuzz-camera 5)
  set_tests_properties(events_camera_fuzz PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 900)
endif()
