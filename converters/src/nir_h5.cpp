// HDF5 access for NIR files (see nir_h5.hpp), on the HDF5 C library.
#include "nir_h5.hpp"

#include <algorithm>

#include <hdf5.h>

#include "spikekit/core/error.hpp"

namespace spikekit::converters::nirh5 {
namespace {

struct hid {
    hid_t id = -1;
    herr_t (*close)(hid_t) = nullptr;
    hid(hid_t i, herr_t (*c)(hid_t)) : id(i), close(c) {}
    hid(const hid&) = delete;
    hid& operator=(const hid&) = delete;
    hid(hid&& o) noexcept : id(o.id), close(o.close) { o.id = -1; }
    ~hid() {
        if (id >= 0) close(id);
    }
};

herr_t add_name(hid_t, const char* name, const H5L_info_t*, void* data) {
    static_cast<std::vector<std::string>*>(data)->push_back(name);
    return 0;
}

hid string_type() {
    hid t(H5Tcopy(H5T_C_S1), H5Tclose);
    H5Tset_size(t.id, H5T_VARIABLE);
    H5Tset_cset(t.id, H5T_CSET_UTF8);
    return t;
}

} // namespace

struct file_reader::impl {
    std::string path;
    hid_t file = -1;
};

file_reader::file_reader(const std::string& path) : p_(std::make_unique<impl>()) {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    p_->path = path;
    if (H5Fis_hdf5(path.c_str()) <= 0) throw input_error(path, "", "not an HDF5 file (a NIR graph is HDF5)");
    p_->file = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    if (p_->file < 0) throw input_error(path, "", "cannot open the HDF5 file");
}

file_reader::~file_reader() {
    if (p_->file >= 0) H5Fclose(p_->file);
}

bool file_reader::exists(const std::string& path) const {
    return H5Lexists(p_->file, path.c_str(), H5P_DEFAULT) > 0;
}

bool file_reader::is_group(const std::string& path) const {
    if (!exists(path)) return false;
    H5O_info_t info;
    if (H5Oget_info_by_name2(p_->file, path.c_str(), &info, H5O_INFO_BASIC, H5P_DEFAULT) < 0) return false;
    return info.type == H5O_TYPE_GROUP;
}

std::vector<std::string> file_reader::children(const std::string& group) const {
    std::vector<std::string> names;
    hid g(H5Gopen2(p_->file, group.c_str(), H5P_DEFAULT), H5Gclose);
    if (g.id < 0) throw input_error(p_->path, group, "expected a group");
    hsize_t idx = 0;
    H5Literate(g.id, H5_INDEX_NAME, H5_ITER_INC, &idx, add_name, &names);
    return names;
}

nir_value file_reader::read(const std::string& path, const std::string& what) const {
    hid ds(H5Dopen2(p_->file, path.c_str(), H5P_DEFAULT), H5Dclose);
    if (ds.id < 0) throw input_error(p_->path, what, "expected a dataset");
    hid type(H5Dget_type(ds.id), H5Tclose);
    hid space(H5Dget_space(ds.id), H5Sclose);
    const int rank = H5Sget_simple_extent_ndims(space.id);
    if (rank < 0 || rank > 8) throw input_error(p_->path, what, "unreadable dataspace");
    std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
    if (rank > 0) H5Sget_simple_extent_dims(space.id, dims.data(), nullptr);
    nir_value v;
    for (auto d : dims) v.shape.push_back(static_cast<std::size_t>(d));
    const std::size_t n = v.count();
    const H5T_class_t cls = H5Tget_class(type.id);
    if (cls == H5T_STRING) {
        v.text = true;
        if (H5Tis_variable_str(type.id) > 0) {
            std::vector<char*> raw(n, nullptr);
            hid mem = string_type();
            if (n > 0 && H5Dread(ds.id, mem.id, H5S_ALL, H5S_ALL, H5P_DEFAULT, raw.data()) < 0)
                throw input_error(p_->path, what, "cannot read the strings");
            for (char* s : raw) v.strings.emplace_back(s ? s : "");
            if (n > 0) H5Dvlen_reclaim(mem.id, space.id, H5P_DEFAULT, raw.data());
        } else {
            const std::size_t len = H5Tget_size(type.id);
            std::vector<char> raw(n * len + 1, '\0');
            hid mem(H5Tcopy(H5T_C_S1), H5Tclose);
            H5Tset_size(mem.id, len);
            if (n > 0 && H5Dread(ds.id, mem.id, H5S_ALL, H5S_ALL, H5P_DEFAULT, raw.data()) < 0)
                throw input_error(p_->path, what, "cannot read the strings");
            for (std::size_t i = 0; i < n; ++i) {
                std::string s(raw.data() + i * len, len);
                s.erase(s.find_last_not_of('\0') + 1);
                v.strings.push_back(s);
            }
        }
        return v;
    }
    if (cls != H5T_INTEGER && cls != H5T_FLOAT)
        throw input_error(p_->path, what, "expected numbers or a string, found another HDF5 type class");
    v.integer = cls == H5T_INTEGER;
    v.numbers.resize(n);
    if (n > 0 && H5Dread(ds.id, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.numbers.data()) < 0)
        throw input_error(p_->path, what, "cannot read the numbers");
    return v;
}

struct file_writer::impl {
    std::string path;
    hid_t file = -1;
};

file_writer::file_writer(const std::string& path) : p_(std::make_unique<impl>()) {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    p_->path = path;
    p_->file = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    if (p_->file < 0) throw runtime_error(path + ": cannot create the HDF5 file");
}

file_writer::~file_writer() {
    if (p_->file >= 0) H5Fclose(p_->file);
}

void file_writer::group(const std::string& path) {
    hid g(H5Gcreate2(p_->file, path.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose);
    if (g.id < 0) throw runtime_error(p_->path + ": cannot create group " + path);
}

void file_writer::write(const std::string& path, const nir_value& v) {
    std::vector<hsize_t> dims(v.shape.begin(), v.shape.end());
    hid space(dims.empty() ? H5Screate(H5S_SCALAR)
                           : H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr),
              H5Sclose);
    herr_t rc = 0;
    if (v.text) {
        hid t = string_type();
        std::vector<const char*> raw;
        for (const auto& s : v.strings) raw.push_back(s.c_str());
        hid ds(H5Dcreate2(p_->file, path.c_str(), t.id, space.id, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
               H5Dclose);
        rc = ds.id < 0     ? -1
             : raw.empty() ? 0
                           : H5Dwrite(ds.id, t.id, H5S_ALL, H5S_ALL, H5P_DEFAULT, raw.data());
    } else if (v.integer) {
        std::vector<std::int64_t> ints(v.numbers.begin(), v.numbers.end());
        hid ds(H5Dcreate2(p_->file, path.c_str(), H5T_STD_I64LE, space.id, H5P_DEFAULT, H5P_DEFAULT,
                          H5P_DEFAULT),
               H5Dclose);
        rc = ds.id < 0      ? -1
             : ints.empty() ? 0
                            : H5Dwrite(ds.id, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, ints.data());
    } else if (std::all_of(v.numbers.begin(), v.numbers.end(),
                           [](double x) { return static_cast<double>(static_cast<float>(x)) == x; })) {
        // float32 when no value loses a bit (as most writers store weights; half the size)
        std::vector<float> f(v.numbers.size());
        for (std::size_t i = 0; i < f.size(); ++i) f[i] = static_cast<float>(v.numbers[i]);
        hid ds(H5Dcreate2(p_->file, path.c_str(), H5T_IEEE_F32LE, space.id, H5P_DEFAULT, H5P_DEFAULT,
                          H5P_DEFAULT),
               H5Dclose);
        rc = ds.id < 0   ? -1
             : f.empty() ? 0
                         : H5Dwrite(ds.id, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, f.data());
    } else {
        hid ds(H5Dcreate2(p_->file, path.c_str(), H5T_IEEE_F64LE, space.id, H5P_DEFAULT, H5P_DEFAULT,
                          H5P_DEFAULT),
               H5Dclose);
        rc = ds.id < 0 ? -1
             : v.numbers.empty()
                 ? 0
                 : H5Dwrite(ds.id, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.numbers.data());
    }
    if (rc < 0) throw runtime_error(p_->path + ": cannot write " + path);
}

void file_writer::close() {
    if (p_->file >= 0 && H5Fclose(p_->file) < 0) {
        p_->file = -1;
        throw runtime_error(p_->path + ": cannot close the HDF5 file");
    }
    p_->file = -1;
}

} // namespace spikekit::converters::nirh5
