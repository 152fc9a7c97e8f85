# Shared compile settings for every spikekit target.
add_library(spikekit_warnings INTERFACE)
target_compile_options(spikekit_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion
  -Wnon-virtual-dtor -Wold-style-cast -Woverloaded-virtual -Wnull-dereference
  -Wdouble-promotion -Wformat=2 -Wimplicit-fallthrough
  -Wno-restrict)  # GCC 12 reports false -Wrestrict positives inside std::string (GCC bug 105329)
if(SPIKEKIT_WERROR)
  target_compile_options(spikekit_warnings INTERFACE -Werror)
endif()
if(SPIKEKIT_NATIVE)
  target_compile_options(spikekit_warnings INTERFACE -march=native)
endif()
if(SPIKEKIT_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()

# spikekit_library(name SOURCES ... DEPS ...): one library per top-level folder.
function(spikekit_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;PUBLIC_DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(spikekit_${name} STATIC ${ARG_SOURCES})
  add_library(spikekit::${name} ALIAS spikekit_${name})
  target_include_directories(spikekit_${name} PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/include
                                              PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/src)
  target_link_libraries(spikekit_${name} PUBLIC ${ARG_PUBLIC_DEPS}
                                         PRIVATE spikekit_warnings ${ARG_PRIVATE_DEPS})
endfunction()
