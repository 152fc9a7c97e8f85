#pragma once
// Thin RAII wrappers over the HDF5 C API; every failure becomes a typed error naming the file and dataset.
#include <cstdint>
#include <string>
#include <vector>

#include <hdf5.h>

namespace spikekit::h5 {

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

// A file opened for reading; errors are input_error (the file is user input).
class reader {
public:
    explicit reader(const std::string& path);
    bool has(const std::string& dataset) const;
    std::vector<double> read_doubles(const std::string& dataset) const;
    std::vector<std::int64_t> read_ints(const std::string& dataset) const;
    std::vector<float> read_floats(const std::string& dataset) const;
    std::string read_string_attr(const std::string& object, const std::string& name) const;
    double read_double_attr(const std::string& object, const std::string& name) const;
    const std::string& path() const { return path_; }
    hid_t id() const { return file_.get(); }

private:
    std::string path_;
    handle file_;
};

// A new file for writing; errors are runtime_error.
class writer {
public:
    explicit writer(const std::string& path);
    void group(const std::string& path);
    template <class T>
    void write(const std::string& dataset, const std::vector<T>& data, std::vector<hsize_t> dims = {});
    void attr(const std::string& object, const std::string& name, const std::string& value);
    void attr(const std::string& object, const std::string& name, double value);
    void attr(const std::string& object, const std::string& name, const std::vector<double>& value);
    void close();
    hid_t id() const { return file_.get(); }

private:
    std::string path_;
    handle file_;
};

extern template void writer::write(const std::string&, const std::vector<double>&, std::vector<hsize_t>);
extern template void writer::write(const std::string&, const std::vector<float>&, std::vector<hsize_t>);
extern template void writer::write(const std::string&, const std::vector<std::uint64_t>&, std::vector<hsize_t>);
extern template void writer::write(const std::string&, const std::vector<std::int64_t>&, std::vector<hsize_t>);
extern template void writer::write(const std::string&, const std::vector<std::uint32_t>&, std::vector<hsize_t>);
extern template void writer::write(const std::string&, const std::vector<std::int32_t>&, std::vector<hsize_t>);
extern template void writer::write(const std::string&, const std::vector<std::uint8_t>&, std::vector<hsize_t>);

// Quiet HDF5's own error printing once per process (errors are reported through exceptions instead).
void silence_errors();

} // namespace spikekit::h5
