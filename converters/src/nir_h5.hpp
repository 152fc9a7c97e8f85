#pragma once
// The little HDF5 a NIR file needs, behind a small interface (implemented on spikekit::io::h5, the one HDF5
// layer of the project).
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "spikekit/converters/nir.hpp"

namespace spikekit::converters::nirh5 {

class file_reader {
  public:
    explicit file_reader(const std::string& path); // input_error if it is not a readable HDF5 file
    ~file_reader();
    file_reader(const file_reader&) = delete;
    file_reader& operator=(const file_reader&) = delete;
    bool exists(const std::string& path) const;
    bool is_group(const std::string& path) const;
    std::vector<std::string> children(const std::string& group) const; // link names, by name
    // A dataset: numbers (any integer or float type, converted to double) or strings (variable or fixed
    // length). Other classes: input_error naming `what`.
    nir_value read(const std::string& path, const std::string& what) const;

  private:
    struct impl;
    std::unique_ptr<impl> p_;
};

class file_writer {
  public:
    explicit file_writer(const std::string& path); // runtime_error on failure
    ~file_writer();
    file_writer(const file_writer&) = delete;
    file_writer& operator=(const file_writer&) = delete;
    void group(const std::string& path);
    // Strings as variable-length UTF-8 (scalar when shape is empty); numbers as int64 (integer) or float64.
    void write(const std::string& path, const nir_value& v);
    void close();

  private:
    struct impl;
    std::unique_ptr<impl> p_;
};

} // namespace spikekit::converters::nirh5
