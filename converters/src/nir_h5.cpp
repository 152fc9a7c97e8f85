// HDF5 access for NIR files (see nir_h5.hpp) through the project's HDF5 layer (spikekit/io/h5.hpp): opening,
// numeric reads and writes, groups and error handling are io::h5's; what it does not offer and NIR needs -
// listing a group's links, string datasets of any shape (edges are an (E, 2) array), variable-length UTF-8
// strings and scalar numbers as nir.write stores them - is done here on its handles.
#include "nir_h5.hpp"

#include <algorithm>

#include "spikekit/core/error.hpp"
#include "spikekit/io/h5.hpp"

namespace spikekit::converters::nirh5 {
namespace {

using io::h5::handle;

herr_t add_name(hid_t, const char* name, const H5L_info_t*, void* data) {
    static_cast<std::vector<std::string>*>(data)->push_back(name);
    return 0;
}

handle string_type() {
    handle t(H5Tcopy(H5T_C_S1), H5Tclose);
    H5Tset_size(t.get(), H5T_VARIABLE);
    H5Tset_cset(t.get(), H5T_CSET_UTF8);
    return t;
}

std::vector<std::string> read_strings(hid_t ds, hid_t type, hid_t space, std::size_t n,
                                      const std::string& file, const std::string& what) {
    std::vector<std::string> out;
    if (H5Tis_variable_str(type) > 0) {
        std::vector<char*> raw(n, nullptr);
        handle mem = string_type();
        if (n > 0 && H5Dread(ds, mem.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, raw.data()) < 0)
            throw input_error(file, what, "cannot read the strings");
        for (char* s : raw) out.emplace_back(s ? s : "");
        if (n > 0) H5Dvlen_reclaim(mem.get(), space, H5P_DEFAULT, raw.data());
        return out;
    }
    const std::size_t len = H5Tget_size(type);
    std::vector<char> raw(n * len + 1, '\0');
    handle mem(H5Tcopy(H5T_C_S1), H5Tclose);
    H5Tset_size(mem.get(), len);
    if (n > 0 && H5Dread(ds, mem.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, raw.data()) < 0)
        throw input_error(file, what, "cannot read the strings");
    for (std::size_t i = 0; i < n; ++i) {
        std::string s(raw.data() + i * len, len);
        s.erase(s.find_last_not_of('\0') + 1);
        out.push_back(s);
    }
    return out;
}

} // namespace

struct file_reader::impl {
    io::h5::reader r;
};

file_reader::file_reader(const std::string& path) {
    if (H5Fis_hdf5(path.c_str()) <= 0) throw input_error(path, "", "not an HDF5 file (a NIR graph is HDF5)");
    p_ = std::make_unique<impl>(impl{io::h5::reader(path)});
}

file_reader::~file_reader() = default;

bool file_reader::exists(const std::string& path) const {
    return p_->r.has(path);
}

bool file_reader::is_group(const std::string& path) const {
    if (!exists(path)) return false;
    H5O_info_t info;
    if (H5Oget_info_by_name2(p_->r.id(), path.c_str(), &info, H5O_INFO_BASIC, H5P_DEFAULT) < 0) return false;
    return info.type == H5O_TYPE_GROUP;
}

std::vector<std::string> file_reader::children(const std::string& group) const {
    std::vector<std::string> names;
    handle g(H5Gopen2(p_->r.id(), group.c_str(), H5P_DEFAULT), H5Gclose);
    if (!g) throw input_error(p_->r.path(), group, "expected a group");
    hsize_t idx = 0;
    H5Literate(g.get(), H5_INDEX_NAME, H5_ITER_INC, &idx, add_name, &names);
    return names;
}

nir_value file_reader::read(const std::string& path, const std::string& what) const {
    const auto& file = p_->r.path();
    if (!exists(path)) throw input_error(file, what, "expected a dataset");
    handle ds(H5Dopen2(p_->r.id(), path.c_str(), H5P_DEFAULT), H5Dclose);
    handle type(H5Dget_type(ds.get()), H5Tclose);
    handle space(H5Dget_space(ds.get()), H5Sclose);
    if (!ds || !type || !space) throw input_error(file, what, "unreadable dataset");
    const H5T_class_t cls = H5Tget_class(type.get());
    nir_value v;
    for (auto d : p_->r.dims(path)) v.shape.push_back(static_cast<std::size_t>(d));
    if (cls == H5T_STRING) {
        v.text = true;
        v.strings = read_strings(ds.get(), type.get(), space.get(), v.count(), file, what);
        return v;
    }
    if (cls != H5T_INTEGER && cls != H5T_FLOAT)
        throw input_error(file, what, "expected numbers or a string, found another HDF5 type class");
    v.integer = cls == H5T_INTEGER;
    if (v.shape.empty()) { // a scalar (io::h5::reader reads arrays)
        v.numbers.resize(1);
        if (H5Dread(ds.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.numbers.data()) < 0)
            throw input_error(file, what, "cannot read the number");
        return v;
    }
    v.numbers = p_->r.read_doubles(path);
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
    const bool f32 = std::all_of(v.numbers.begin(), v.numbers.end(),
                                 [](double x) { return static_cast<double>(static_cast<float>(x)) == x; });
    std::vector<hsize_t> dims(v.shape.begin(), v.shape.end());
    if (!v.text && !dims.empty() && v.count() > 0) { // arrays: io::h5's writer
        if (v.integer)
            p_->w.write(path, std::vector<std::int64_t>(v.numbers.begin(), v.numbers.end()), dims);
        else if (f32) { // float32 when no value loses a bit (as most writers store weights; half the size)
            std::vector<float> f(v.numbers.size());
            for (std::size_t i = 0; i < f.size(); ++i) f[i] = static_cast<float>(v.numbers[i]);
            p_->w.write(path, f, dims);
        } else {
            p_->w.write(path, v.numbers, dims);
        }
        return;
    }
    // Strings (variable-length UTF-8, as h5py's string_dtype), scalars and empty arrays (an empty edge list
    // is float64 (0,), as h5py writes it).
    handle space(dims.empty() ? H5Screate(H5S_SCALAR)
                              : H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr),
                 H5Sclose);
    const hid_t file = p_->w.id();
    herr_t rc = 0;
    if (v.text) {
        handle t = string_type();
        std::vector<const char*> raw;
        for (const auto& s : v.strings) raw.push_back(s.c_str());
        handle ds(H5Dcreate2(file, path.c_str(), t.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                  H5Dclose);
        rc = !ds           ? -1
             : raw.empty() ? 0
                           : H5Dwrite(ds.get(), t.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, raw.data());
    } else {
        const hid_t type = v.integer ? H5T_STD_I64LE : H5T_IEEE_F64LE;
        const std::vector<std::int64_t> ints(v.numbers.begin(), v.numbers.end());
        handle ds(H5Dcreate2(file, path.c_str(), type, space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                  H5Dclose);
        rc =
            !ds ? -1
            : v.numbers.empty()
                ? 0
                : H5Dwrite(ds.get(), v.integer ? H5T_NATIVE_INT64 : H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL,
                           H5P_DEFAULT, v.integer ? static_cast<const void*>(ints.data()) : v.numbers.data());
    }
    if (rc < 0) throw runtime_error(p_->w.path() + ": cannot write " + path);
}

void file_writer::close() {
    p_->w.close();
}

} // namespace spikekit::converters::nirh5
