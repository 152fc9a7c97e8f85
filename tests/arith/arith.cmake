# The integer profile (spikekit::arith): edge values under the sanitizers, and a freestanding compile with
# the host compiler and, when present, the Cortex-M compiler the MCU runtime uses.
spikekit_test(arith SOURCES arith/test_int_lif_edges.cpp arith/test_counter_rng.cpp
              LIBS spikekit::arith spikekit::core)
set(SPIKEKIT_FREESTANDING_FLAGS -std=c++17 -ffreestanding -fno-exceptions -fno-rtti -nostdlib -Wall -Wextra
    -Wpedantic -Wconversion -Wsign-conversion -Wshadow -Werror -I${PROJECT_SOURCE_DIR}/arith/include
    -c ${CMAKE_CURRENT_SOURCE_DIR}/arith/freestanding_check.cpp)
add_test(NAME arith_freestanding_host
         COMMAND ${CMAKE_CXX_COMPILER} ${SPIKEKIT_FREESTANDING_FLAGS} -o ${CMAKE_CURRENT_BINARY_DIR}/arith_host.o)
find_program(SPIKEKIT_ARM_CXX arm-none-eabi-g++)
if(SPIKEKIT_ARM_CXX)
  add_test(NAME arith_freestanding_cortex_m
           COMMAND ${SPIKEKIT_ARM_CXX} -mcpu=cortex-m0plus -mthumb -Os ${SPIKEKIT_FREESTANDING_FLAGS}
                   -o ${CMAKE_CURRENT_BINARY_DIR}/arith_m0plus.o)
else()
  message(STATUS "arm-none-eabi-g++ not found: the Cortex-M freestanding check of spikekit::arith is skipped")
endif()
