# ECG part of the events library: WFDB (PhysioNet) readers, band-pass filter, level-crossing encoder, beat
# segmentation and R-peak detection, HDF5 output of encoded streams (through the I/O layer, spikekit::io).
list(APPEND SPIKEKIT_EVENTS_SOURCES
  src/wfdb_header.cpp src/wfdb_signal.cpp src/wfdb_annotations.cpp
  src/ecg_filter.cpp src/ecg_encode.cpp src/ecg_hdf5.cpp src/ecg_segment.cpp src/ecg_replay.cpp)
