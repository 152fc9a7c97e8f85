# ECG part of the events library: WFDB (PhysioNet) readers, band-pass filter, level-crossing encoder, beat
# segmentation and R-peak detection, HDF5 output of encoded streams (through core's private h5 helpers).
list(APPEND SPIKEKIT_EVENTS_SOURCES
  src/wfdb_header.cpp src/wfdb_signal.cpp src/wfdb_annotations.cpp
  src/ecg_filter.cpp src/ecg_encode.cpp src/ecg_hdf5.cpp src/ecg_segment.cpp src/ecg_replay.cpp)
add_library(spikekit_events_ecg_deps INTERFACE)
target_link_libraries(spikekit_events_ecg_deps INTERFACE ${HDF5_C_LIBRARIES})
target_include_directories(spikekit_events_ecg_deps SYSTEM INTERFACE ${HDF5_C_INCLUDE_DIRS})
list(APPEND SPIKEKIT_EVENTS_DEPS spikekit_events_ecg_deps)
