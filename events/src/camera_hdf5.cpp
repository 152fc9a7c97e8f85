// spikekit's HDF5 event layout (writer.hpp), through the I/O layer: the sink appends to extendable chunked
// datasets, the decoder reads them back in slices of at most the caller's buffer, so neither holds the whole
// file.
#include <optional>
#include <vector>

#include "camera_decoder.hpp"
#include "spikekit/events/writer.hpp"
#include "spikekit/io/h5.hpp"

namespace spikekit::events {
namespace {

namespace h5 = io::h5;
constexpr hsize_t chunk = 1 << 16;
const char* const names[4] = {"/events/t", "/events/x", "/events/y", "/events/p"};

class hdf5_sink final : public event_sink {
  public:
    hdf5_sink(const std::string& path, std::uint16_t width, std::uint16_t height, const std::string& source)
        : w_(std::in_place, path) {
        w_->group("/events");
        w_->attr_u32("/events", "width", width);
        w_->attr_u32("/events", "height", height);
        w_->attr("/events", "source_format", source);
        t_.emplace(w_->append_dataset<std::int64_t>(names[0], chunk));
        x_.emplace(w_->append_dataset<std::uint16_t>(names[1], chunk));
        y_.emplace(w_->append_dataset<std::uint16_t>(names[2], chunk));
        p_.emplace(w_->append_dataset<std::uint8_t>(names[3], chunk));
        w_->attr(names[0], "units", "us");
    }

    void write(std::span<const dvs_event> events) override {
        const std::size_t n = events.size();
        if (n == 0) return;
        t_buf_.resize(n);
        x_buf_.resize(n);
        y_buf_.resize(n);
        p_buf_.resize(n);
        for (std::size_t i = 0; i < n; ++i) {
            t_buf_[i] = events[i].t_us;
            x_buf_[i] = events[i].x;
            y_buf_[i] = events[i].y;
            p_buf_[i] = events[i].p;
        }
        t_->append(t_buf_);
        x_->append(x_buf_);
        y_->append(y_buf_);
        p_->append(p_buf_);
    }

    void close() override {
        t_.reset();
        x_.reset();
        y_.reset();
        p_.reset();
        if (w_) w_->close();
        w_.reset();
    }

  private:
    std::optional<h5::writer> w_;
    std::optional<h5::appender<std::int64_t>> t_;
    std::optional<h5::appender<std::uint16_t>> x_, y_;
    std::optional<h5::appender<std::uint8_t>> p_;
    std::vector<std::int64_t> t_buf_;
    std::vector<std::uint16_t> x_buf_, y_buf_;
    std::vector<std::uint8_t> p_buf_;
};

class hdf5_decoder final : public decoder {
  public:
    hdf5_decoder(const std::string& path, stream_info& info, bool jumps) : r_(path), path_(path) {
        for (int c = 0; c < 4; ++c) check_column(c);
        info.width = static_cast<std::uint16_t>(read_attr("width"));
        info.height = static_cast<std::uint16_t>(read_attr("height"));
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
        r_.read_slice(names[0], pos_, std::span(t_));
        r_.read_slice(names[1], pos_, std::span(x_));
        r_.read_slice(names[2], pos_, std::span(y_));
        r_.read_slice(names[3], pos_, std::span(p_));
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
    void check_column(int c) {
        if (!r_.has(names[c]))
            throw input_error(path_, names[c],
                              "missing dataset (spikekit HDF5 events need /events/{t,x,y,p})");
        const auto dims = r_.dims(names[c]);
        if (dims.size() != 1) throw input_error(path_, names[c], "expected a 1-D dataset");
        if (c == 0) size_ = dims[0];
        if (dims[0] != size_)
            throw input_error(path_, names[c],
                              "has " + std::to_string(dims[0]) + " elements but /events/t has " +
                                  std::to_string(size_));
    }

    std::uint32_t read_attr(const char* name) const {
        const std::string where = std::string("/events@") + name;
        double v = 0;
        try {
            v = r_.read_double_attr("/events", name);
        } catch (const input_error&) {
            v = 0;
        }
        if (!(v >= 1 && v <= 65535) || v != static_cast<double>(static_cast<std::uint32_t>(v)))
            throw input_error(path_, where, "missing or invalid sensor size attribute");
        return static_cast<std::uint32_t>(v);
    }

    h5::reader r_;
    std::string path_;
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
