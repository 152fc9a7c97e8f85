// spikekit's HDF5 event layout (writer.hpp): the sink appends to extendable chunked datasets, the decoder
// reads them back in hyperslabs of at most the caller's buffer, so neither holds the whole file.
#include <array>
#include <hdf5.h>
#include <vector>

#include "camera_decoder.hpp"
#include "spikekit/events/writer.hpp"

namespace spikekit::events {
namespace {

constexpr hsize_t chunk = 1 << 16;
const char* const names[4] = {"/events/t", "/events/x", "/events/y", "/events/p"};

// RAII for an HDF5 identifier.
struct h5id {
    hid_t id = -1;
    herr_t (*close)(hid_t) = nullptr;
    h5id(hid_t i, herr_t (*c)(hid_t)) : id(i), close(c) {}
    h5id(const h5id&) = delete;
    h5id& operator=(const h5id&) = delete;
    h5id(h5id&& o) noexcept : id(o.id), close(o.close) { o.id = -1; }
    ~h5id() {
        if (id >= 0) close(id);
    }
};

hid_t type_of(int column) {
    return column == 0 ? H5T_NATIVE_INT64 : column == 3 ? H5T_NATIVE_UINT8 : H5T_NATIVE_UINT16;
}

void quiet() {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
}

void attr_u32(hid_t obj, const char* name, std::uint32_t v, const std::string& path) {
    h5id space(H5Screate(H5S_SCALAR), H5Sclose);
    h5id a(H5Acreate2(obj, name, H5T_STD_U32LE, space.id, H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
    if (a.id < 0 || H5Awrite(a.id, H5T_NATIVE_UINT32, &v) < 0)
        throw runtime_error(path + ": cannot write attribute " + name);
}

void attr_str(hid_t obj, const char* name, const std::string& v, const std::string& path) {
    h5id type(H5Tcopy(H5T_C_S1), H5Tclose);
    H5Tset_size(type.id, std::max<std::size_t>(v.size(), 1));
    h5id space(H5Screate(H5S_SCALAR), H5Sclose);
    h5id a(H5Acreate2(obj, name, type.id, space.id, H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
    if (a.id < 0 || H5Awrite(a.id, type.id, v.empty() ? "" : v.c_str()) < 0)
        throw runtime_error(path + ": cannot write attribute " + name);
}

class hdf5_sink final : public event_sink {
  public:
    hdf5_sink(const std::string& path, std::uint16_t width, std::uint16_t height, const std::string& source)
        : path_(path) {
        quiet();
        file_.emplace_back(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose);
        if (file_[0].id < 0) throw runtime_error(path + ": cannot create the HDF5 file");
        h5id group(H5Gcreate2(file_[0].id, "/events", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose);
        attr_u32(group.id, "width", width, path);
        attr_u32(group.id, "height", height, path);
        attr_str(group.id, "source_format", source, path);
        for (int c = 0; c < 4; ++c) {
            const hsize_t zero = 0, unlimited = H5S_UNLIMITED;
            h5id space(H5Screate_simple(1, &zero, &unlimited), H5Sclose);
            h5id dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
            H5Pset_chunk(dcpl.id, 1, &chunk);
            // Byte shuffle + deflate: sorted times and small coordinates compress several-fold.
            if (H5Zfilter_avail(H5Z_FILTER_DEFLATE) > 0) {
                H5Pset_shuffle(dcpl.id);
                H5Pset_deflate(dcpl.id, 4);
            }
            sets_.emplace_back(
                H5Dcreate2(file_[0].id, names[c], type_of(c), space.id, H5P_DEFAULT, dcpl.id, H5P_DEFAULT),
                H5Dclose);
            if (sets_.back().id < 0) throw runtime_error(path + ": cannot create " + names[c]);
        }
        attr_str(sets_[0].id, "units", "us", path);
    }

    void write(std::span<const dvs_event> events) override {
        const hsize_t n = events.size();
        if (n == 0) return;
        t_.resize(n);
        x_.resize(n);
        y_.resize(n);
        p_.resize(n);
        for (std::size_t i = 0; i < n; ++i) {
            t_[i] = events[i].t_us;
            x_[i] = events[i].x;
            y_[i] = events[i].y;
            p_[i] = events[i].p;
        }
        const std::array<const void*, 4> cols = {t_.data(), x_.data(), y_.data(), p_.data()};
        const hsize_t total = size_ + n;
        for (int c = 0; c < 4; ++c) {
            const hid_t d = sets_[static_cast<std::size_t>(c)].id;
            if (H5Dset_extent(d, &total) < 0) throw runtime_error(path_ + ": cannot extend " + names[c]);
            h5id fspace(H5Dget_space(d), H5Sclose);
            h5id mspace(H5Screate_simple(1, &n, nullptr), H5Sclose);
            H5Sselect_hyperslab(fspace.id, H5S_SELECT_SET, &size_, nullptr, &n, nullptr);
            if (H5Dwrite(d, type_of(c), mspace.id, fspace.id, H5P_DEFAULT,
                         cols[static_cast<std::size_t>(c)]) < 0)
                throw runtime_error(path_ + ": cannot write " + names[c]);
        }
        size_ = total;
    }

    void close() override {
        sets_.clear();
        if (!file_.empty() && H5Fflush(file_[0].id, H5F_SCOPE_GLOBAL) < 0)
            throw runtime_error(path_ + ": cannot flush the HDF5 file");
        file_.clear();
    }

  private:
    std::string path_;
    std::vector<h5id> file_, sets_;
    hsize_t size_ = 0;
    std::vector<std::int64_t> t_;
    std::vector<std::uint16_t> x_, y_;
    std::vector<std::uint8_t> p_;
};

class hdf5_decoder final : public decoder {
  public:
    hdf5_decoder(const std::string& path, stream_info& info, bool jumps) : path_(path) {
        quiet();
        file_.emplace_back(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
        if (file_[0].id < 0)
            throw input_error(path, "", "cannot open as HDF5 (corrupted or truncated file?)");
        for (int c = 0; c < 4; ++c) open_column(c);
        h5id group(H5Gopen2(file_[0].id, "/events", H5P_DEFAULT), H5Gclose);
        info.width = static_cast<std::uint16_t>(read_attr(group.id, "width"));
        info.height = static_cast<std::uint16_t>(read_attr(group.id, "height"));
        chk_.width = info.width;
        chk_.height = info.height;
        chk_.allow_time_jumps = jumps;
    }

    decode_step decode(const byte_source&, std::span<dvs_event> out) override {
        const hsize_t n = std::min<hsize_t>(out.size(), size_ - pos_);
        if (n == 0) return {0, 0, 0, true};
        t_.resize(n);
        x_.resize(n);
        y_.resize(n);
        p_.resize(n);
        const std::array<void*, 4> cols = {t_.data(), x_.data(), y_.data(), p_.data()};
        for (int c = 0; c < 4; ++c) {
            const hid_t d = sets_[static_cast<std::size_t>(c)].id;
            h5id fspace(H5Dget_space(d), H5Sclose);
            h5id mspace(H5Screate_simple(1, &n, nullptr), H5Sclose);
            H5Sselect_hyperslab(fspace.id, H5S_SELECT_SET, &pos_, nullptr, &n, nullptr);
            if (H5Dread(d, type_of(c), mspace.id, fspace.id, H5P_DEFAULT, cols[static_cast<std::size_t>(c)]) <
                0)
                throw input_error(path_, names[c],
                                  "cannot read events " + std::to_string(pos_) + ".." +
                                      std::to_string(pos_ + n));
        }
        for (std::size_t i = 0; i < n; ++i) {
            out[i] = dvs_event{t_[i], x_[i], y_[i], p_[i]};
            if (!chk_.ok(out[i])) {
                try {
                    chk_.fail(path_, 0, out[i]);
                } catch (const input_error& e) { // name the event index, not a byte offset
                    throw input_error(path_, "event " + std::to_string(pos_ + i), e.problem());
                }
            }
            chk_.last_t = out[i].t_us;
        }
        pos_ += n;
        return {0, static_cast<std::size_t>(n), 0};
    }

    double progress(const byte_source&) const override {
        return size_ ? static_cast<double>(pos_) / static_cast<double>(size_) : 1.0;
    }

  private:
    void open_column(int c) {
        sets_.emplace_back(H5Dopen2(file_[0].id, names[c], H5P_DEFAULT), H5Dclose);
        if (sets_.back().id < 0)
            throw input_error(path_, names[c],
                              "missing dataset (spikekit HDF5 events need /events/{t,x,y,p})");
        h5id space(H5Dget_space(sets_.back().id), H5Sclose);
        hsize_t dims[2] = {0, 0};
        if (H5Sget_simple_extent_ndims(space.id) != 1)
            throw input_error(path_, names[c], "expected a 1-D dataset");
        H5Sget_simple_extent_dims(space.id, dims, nullptr);
        if (c == 0) size_ = dims[0];
        if (dims[0] != size_)
            throw input_error(path_, names[c],
                              "has " + std::to_string(dims[0]) + " elements but /events/t has " +
                                  std::to_string(size_));
    }

    std::uint32_t read_attr(hid_t obj, const char* name) {
        std::uint32_t v = 0;
        h5id a(H5Aopen(obj, name, H5P_DEFAULT), H5Aclose);
        if (a.id < 0 || H5Aread(a.id, H5T_NATIVE_UINT32, &v) < 0 || v == 0 || v > 65535)
            throw input_error(path_, std::string("/events@") + name,
                              "missing or invalid sensor size attribute");
        return v;
    }

    std::string path_;
    std::vector<h5id> file_, sets_;
    hsize_t size_ = 0, pos_ = 0;
    event_check chk_;
    std::vector<std::int64_t> t_;
    std::vector<std::uint16_t> x_, y_;
    std::vector<std::uint8_t> p_;
};

} // namespace

std::unique_ptr<event_sink> make_hdf5_sink(const std::string& path, std::uint16_t width, std::uint16_t height,
                                           const std::string& source_format) {
    return std::make_unique<hdf5_sink>(path, width, height, source_format);
}

std::unique_ptr<decoder> make_hdf5_decoder(const std::string& path, stream_info& info,
                                           bool allow_time_jumps) {
    return std::make_unique<hdf5_decoder>(path, info, allow_time_jumps);
}

} // namespace spikekit::events
