#pragma once
// The one HDF5 layer of spikekit: RAII over the HDF5 C API, a reader whose every failure is an input_error
// naming the file and the dataset (the file is user input), and a writer whose failures are runtime_errors.
// HDF5's own error printer (a stack dump on stderr) is switched off here, in silence_errors(), and nowhere
// else: errors reach the user through exceptions.
#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <hdf5.h>

namespace spikekit::io::h5 {

class handle {
  public:
    handle() = default;
    handle(hid_t id, herr_t (*close)(hid_t)) : id_(id), close_(close) {}
    handle(const handle&) = delete;
    handle& operator=(const handle&) = delete;
    handle(handle&& o) noexcept : id_(o.id_), close_(o.close_) { o.id_ = -1; }
    handle& operator=(handle&& o) noexcept {
        std::swap(id_, o.id_);
        std::swap(close_, o.close_);
        return *this;
    }
    ~handle() {
        if (id_ >= 0 && close_) close_(id_);
    }
    hid_t get() const { return id_; }
    explicit operator bool() const { return id_ >= 0; }

  private:
    hid_t id_ = -1;
    herr_t (*close_)(hid_t) = nullptr;
};

// Quiet HDF5's own error printing once per process (errors are reported through exceptions instead).
void silence_errors();

// A file opened for reading; errors are input_error (the file is user input).
class reader {
  public:
    explicit reader(const std::string& path);
    bool has(const std::string& dataset) const;
    bool has_attr(const std::string& object, const std::string& name) const;
    bool is_group(const std::string& path) const;
    // The names of a group's links, in name order (input_error when `group` is not a group).
    std::vector<std::string> children(const std::string& group) const;
    // Dimensions of a dataset (input_error when it is missing or unreadable).
    std::vector<hsize_t> dims(const std::string& dataset) const;
    // True for a dataset of unsigned 8-bit integers (image pixels).
    bool is_u8(const std::string& dataset) const;
    // The element type of a dataset: class (H5T_INTEGER, H5T_FLOAT, H5T_STRING...), bytes, signedness.
    struct element {
        H5T_class_t cls = H5T_NO_CLASS;
        std::size_t size = 0;
        bool is_signed = false;
    };
    element element_of(const std::string& dataset) const;
    // Every dataset of the file, by full path ("/group/name"), in name order.
    std::vector<std::string> datasets() const;
    // The CRC-32 attributes a checksumming writer puts on its datasets: a dataset whose bytes (or type, or
    // shape) differ from what was written is an input_error naming it; with `required`, so is a dataset
    // without a checksum.
    void verify_checksum(const std::string& dataset, bool required) const;
    void verify_checksums(bool required) const; // every dataset of the file
    // The whole dataset converted to T (input_error for a non-numeric dataset or values out of T's range).
    template <class T>
    std::vector<T> read(const std::string& dataset) const;
    std::vector<double> read_doubles(const std::string& dataset) const { return read<double>(dataset); }
    std::vector<std::int64_t> read_ints(const std::string& dataset) const {
        return read<std::int64_t>(dataset);
    }
    std::vector<float> read_floats(const std::string& dataset) const { return read<float>(dataset); }
    // Elements [offset, offset + out.size()) of a 1-D dataset.
    template <class T>
    void read_slice(const std::string& dataset, hsize_t offset, std::span<T> out) const;
    // A string stored as a scalar (fixed- or variable-length) string dataset.
    std::string read_string(const std::string& dataset) const;
    // Every string of a string dataset of any shape (fixed- or variable-length), in storage order.
    std::vector<std::string> read_strings(const std::string& dataset) const;
    std::string read_string_attr(const std::string& object, const std::string& name) const;
    double read_double_attr(const std::string& object, const std::string& name) const;
    const std::string& path() const { return path_; }
    hid_t id() const { return file_.get(); }

  private:
    std::string path_;
    handle file_;
};

// A 1-D dataset that grows by appending (chunked; shuffle + deflate when the filter is available).
template <class T>
class appender {
  public:
    appender(hid_t file, const std::string& path, const std::string& dataset, hsize_t chunk);
    void append(std::span<const T> values);
    hid_t id() const { return ds_.get(); }

  private:
    std::string path_, name_;
    handle ds_;
    hsize_t size_ = 0;
};

// A new file for writing; errors are runtime_error. With `compress`, datasets of 4096 elements or more
// are chunked and deflated; without, every dataset is contiguous.
class writer {
  public:
    explicit writer(const std::string& path, bool compress = true);
    // From now on every dataset written carries a CRC-32 of its type, shape and bytes (attribute "crc32"),
    // which reader::verify_checksums() checks.
    void checksum_datasets() { checksums_ = true; }
    void group(const std::string& path);
    template <class T>
    void write(const std::string& dataset, const std::vector<T>& data, std::vector<hsize_t> dims = {});
    // A string as a scalar fixed-length string dataset: no size limit (attributes stop at 64 KB).
    void write_string(const std::string& dataset, const std::string& value);
    // Strings as variable-length UTF-8 (h5py's string_dtype); a scalar dataset when `dims` is empty.
    void write_strings(const std::string& dataset, const std::vector<std::string>& values,
                       const std::vector<hsize_t>& dims);
    // A scalar (rank 0) dataset: int64 or float64.
    void write_scalar(const std::string& dataset, std::int64_t value);
    void write_scalar(const std::string& dataset, double value);
    template <class T>
    appender<T> append_dataset(const std::string& dataset, hsize_t chunk) {
        return appender<T>(file_.get(), path_, dataset, chunk);
    }
    void attr(const std::string& object, const std::string& name, const std::string& value);
    void attr(const std::string& object, const std::string& name, double value);
    void attr(const std::string& object, const std::string& name, const std::vector<double>& value);
    // A scalar uint32 attribute (stored little-endian).
    void attr_u32(const std::string& object, const std::string& name, std::uint32_t value);
    void close();
    const std::string& path() const { return path_; }
    hid_t id() const { return file_.get(); }

  private:
    std::string path_;
    handle file_;
    bool compress_ = true, checksums_ = false;
    void checksum(const std::string& dataset, hid_t type, const std::vector<hsize_t>& dims, const void* data,
                  std::size_t bytes);
};

// The numeric element types the reader, the writer and the appender handle.
// clang-format off
#define SPIKEKIT_H5_TYPES(X) \
    X(double) X(float) X(std::uint64_t) X(std::int64_t) X(std::uint32_t) X(std::int32_t) X(std::uint16_t) \
    X(std::int16_t) X(std::uint8_t)
// clang-format on
#define SPIKEKIT_H5_EXTERN(T)                                                                                \
    extern template std::vector<T> reader::read(const std::string&) const;                                   \
    extern template void reader::read_slice(const std::string&, hsize_t, std::span<T>) const;                \
    extern template void writer::write(const std::string&, const std::vector<T>&, std::vector<hsize_t>);     \
    extern template class appender<T>;
SPIKEKIT_H5_TYPES(SPIKEKIT_H5_EXTERN)
#undef SPIKEKIT_H5_EXTERN

} // namespace spikekit::io::h5
