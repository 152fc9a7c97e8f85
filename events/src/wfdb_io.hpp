#pragma once
// File reading shared by the WFDB parsers: whole small files into memory, with input errors that name the
// file.
#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

#include "spikekit/core/error.hpp"

namespace spikekit::events::detail {

inline std::vector<std::uint8_t> read_file_bytes(const std::string& path, const std::string& what) {
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    if (!in) throw input_error(path, "", "cannot open " + what);
    const std::streamoff size = in.tellg();
    if (size < 0) throw input_error(path, "", "cannot determine the size of " + what);
    std::vector<std::uint8_t> bytes(static_cast<std::size_t>(size));
    in.seekg(0);
    if (size > 0 && !in.read(reinterpret_cast<char*>(bytes.data()), size))
        throw input_error(path, "byte " + std::to_string(in.gcount()),
                          "read failed (file shrank or I/O error)");
    return bytes;
}

} // namespace spikekit::events::detail
