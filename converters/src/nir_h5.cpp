// HDF5 access for NIR files (see nir_h5.hpp), entirely through the project's HDF5 layer (spikekit/io/h5.hpp):
// link listing, string datasets of any shape (edges are an (E, 2) array), variable-length UTF-8 strings and
// scalar numbers as nir.write stores them are io::h5's too.
#include "nir_h5.hpp"

#include <algorithm>

#include "spikekit/core/error.hpp"
#include "spikekit/io/h5.hpp"

namespace spikekit::converters::nirh5 {

struct file_reader::impl {
    io::h5::reader r;
};

file_reader::file_reader(const std::string& path) : p_(std::make_unique<impl>(impl{io::h5::reader(path)})) {}

file_reader::~file_reader() = default;

bool file_reader::exists(const std::string& path) const {
    return p_->r.has(path);
}

bool file_reader::is_group(const std::string& path) const {
    return p_->r.is_group(path);
}

std::vector<std::string> file_reader::children(const std::string& group) const {
    return p_->r.children(group);
}

nir_value file_reader::read(const std::string& path, const std::string& what) const {
    const auto& file = p_->r.path();
    if (!exists(path) || is_group(path)) throw input_error(file, what, "expected a dataset");
    const auto element = p_->r.element_of(path);
    nir_value v;
    for (auto d : p_->r.dims(path)) v.shape.push_back(static_cast<std::size_t>(d));
    if (element.cls == H5T_STRING) {
        v.text = true;
        v.strings = p_->r.read_strings(path);
        return v;
    }
    if (element.cls != H5T_INTEGER && element.cls != H5T_FLOAT)
        throw input_error(file, what, "expected numbers or a string, found another HDF5 type class");
    v.integer = element.cls == H5T_INTEGER;
    v.numbers = p_->r.read_doubles(path); // a scalar is one number
    return v;
}

struct file_writer::impl {
    io::h5::writer w;
};

file_writer::file_writer(const std::string& path)
    : p_(std::make_unique<impl>(impl{io::h5::writer(path, false)})) {}

file_writer::~file_writer() = default;

void file_writer::group(const std::string& path) {
    p_->w.group(path);
}

void file_writer::write(const std::string& path, const nir_value& v) {
    std::vector<hsize_t> dims(v.shape.begin(), v.shape.end());
    if (v.text) { // variable-length UTF-8, as h5py's string_dtype
        p_->w.write_strings(path, v.strings, dims);
        return;
    }
    if (dims.empty()) { // a scalar, as h5py writes a Python int or float
        if (v.integer)
            p_->w.write_scalar(path, static_cast<std::int64_t>(v.numbers.at(0)));
        else
            p_->w.write_scalar(path, v.numbers.at(0));
        return;
    }
    if (v.count() == 0) { // an empty edge list is float64 (0,), as h5py writes it
        if (v.integer)
            p_->w.write(path, std::vector<std::int64_t>{}, dims);
        else
            p_->w.write(path, std::vector<double>{}, dims);
        return;
    }
    const bool f32 = std::all_of(v.numbers.begin(), v.numbers.end(),
                                 [](double x) { return static_cast<double>(static_cast<float>(x)) == x; });
    if (v.integer)
        p_->w.write(path, std::vector<std::int64_t>(v.numbers.begin(), v.numbers.end()), dims);
    else if (f32) { // float32 when no value loses a bit (as most writers store weights; half the size)
        std::vector<float> f(v.numbers.size());
        for (std::size_t i = 0; i < f.size(); ++i) f[i] = static_cast<float>(v.numbers[i]);
        p_->w.write(path, f, dims);
    } else {
        p_->w.write(path, v.numbers, dims);
    }
}

void file_writer::close() {
    p_->w.close();
}

} // namespace spikekit::converters::nirh5
