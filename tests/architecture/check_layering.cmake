# cmake -DROOT=DIR -P check_layering.cmake: the layering check of docs/architecture.md on the tree DIR.
cmake_minimum_required(VERSION 3.20)
include(${CMAKE_CURRENT_LIST_DIR}/../../cmake/spikekit_layering.cmake)
spikekit_check_layering(${ROOT})
