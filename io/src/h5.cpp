#include "spikekit/io/h5.hpp"

#include <algorithm>
#include <filesystem>

#include <zlib.h>

#include "spikekit/io/error.hpp"

namespace spikekit::io::h5 {
namespace {
template <class T>
hid_t native_type();
template <>
hid_t native_type<double>() {
    return H5T_NATIVE_DOUBLE;
}
template <>
hid_t native_type<float>() {
    return H5T_NATIVE_FLOAT;
}
template <>
hid_t native_type<std::uint64_t>() {
    return H5T_NATIVE_UINT64;
}
template <>
hid_t native_type<std::int64_t>() {
    return H5T_NATIVE_INT64;
}
template <>
hid_t native_type<std::uint32_t>() {
    return H5T_NATIVE_UINT32;
}
template <>
hid_t native_type<std::int32_t>() {
    return H5T_NATIVE_INT32;
}
template <>
hid_t native_type<std::uint16_t>() {
    return H5T_NATIVE_UINT16;
}
template <>
hid_t native_type<std::int16_t>() {
    return H5T_NATIVE_INT16;
}
template <>
hid_t native_type<std::uint8_t>() {
    return H5T_NATIVE_UINT8;
}

// Strings longer than this are refused on reading: a damaged file must not make us allocate gigabytes.
constexpr std::size_t max_string = std::size_t{1} << 30;

// A dataset opened for reading, with its dimensions; input_error when missing or unreadable.
struct opened {
    handle ds, space;
    std::vector<hsize_t> dims;
    hsize_t count = 1;
};

opened open_dataset(const reader& r, const std::string& name) {
    if (!r.has(name)) throw input_error(r.path(), name, "no such dataset");
    opened o;
    o.ds = handle(H5Dopen2(r.id(), name.c_str(), H5P_DEFAULT), H5Dclose);
    if (!o.ds) throw input_error(r.path(), name, "cannot open dataset");
    o.space = handle(H5Dget_space(o.ds.get()), H5Sclose);
    const int rank = H5Sget_simple_extent_ndims(o.space.get());
    if (rank < 0 || rank > 8) throw input_error(r.path(), name, "unreadable dataspace");
    o.dims.assign(static_cast<std::size_t>(rank), 0);
    if (rank > 0) H5Sget_simple_extent_dims(o.space.get(), o.dims.data(), nullptr);
    for (auto d : o.dims) {
        if (d != 0 && o.count > UINT64_MAX / d) throw input_error(r.path(), name, "dataspace too large");
        o.count *= d;
    }
    // A damaged file must not make us allocate far more than it can hold (deflate expands ~1000:1 at most).
    handle type(H5Dget_type(o.ds.get()), H5Tclose);
    hsize_t file_size = 0;
    H5Fget_filesize(r.id(), &file_size);
    const hsize_t element = std::max<std::size_t>(1, H5Tget_size(type.get()));
    if (o.count > std::max<hsize_t>(hsize_t{1} << 26, file_size * 1100) / element)
        throw input_error(r.path(), name,
                          std::to_string(o.count) + " elements cannot be stored in a file of " +
                              std::to_string(file_size) + " bytes (damaged file?)");
    return o;
}

// CRC-32 (zlib) over a dataset's element class and size, its dimensions and its bytes in file order.
std::uint32_t content_crc(hid_t type, const std::vector<hsize_t>& dims, const void* data, std::size_t bytes) {
    std::vector<std::uint64_t> head{static_cast<std::uint64_t>(H5Tget_class(type)), H5Tget_size(type),
                                    dims.size()};
    head.insert(head.end(), dims.begin(), dims.end());
    uLong crc = crc32_z(0L, Z_NULL, 0);
    crc = crc32_z(crc, reinterpret_cast<const Bytef*>(head.data()), head.size() * sizeof(std::uint64_t));
    if (bytes > 0) crc = crc32_z(crc, static_cast<const Bytef*>(data), bytes);
    return static_cast<std::uint32_t>(crc);
}

herr_t collect_dataset(hid_t group, const char* name, const H5L_info_t* info, void* out) {
    if (info->type != H5L_TYPE_HARD) return 0;
    handle obj(H5Oopen(group, name, H5P_DEFAULT), H5Oclose);
    if (obj && H5Iget_type(obj.get()) == H5I_DATASET)
        static_cast<std::vector<std::string>*>(out)->push_back("/" + std::string(name));
    return 0;
}

void expect_numeric(const reader& r, const std::string& name, const opened& o) {
    handle type(H5Dget_type(o.ds.get()), H5Tclose);
    const auto cls = H5Tget_class(type.get());
    if (cls != H5T_INTEGER && cls != H5T_FLOAT)
        throw input_error(r.path(), name, "expected a numeric dataset");
}

handle link_creation() {
    handle lcpl(H5Pcreate(H5P_LINK_CREATE), H5Pclose);
    H5Pset_create_intermediate_group(lcpl.get(), 1);
    return lcpl;
}

// Objects carry no modification times, so the same run written twice gives the same bytes (HDF5 stores
// them in every object header by default).
handle creation(hid_t cls) {
    handle pl(H5Pcreate(cls), H5Pclose);
    H5Pset_obj_track_times(pl.get(), false);
    return pl;
}

handle string_type(std::size_t size) {
    handle t(H5Tcopy(H5T_C_S1), H5Tclose);
    H5Tset_size(t.get(), std::max<std::size_t>(1, size));
    return t;
}

handle utf8_string_type() {
    handle t(H5Tcopy(H5T_C_S1), H5Tclose);
    H5Tset_size(t.get(), H5T_VARIABLE);
    H5Tset_cset(t.get(), H5T_CSET_UTF8);
    return t;
}

herr_t collect_link(hid_t, const char* name, const H5L_info_t*, void* out) {
    static_cast<std::vector<std::string>*>(out)->push_back(name);
    return 0;
}

// A string of `size` bytes read by `read(memory_type, buffer)`, trailing NULs dropped.
template <class Read>
std::string read_fixed_string(std::size_t size, Read read) {
    std::string s(size, '\0');
    handle mt = string_type(size);
    if (!read(mt.get(), s.data())) return {};
    while (!s.empty() && s.back() == '\0') s.pop_back();
    return s;
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
    std::size_t pos = 0;
    while (pos <= dataset.size()) {
        auto next = dataset.find('/', pos);
        if (next == std::string::npos) next = dataset.size();
        const std::string prefix = dataset.substr(0, next);
        if (!prefix.empty() && prefix != "/" && H5Lexists(file_.get(), prefix.c_str(), H5P_DEFAULT) <= 0)
            return false;
        pos = next + 1;
    }
    return H5Oexists_by_name(file_.get(), dataset.c_str(), H5P_DEFAULT) > 0;
}

bool reader::has_attr(const std::string& object, const std::string& name) const {
    return has(object) && H5Aexists_by_name(file_.get(), object.c_str(), name.c_str(), H5P_DEFAULT) > 0;
}

bool reader::is_group(const std::string& path) const {
    if (!has(path)) return false;
    H5O_info_t info;
    if (H5Oget_info_by_name2(file_.get(), path.c_str(), &info, H5O_INFO_BASIC, H5P_DEFAULT) < 0) return false;
    return info.type == H5O_TYPE_GROUP;
}

std::vector<std::string> reader::children(const std::string& group) const {
    if (!is_group(group)) throw input_error(path_, group, "expected a group");
    handle g(H5Gopen2(file_.get(), group.c_str(), H5P_DEFAULT), H5Gclose);
    std::vector<std::string> names;
    hsize_t idx = 0;
    if (!g || H5Literate(g.get(), H5_INDEX_NAME, H5_ITER_INC, &idx, collect_link, &names) < 0)
        throw input_error(path_, group, "cannot list the group (corrupted file?)");
    return names;
}

std::vector<hsize_t> reader::dims(const std::string& dataset) const {
    return open_dataset(*this, dataset).dims;
}

bool reader::is_u8(const std::string& dataset) const {
    const auto o = open_dataset(*this, dataset);
    handle type(H5Dget_type(o.ds.get()), H5Tclose);
    return H5Tget_class(type.get()) == H5T_INTEGER && H5Tget_size(type.get()) == 1 &&
           H5Tget_sign(type.get()) == H5T_SGN_NONE;
}

reader::element reader::element_of(const std::string& dataset) const {
    const auto o = open_dataset(*this, dataset);
    handle type(H5Dget_type(o.ds.get()), H5Tclose);
    return {H5Tget_class(type.get()), H5Tget_size(type.get()), H5Tget_sign(type.get()) == H5T_SGN_2};
}

std::vector<std::string> reader::datasets() const {
    std::vector<std::string> out;
    if (H5Lvisit(file_.get(), H5_INDEX_NAME, H5_ITER_INC, collect_dataset, &out) < 0)
        throw input_error(path_, "", "cannot list the datasets (corrupted file?)");
    return out;
}

void reader::verify_checksum(const std::string& dataset, bool required) const {
    if (!has_attr(dataset, "crc32")) {
        if (required)
            throw input_error(path_, dataset,
                              "no checksum (crc32 attribute): damaged or not written by spikekit");
        return;
    }
    const auto o = open_dataset(*this, dataset);
    handle type(H5Dget_type(o.ds.get()), H5Tclose);
    if (H5Tis_variable_str(type.get()) > 0)
        throw input_error(path_, dataset, "a variable-length string has no checksum");
    std::vector<std::uint8_t> bytes(static_cast<std::size_t>(o.count) * H5Tget_size(type.get()));
    if (!bytes.empty() && H5Dread(o.ds.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, bytes.data()) < 0)
        throw input_error(path_, dataset, "cannot read dataset (corrupted file?)");
    const double stored = read_double_attr(dataset, "crc32");
    if (stored != static_cast<double>(content_crc(type.get(), o.dims, bytes.data(), bytes.size())))
        throw input_error(
            path_, dataset,
            "checksum mismatch: the dataset differs from what was written (damaged or edited file)");
}

void reader::verify_checksums(bool required) const {
    for (const auto& d : datasets()) verify_checksum(d, required);
}

template <class T>
std::vector<T> reader::read(const std::string& name) const {
    const auto o = open_dataset(*this, name);
    expect_numeric(*this, name, o);
    std::vector<T> out(static_cast<std::size_t>(o.count));
    if (o.count > 0 && H5Dread(o.ds.get(), native_type<T>(), H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()) < 0)
        throw input_error(path_, name, "cannot read dataset (corrupted file or values out of range)");
    return out;
}

template <class T>
void reader::read_slice(const std::string& name, hsize_t offset, std::span<T> out) const {
    const auto o = open_dataset(*this, name);
    expect_numeric(*this, name, o);
    const hsize_t n = out.size();
    if (o.dims.size() != 1 || offset > o.dims[0] || n > o.dims[0] - offset)
        throw input_error(path_, name,
                          "cannot read elements " + std::to_string(offset) + ".." +
                              std::to_string(offset + n) + " of a dataset of " + std::to_string(o.count));
    if (n == 0) return;
    handle mspace(H5Screate_simple(1, &n, nullptr), H5Sclose);
    H5Sselect_hyperslab(o.space.get(), H5S_SELECT_SET, &offset, nullptr, &n, nullptr);
    if (H5Dread(o.ds.get(), native_type<T>(), mspace.get(), o.space.get(), H5P_DEFAULT, out.data()) < 0)
        throw input_error(path_, name,
                          "cannot read elements " + std::to_string(offset) + ".." +
                              std::to_string(offset + n));
}

std::string reader::read_string(const std::string& name) const {
    const auto o = open_dataset(*this, name);
    handle t(H5Dget_type(o.ds.get()), H5Tclose);
    if (H5Tget_class(t.get()) != H5T_STRING || o.count != 1)
        throw input_error(path_, name, "expected a scalar string dataset");
    if (H5Tis_variable_str(t.get()) > 0) {
        handle mt(H5Tcopy(H5T_C_S1), H5Tclose);
        H5Tset_size(mt.get(), H5T_VARIABLE);
        char* p = nullptr;
        if (H5Dread(o.ds.get(), mt.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, &p) < 0 || !p)
            throw input_error(path_, name, "cannot read the string");
        std::string s(p);
        H5free_memory(p);
        return s;
    }
    const auto size = H5Tget_size(t.get());
    if (size > max_string)
        throw input_error(path_, name, "string of " + std::to_string(size) + " bytes is too large");
    bool ok = true;
    auto s = read_fixed_string(size, [&](hid_t mt, char* buf) {
        return ok = H5Dread(o.ds.get(), mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) >= 0;
    });
    if (!ok) throw input_error(path_, name, "cannot read the string (corrupted file?)");
    return s;
}

std::vector<std::string> reader::read_strings(const std::string& name) const {
    const auto o = open_dataset(*this, name);
    handle t(H5Dget_type(o.ds.get()), H5Tclose);
    if (H5Tget_class(t.get()) != H5T_STRING) throw input_error(path_, name, "expected a string dataset");
    const auto n = static_cast<std::size_t>(o.count);
    std::vector<std::string> out;
    if (n == 0) return out;
    if (H5Tis_variable_str(t.get()) > 0) {
        std::vector<char*> raw(n, nullptr);
        handle mt = utf8_string_type();
        if (H5Dread(o.ds.get(), mt.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, raw.data()) < 0)
            throw input_error(path_, name, "cannot read the strings (corrupted file?)");
        for (char* s : raw) out.emplace_back(s ? s : "");
        H5Dvlen_reclaim(mt.get(), o.space.get(), H5P_DEFAULT, raw.data());
        return out;
    }
    const std::size_t len = H5Tget_size(t.get());
    if (len > max_string / n)
        throw input_error(path_, name,
                          std::to_string(n) + " strings of " + std::to_string(len) + " bytes are too large");
    std::vector<char> raw(n * len, '\0');
    handle mt = string_type(len);
    if (H5Dread(o.ds.get(), mt.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, raw.data()) < 0)
        throw input_error(path_, name, "cannot read the strings (corrupted file?)");
    for (std::size_t i = 0; i < n; ++i) {
        std::string s(raw.data() + i * len, len);
        while (!s.empty() && s.back() == '\0') s.pop_back();
        out.push_back(std::move(s));
    }
    return out;
}

std::string reader::read_string_attr(const std::string& object, const std::string& name) const {
    if (!has_attr(object, name)) throw input_error(path_, object + "@" + name, "missing attribute");
    handle a(H5Aopen_by_name(file_.get(), object.c_str(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
    handle t(H5Aget_type(a.get()), H5Tclose);
    if (H5Tget_class(t.get()) != H5T_STRING)
        throw input_error(path_, object + "@" + name, "expected a string attribute");
    const auto size = H5Tget_size(t.get());
    if (size > (1u << 20)) throw input_error(path_, object + "@" + name, "attribute too large");
    bool ok = true;
    auto s =
        read_fixed_string(size, [&](hid_t mt, char* buf) { return ok = H5Aread(a.get(), mt, buf) >= 0; });
    if (!ok) throw input_error(path_, object + "@" + name, "cannot read attribute");
    return s;
}

double reader::read_double_attr(const std::string& object, const std::string& name) const {
    if (!has_attr(object, name)) throw input_error(path_, object + "@" + name, "missing attribute");
    handle a(H5Aopen_by_name(file_.get(), object.c_str(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
    handle sp(H5Aget_space(a.get()), H5Sclose);
    if (H5Sget_simple_extent_npoints(sp.get()) != 1)
        throw input_error(path_, object + "@" + name, "expected a single number");
    double v = 0;
    if (H5Aread(a.get(), H5T_NATIVE_DOUBLE, &v) < 0)
        throw input_error(path_, object + "@" + name, "cannot read attribute");
    return v;
}

template <class T>
appender<T>::appender(hid_t file, const std::string& path, const std::string& dataset, hsize_t chunk)
    : path_(path), name_(dataset) {
    const hsize_t zero = 0, unlimited = H5S_UNLIMITED;
    handle space(H5Screate_simple(1, &zero, &unlimited), H5Sclose);
    handle dcpl = creation(H5P_DATASET_CREATE);
    H5Pset_chunk(dcpl.get(), 1, &chunk);
    // Byte shuffle + deflate: sorted times and small coordinates compress several-fold.
    if (H5Zfilter_avail(H5Z_FILTER_DEFLATE) > 0) {
        H5Pset_shuffle(dcpl.get());
        H5Pset_deflate(dcpl.get(), 4);
    }
    handle lcpl = link_creation();
    ds_ = handle(
        H5Dcreate2(file, dataset.c_str(), native_type<T>(), space.get(), lcpl.get(), dcpl.get(), H5P_DEFAULT),
        H5Dclose);
    if (!ds_) throw runtime_error(path + ": cannot create " + dataset);
}

template <class T>
void appender<T>::append(std::span<const T> values) {
    const hsize_t n = values.size();
    if (n == 0) return;
    const hsize_t total = size_ + n;
    if (H5Dset_extent(ds_.get(), &total) < 0) throw runtime_error(path_ + ": cannot extend " + name_);
    handle fspace(H5Dget_space(ds_.get()), H5Sclose);
    handle mspace(H5Screate_simple(1, &n, nullptr), H5Sclose);
    H5Sselect_hyperslab(fspace.get(), H5S_SELECT_SET, &size_, nullptr, &n, nullptr);
    if (H5Dwrite(ds_.get(), native_type<T>(), mspace.get(), fspace.get(), H5P_DEFAULT, values.data()) < 0)
        throw runtime_error(path_ + ": cannot write " + name_);
    size_ = total;
}

writer::writer(const std::string& path, bool compress) : path_(path), compress_(compress) {
    silence_errors();
    file_ = handle(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose);
    if (!file_) throw runtime_error(path + ": cannot create the HDF5 file");
}

void writer::group(const std::string& path) {
    if (H5Lexists(file_.get(), path.c_str(), H5P_DEFAULT) > 0) return;
    handle lcpl = link_creation();
    handle g(H5Gcreate2(file_.get(), path.c_str(), lcpl.get(), creation(H5P_GROUP_CREATE).get(), H5P_DEFAULT),
             H5Gclose);
    if (!g) throw runtime_error(path_ + ": cannot create group " + path);
}

template <class T>
void writer::write(const std::string& dataset, const std::vector<T>& data, std::vector<hsize_t> dims) {
    if (dims.empty()) dims = {static_cast<hsize_t>(data.size())};
    handle space(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), H5Sclose);
    handle lcpl = link_creation();
    handle dcpl = creation(H5P_DATASET_CREATE);
    // Large datasets are chunked and compressed; small ones stay contiguous.
    if (compress_ && data.size() >= 4096) {
        std::vector<hsize_t> chunk = dims;
        hsize_t total = 1;
        for (auto& c : chunk) total *= c;
        if (dims.size() == 1)
            chunk[0] = std::min<hsize_t>(dims[0], 65536);
        else
            chunk[0] = std::max<hsize_t>(
                1, std::min<hsize_t>(dims[0], 65536 / std::max<hsize_t>(1, total / dims[0])));
        H5Pset_chunk(dcpl.get(), static_cast<int>(chunk.size()), chunk.data());
        H5Pset_deflate(dcpl.get(), 1);
    }
    handle ds(H5Dcreate2(file_.get(), dataset.c_str(), native_type<T>(), space.get(), lcpl.get(), dcpl.get(),
                         H5P_DEFAULT),
              H5Dclose);
    if (!ds) throw runtime_error(path_ + ": cannot create dataset " + dataset);
    if (!data.empty() && H5Dwrite(ds.get(), native_type<T>(), H5S_ALL, H5S_ALL, H5P_DEFAULT, data.data()) < 0)
        throw runtime_error(path_ + ": cannot write dataset " + dataset);
    if (checksums_) checksum(dataset, native_type<T>(), dims, data.data(), data.size() * sizeof(T));
}

void writer::checksum(const std::string& dataset, hid_t type, const std::vector<hsize_t>& dims,
                      const void* data, std::size_t bytes) {
    attr_u32(dataset, "crc32", content_crc(type, dims, data, bytes));
}

void writer::write_string(const std::string& dataset, const std::string& value) {
    handle t = string_type(value.size());
    handle sp(H5Screate(H5S_SCALAR), H5Sclose);
    handle lcpl = link_creation();
    handle ds(H5Dcreate2(file_.get(), dataset.c_str(), t.get(), sp.get(), lcpl.get(),
                         creation(H5P_DATASET_CREATE).get(), H5P_DEFAULT),
              H5Dclose);
    if (!ds) throw runtime_error(path_ + ": cannot create dataset " + dataset);
    if (H5Dwrite(ds.get(), t.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, value.c_str()) < 0)
        throw runtime_error(path_ + ": cannot write dataset " + dataset);
    if (checksums_) checksum(dataset, t.get(), {}, value.c_str(), std::max<std::size_t>(1, value.size()));
}

void writer::write_strings(const std::string& dataset, const std::vector<std::string>& values,
                           const std::vector<hsize_t>& dims) {
    handle t = utf8_string_type();
    handle sp(dims.empty() ? H5Screate(H5S_SCALAR)
                           : H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr),
              H5Sclose);
    handle lcpl = link_creation();
    handle ds(H5Dcreate2(file_.get(), dataset.c_str(), t.get(), sp.get(), lcpl.get(),
                         creation(H5P_DATASET_CREATE).get(), H5P_DEFAULT),
              H5Dclose);
    if (!ds) throw runtime_error(path_ + ": cannot create dataset " + dataset);
    std::vector<const char*> raw;
    for (const auto& v : values) raw.push_back(v.c_str());
    if (!raw.empty() && H5Dwrite(ds.get(), t.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, raw.data()) < 0)
        throw runtime_error(path_ + ": cannot write dataset " + dataset);
}

namespace {
void write_scalar_of(hid_t file, const std::string& path, const std::string& dataset, hid_t file_type,
                     hid_t memory_type, const void* value) {
    handle sp(H5Screate(H5S_SCALAR), H5Sclose);
    handle lcpl = link_creation();
    handle ds(H5Dcreate2(file, dataset.c_str(), file_type, sp.get(), lcpl.get(),
                         creation(H5P_DATASET_CREATE).get(), H5P_DEFAULT),
              H5Dclose);
    if (!ds || H5Dwrite(ds.get(), memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, value) < 0)
        throw runtime_error(path + ": cannot write dataset " + dataset);
}
} // namespace

void writer::write_scalar(const std::string& dataset, std::int64_t value) {
    write_scalar_of(file_.get(), path_, dataset, H5T_STD_I64LE, H5T_NATIVE_INT64, &value);
}

void writer::write_scalar(const std::string& dataset, double value) {
    write_scalar_of(file_.get(), path_, dataset, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &value);
}

void writer::attr(const std::string& object, const std::string& name, const std::string& value) {
    handle t = string_type(value.size());
    handle sp(H5Screate(H5S_SCALAR), H5Sclose);
    handle a(H5Acreate_by_name(file_.get(), object.c_str(), name.c_str(), t.get(), sp.get(), H5P_DEFAULT,
                               H5P_DEFAULT, H5P_DEFAULT),
             H5Aclose);
    if (!a || H5Awrite(a.get(), t.get(), value.c_str()) < 0)
        throw runtime_error(path_ + ": cannot write attribute " + name);
}

void writer::attr(const std::string& object, const std::string& name, double value) {
    attr(object, name, std::vector<double>{value});
}

void writer::attr(const std::string& object, const std::string& name, const std::vector<double>& value) {
    const hsize_t n = value.size();
    handle sp(n == 1 ? H5Screate(H5S_SCALAR) : H5Screate_simple(1, &n, nullptr), H5Sclose);
    handle a(H5Acreate_by_name(file_.get(), object.c_str(), name.c_str(), H5T_NATIVE_DOUBLE, sp.get(),
                               H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
             H5Aclose);
    if (!a || H5Awrite(a.get(), H5T_NATIVE_DOUBLE, value.data()) < 0)
        throw runtime_error(path_ + ": cannot write attribute " + name);
}

void writer::attr_u32(const std::string& object, const std::string& name, std::uint32_t value) {
    handle sp(H5Screate(H5S_SCALAR), H5Sclose);
    handle a(H5Acreate_by_name(file_.get(), object.c_str(), name.c_str(), H5T_STD_U32LE, sp.get(),
                               H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
             H5Aclose);
    if (!a || H5Awrite(a.get(), H5T_NATIVE_UINT32, &value) < 0)
        throw runtime_error(path_ + ": cannot write attribute " + name);
}

void writer::close() {
    if (file_ && H5Fflush(file_.get(), H5F_SCOPE_GLOBAL) < 0)
        throw runtime_error(path_ + ": cannot flush the HDF5 file");
    file_ = handle();
}

#define SPIKEKIT_H5_INSTANTIATE(T)                                                                           \
    template std::vector<T> reader::read(const std::string&) const;                                          \
    template void reader::read_slice(const std::string&, hsize_t, std::span<T>) const;                       \
    template void writer::write(const std::string&, const std::vector<T>&, std::vector<hsize_t>);            \
    template class appender<T>;
SPIKEKIT_H5_TYPES(SPIKEKIT_H5_INSTANTIATE)
#undef SPIKEKIT_H5_INSTANTIATE

} // namespace spikekit::io::h5
