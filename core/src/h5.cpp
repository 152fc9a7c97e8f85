#include "h5.hpp"

#include <filesystem>

#include "spikekit/core/error.hpp"

namespace spikekit::h5 {
namespace {
template <class T>
hid_t native_type();
template <> hid_t native_type<double>() { return H5T_NATIVE_DOUBLE; }
template <> hid_t native_type<float>() { return H5T_NATIVE_FLOAT; }
template <> hid_t native_type<std::uint64_t>() { return H5T_NATIVE_UINT64; }
template <> hid_t native_type<std::int64_t>() { return H5T_NATIVE_INT64; }
template <> hid_t native_type<std::uint32_t>() { return H5T_NATIVE_UINT32; }
template <> hid_t native_type<std::int32_t>() { return H5T_NATIVE_INT32; }
template <> hid_t native_type<std::uint8_t>() { return H5T_NATIVE_UINT8; }

template <class T>
std::vector<T> read_as(const reader& r, const std::string& name) {
    if (!r.has(name)) throw input_error(r.path(), name, "no such dataset");
    handle ds(H5Dopen2(r.id(), name.c_str(), H5P_DEFAULT), H5Dclose);
    if (!ds) throw input_error(r.path(), name, "cannot open dataset");
    handle space(H5Dget_space(ds.get()), H5Sclose);
    const int rank = H5Sget_simple_extent_ndims(space.get());
    if (rank < 0 || rank > 8) throw input_error(r.path(), name, "unreadable dataspace");
    hsize_t dims[8] = {};
    H5Sget_simple_extent_dims(space.get(), dims, nullptr);
    hsize_t n = 1;
    for (int i = 0; i < rank; ++i) n *= dims[i];
    handle type(H5Dget_type(ds.get()), H5Tclose);
    const auto cls = H5Tget_class(type.get());
    if (cls != H5T_INTEGER && cls != H5T_FLOAT) throw input_error(r.path(), name, "expected a numeric dataset");
    std::vector<T> out(static_cast<std::size_t>(n));
    if (n > 0 && H5Dread(ds.get(), native_type<T>(), H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()) < 0)
        throw input_error(r.path(), name, "cannot read dataset (corrupted file or values out of range)");
    return out;
}
} // namespace

void silence_errors() {
    static const bool once = [] {
        H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
        return true;
    }();
    (void)once;
}

reader::reader(const std::string& path) : path_(path) {
    silence_errors();
    if (!std::filesystem::exists(path)) throw input_error(path, "", "no such file");
    if (H5Fis_hdf5(path.c_str()) <= 0) throw input_error(path, "", "not an HDF5 file");
    file_ = handle(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
    if (!file_) throw input_error(path, "", "cannot open the HDF5 file (truncated or corrupted?)");
}

bool reader::has(const std::string& dataset) const {
    // H5Lexists must be asked for every component of the path.
    std::string prefix;
    std::size_t pos = 0;
    while (pos <= dataset.size()) {
        auto next = dataset.find('/', pos);
        if (next == std::string::npos) next = dataset.size();
        prefix = dataset.substr(0, next);
        if (!prefix.empty() && prefix != "/" && H5Lexists(file_.get(), prefix.c_str(), H5P_DEFAULT) <= 0) return false;
        pos = next + 1;
    }
    return H5Oexists_by_name(file_.get(), dataset.c_str(), H5P_DEFAULT) > 0;
}

std::vector<double> reader::read_doubles(const std::string& d) const { return read_as<double>(*this, d); }
std::vector<float> reader::read_floats(const std::string& d) const { return read_as<float>(*this, d); }
std::vector<std::int64_t> reader::read_ints(const std::string& d) const { return read_as<std::int64_t>(*this, d); }

std::string reader::read_string_attr(const std::string& object, const std::string& name) const {
    if (H5Aexists_by_name(file_.get(), object.c_str(), name.c_str(), H5P_DEFAULT) <= 0)
        throw input_error(path_, object + "@" + name, "missing attribute");
    handle a(H5Aopen_by_name(file_.get(), object.c_str(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
    handle t(H5Aget_type(a.get()), H5Tclose);
    if (H5Tget_class(t.get()) != H5T_STRING) throw input_error(path_, object + "@" + name, "expected a string attribute");
    const auto size = H5Tget_size(t.get());
    if (size > (1u << 20)) throw input_error(path_, object + "@" + name, "attribute too large");
    std::string s(size, '\0');
    handle mt(H5Tcopy(H5T_C_S1), H5Tclose);
    H5Tset_size(mt.get(), size);
    if (H5Aread(a.get(), mt.get(), s.data()) < 0) throw input_error(path_, object + "@" + name, "cannot read attribute");
    while (!s.empty() && s.back() == '\0') s.pop_back();
    return s;
}

double reader::read_double_attr(const std::string& object, const std::string& name) const {
    if (H5Aexists_by_name(file_.get(), object.c_str(), name.c_str(), H5P_DEFAULT) <= 0)
        throw input_error(path_, object + "@" + name, "missing attribute");
    handle a(H5Aopen_by_name(file_.get(), object.c_str(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
    double v = 0;
    if (H5Aread(a.get(), H5T_NATIVE_DOUBLE, &v) < 0) throw input_error(path_, object + "@" + name, "cannot read attribute");
    return v;
}

writer::writer(const std::string& path) : path_(path) {
    silence_errors();
    file_ = handle(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose);
    if (!file_) throw runtime_error(path + ": cannot create HDF5 file");
}

void writer::group(const std::string& path) {
    handle lcpl(H5Pcreate(H5P_LINK_CREATE), H5Pclose);
    H5Pset_create_intermediate_group(lcpl.get(), 1);
    if (H5Lexists(file_.get(), path.c_str(), H5P_DEFAULT) > 0) return;
    handle g(H5Gcreate2(file_.get(), path.c_str(), lcpl.get(), H5P_DEFAULT, H5P_DEFAULT), H5Gclose);
    if (!g) throw runtime_error(path_ + ": cannot create group " + path);
}

template <class T>
void writer::write(const std::string& dataset, const std::vector<T>& data, std::vector<hsize_t> dims) {
    if (dims.empty()) dims = {static_cast<hsize_t>(data.size())};
    handle space(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), H5Sclose);
    handle lcpl(H5Pcreate(H5P_LINK_CREATE), H5Pclose);
    H5Pset_create_intermediate_group(lcpl.get(), 1);
    handle dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
    // Large datasets are chunked and compressed; small ones stay contiguous.
    if (data.size() >= 4096) {
        std::vector<hsize_t> chunk = dims;
        hsize_t total = 1;
        for (auto& c : chunk) total *= c;
        if (dims.size() == 1) chunk[0] = std::min<hsize_t>(dims[0], 65536);
        else chunk[0] = std::max<hsize_t>(1, std::min<hsize_t>(dims[0], 65536 / std::max<hsize_t>(1, total / dims[0])));
        H5Pset_chunk(dcpl.get(), static_cast<int>(chunk.size()), chunk.data());
        H5Pset_deflate(dcpl.get(), 1);
    }
    handle ds(H5Dcreate2(file_.get(), dataset.c_str(), native_type<T>(), space.get(), lcpl.get(), dcpl.get(), H5P_DEFAULT),
              H5Dclose);
    if (!ds) throw runtime_error(path_ + ": cannot create dataset " + dataset);
    if (!data.empty() && H5Dwrite(ds.get(), native_type<T>(), H5S_ALL, H5S_ALL, H5P_DEFAULT, data.data()) < 0)
        throw runtime_error(path_ + ": cannot write dataset " + dataset);
}

template void writer::write(const std::string&, const std::vector<double>&, std::vector<hsize_t>);
template void writer::write(const std::string&, const std::vector<float>&, std::vector<hsize_t>);
template void writer::write(const std::string&, const std::vector<std::uint64_t>&, std::vector<hsize_t>);
template void writer::write(const std::string&, const std::vector<std::int64_t>&, std::vector<hsize_t>);
template void writer::write(const std::string&, const std::vector<std::uint32_t>&, std::vector<hsize_t>);
template void writer::write(const std::string&, const std::vector<std::int32_t>&, std::vector<hsize_t>);
template void writer::write(const std::string&, const std::vector<std::uint8_t>&, std::vector<hsize_t>);

void writer::attr(const std::string& object, const std::string& name, const std::string& value) {
    handle t(H5Tcopy(H5T_C_S1), H5Tclose);
    H5Tset_size(t.get(), std::max<std::size_t>(1, value.size()));
    handle sp(H5Screate(H5S_SCALAR), H5Sclose);
    handle a(H5Acreate_by_name(file_.get(), object.c_str(), name.c_str(), t.get(), sp.get(), H5P_DEFAULT, H5P_DEFAULT,
                               H5P_DEFAULT),
             H5Aclose);
    if (!a || H5Awrite(a.get(), t.get(), value.c_str()) < 0) throw runtime_error(path_ + ": cannot write attribute " + name);
}

void writer::attr(const std::string& object, const std::string& name, double value) {
    attr(object, name, std::vector<double>{value});
}

void writer::attr(const std::string& object, const std::string& name, const std::vector<double>& value) {
    const hsize_t n = value.size();
    handle sp(n == 1 ? H5Screate(H5S_SCALAR) : H5Screate_simple(1, &n, nullptr), H5Sclose);
    handle a(H5Acreate_by_name(file_.get(), object.c_str(), name.c_str(), H5T_NATIVE_DOUBLE, sp.get(), H5P_DEFAULT,
                               H5P_DEFAULT, H5P_DEFAULT),
             H5Aclose);
    if (!a || H5Awrite(a.get(), H5T_NATIVE_DOUBLE, value.data()) < 0) throw runtime_error(path_ + ": cannot write attribute " + name);
}

void writer::close() {
    if (file_ && H5Fflush(file_.get(), H5F_SCOPE_GLOBAL) < 0) throw runtime_error(path_ + ": cannot flush HDF5 file");
    file_ = handle();
}

} // namespace spikekit::h5
