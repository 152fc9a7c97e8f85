# Chip models (chips/): chip files and presets, PAIBox's mapping arithmetic, greedy mapping, the chip run.
spikekit_test(chips SOURCES chips/test_chip_spec.cpp chips/test_map_paicore.cpp chips/test_map_greedy.cpp
              chips/test_chip_run.cpp chips/test_chip_kernel.cpp chips/test_chip_learning.cpp
              LIBS spikekit::chips spikekit::neurons spikekit::learning nlohmann_json::nlohmann_json)
