#pragma once
// The event-camera file formats spikekit reads, and how a file's format is recognised.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace spikekit::events {

enum class format : std::uint8_t {
    nmnist,  // N-MNIST / N-Caltech101 40-bit binary (.bin, slayer's .bs2); no header
    evt2,    // Prophesee EVT 2.0 .raw (32-bit words)
    evt3,    // Prophesee EVT 3.0 .raw (16-bit words, stateful)
    dat,     // Prophesee .dat (CD "Event2D", 8-byte records)
    aedat2,  // jAER AEDAT 2.0 (and 1.0): big-endian address + timestamp
    aedat31, // iniVation AEDAT 3.1 (polarity packets)
    aedat4,  // iniVation AEDAT 4.0 (FlatBuffer packets, LZ4)
    hdf5,    // spikekit's HDF5 event layout (/events/{t,x,y,p}, see writer.hpp)
};

// Short lower-case name used by the CLI and in JSON ("evt2", "aedat4", ...).
std::string_view format_name(format f);

// The format with that short name, if any.
std::optional<format> format_from_name(std::string_view name);

// Recognise a file's format from its first bytes (magic lines, `%` header keys) and, when the header says
// nothing (N-MNIST has no header), from its extension. Throws input_error naming the file when neither
// tells.
format detect_format(const std::string& path);

// The format a file should be written in, from the extension of `path` (.raw -> evt2, .h5/.hdf5 -> hdf5).
// Throws input_error for an extension spikekit cannot write.
format output_format_for(const std::string& path);

} // namespace spikekit::events
