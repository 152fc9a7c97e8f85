# Event-camera part of the events library: readers (one decoder plugin per format), writers, transforms,
# images. Included from events/CMakeLists.txt before the library target exists, so dependencies go through
# one INTERFACE target appended to SPIKEKIT_EVENTS_DEPS.
list(APPEND SPIKEKIT_EVENTS_SOURCES
  src/camera_reader.cpp src/camera_prophesee_header.cpp src/evt2_decoder.cpp src/evt3_decoder.cpp
  src/dat_decoder.cpp src/nmnist_decoder.cpp src/aedat2_decoder.cpp src/aedat31_decoder.cpp
  src/aedat4_decoder.cpp src/camera_hdf5.cpp src/camera_writer.cpp src/camera_transforms.cpp
  src/camera_image.cpp src/camera_replay.cpp)

find_package(ZLIB REQUIRED)
find_package(PkgConfig QUIET)
if(PkgConfig_FOUND)
  pkg_check_modules(SPIKEKIT_LZ4 QUIET IMPORTED_TARGET liblz4)
endif()
add_library(spikekit_events_camera_deps INTERFACE)
if(TARGET PkgConfig::SPIKEKIT_LZ4)
  target_link_libraries(spikekit_events_camera_deps INTERFACE PkgConfig::SPIKEKIT_LZ4)
else()
  find_library(SPIKEKIT_LZ4_LIBRARY NAMES lz4 REQUIRED)
  find_path(SPIKEKIT_LZ4_INCLUDE lz4frame.h REQUIRED)
  target_link_libraries(spikekit_events_camera_deps INTERFACE ${SPIKEKIT_LZ4_LIBRARY})
  target_include_directories(spikekit_events_camera_deps SYSTEM INTERFACE ${SPIKEKIT_LZ4_INCLUDE})
endif()
target_link_libraries(spikekit_events_camera_deps INTERFACE ZLIB::ZLIB) # PNG images (camera_image.cpp)
list(APPEND SPIKEKIT_EVENTS_DEPS spikekit_events_camera_deps)
