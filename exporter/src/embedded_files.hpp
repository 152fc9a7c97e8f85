#pragma once
// The sources every exported MCU project contains, embedded at build time by exporter/embed.cmake.
#include <cstddef>

namespace spikekit::exporter::detail {
struct embedded_file {
    const char* path; // inside the exported directory
    const char* text;
};
extern const embedded_file embedded_files[];
extern const std::size_t embedded_count;
} // namespace spikekit::exporter::detail
