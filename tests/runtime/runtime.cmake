# The MCU runtime (freestanding engine, in-process against the kernel) and `spikekit export --target mcu`.
spikekit_test(runtime SOURCES runtime/test_event_queue.cpp runtime/test_engine.cpp runtime/test_export_mcu.cpp
              LIBS spikekit::runtime spikekit::exporter spikekit::core spikekit::neurons nlohmann_json::nlohmann_json)
target_compile_definitions(test_runtime PRIVATE SPIKEKIT_BIN="$<TARGET_FILE:spikekit>")
add_dependencies(test_runtime spikekit)
