# ECG tests: WFDB readers on the 48 real MIT-BIH records, bad input, encoders, segmentation, the CLI verbs,
# and the libFuzzer targets for the .hea/.dat/.atr parsers (tests/fuzz/run_ecg_fuzz.sh; exit 77 = skipped).
spikekit_test(events_ecg
  SOURCES events/test_wfdb_mitdb.cpp events/test_wfdb_bad_input.cpp events/test_ecg_encode.cpp
          events/test_ecg_segment.cpp events/test_ecg_cli.cpp events/test_ecg_replay.cpp
  LIBS spikekit::events nlohmann_json::nlohmann_json)
target_compile_definitions(test_events_ecg PRIVATE SPIKEKIT_BIN="$<TARGET_FILE:spikekit>")
add_dependencies(test_events_ecg spikekit)
if(NOT SPIKEKIT_SANITIZE) # the fuzz binaries carry their own sanitizers
  add_test(NAME events_ecg_fuzz
           COMMAND sh ${PROJECT_SOURCE_DIR}/tests/fuzz/run_ecg_fuzz.sh ${PROJECT_SOURCE_DIR} ${PROJECT_SOURCE_DIR}/../shared
                   ${CMAKE_CURRENT_BINARY_DIR}/ecg_fuzz 5)
  set_tests_properties(events_ecg_fuzz PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 600)
endif()
