#pragma once
// Image-set files, read whole: MNIST-style IDX (gzip-compressed or not) and NumPy .npy arrays. These are
// the formats only; what the arrays mean (images and labels, their shapes) is up to the caller
// (converters/dataset.hpp, events/digits.hpp). Every problem is an input_error naming the file and the byte
// offset or header field.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace spikekit::io {

// The whole file, through zlib, so that .gz and plain files read the same way.
std::vector<std::uint8_t> read_maybe_gzip(const std::string& path);

// An IDX array of unsigned bytes: magic 0x0000080R (R = rank), R big-endian 32-bit dimensions, the data.
struct idx_array {
    std::vector<std::uint32_t> dims;
    std::vector<std::uint8_t> data; // product of dims bytes, row-major
};
// Refuses another magic, a header shorter than the rank needs and a payload of another size.
idx_array read_idx(const std::string& path, unsigned rank);

// A .npy array (format versions 1-3, C order, little-endian integers or floats of 4 or 8 bytes).
struct npy_array {
    char kind = 'f';      // 'f' float, 'i' signed, 'u' unsigned
    std::size_t item = 4; // bytes per element
    std::vector<std::size_t> shape;
    std::string data; // the raw elements
    std::size_t count() const { return item ? data.size() / item : 0; }
    double value(std::size_t k) const; // element k converted to double
};
npy_array read_npy(const std::string& path);

} // namespace spikekit::io
