# The converters test binary (ONNX import, data loaders, conversion, evaluation, quantization, export).
find_package(Protobuf REQUIRED)
find_package(ONNX REQUIRED CONFIG)
find_package(ZLIB REQUIRED)
spikekit_test(converters SOURCES converters/test_onnx_import.cpp converters/test_dataset.cpp converters/test_conversion.cpp converters/test_network_writer.cpp converters/test_quantize.cpp
              LIBS spikekit::converters spikekit::core spikekit::neurons onnx_proto ZLIB::ZLIB nlohmann_json::nlohmann_json
                   ${HDF5_C_LIBRARIES})
target_include_directories(test_converters SYSTEM PRIVATE ${HDF5_C_INCLUDE_DIRS})
target_compile_definitions(test_converters PRIVATE SPIKEKIT_BIN="$<TARGET_FILE:spikekit>")
add_dependencies(test_converters spikekit)
