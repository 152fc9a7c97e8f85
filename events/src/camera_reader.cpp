// event_reader: the buffered byte source, format detection and the loop that drives a decoder plugin.
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>

#include "camera_decoder.hpp"

namespace spikekit::events {

byte_source::byte_source(const std::string& path, std::size_t chunk) : path_(path) {
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) throw input_error(path, "", std::string("cannot open: ") + std::strerror(errno));
    struct stat st {};
    if (::fstat(fd_, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd_);
        throw input_error(path, "", "not a regular file");
    }
    file_size_ = static_cast<std::uint64_t>(st.st_size);
    // A small file (an N-MNIST sample is ~20 KB) gets a buffer of its size, not a whole chunk.
    buf_.resize(
        static_cast<std::size_t>(std::min<std::uint64_t>(chunk, std::max<std::uint64_t>(file_size_, 4096))));
}

byte_source::~byte_source() {
    if (fd_ >= 0) ::close(fd_);
}

std::size_t byte_source::fill(std::size_t n) {
    if (size() >= n || eof_) return size();
    if (first_ > 0) { // keep the unread tail, at the front
        std::memmove(buf_.data(), buf_.data() + first_, size());
        last_ -= first_;
        first_ = 0;
    }
    if (n > buf_.size()) buf_.resize(n);
    while (last_ < n && !eof_) {
        const ssize_t got = ::read(fd_, buf_.data() + last_, buf_.size() - last_);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0)
            throw runtime_error(path_ + ": read failed at " + at_byte(offset_ + last_) + ": " +
                                std::strerror(errno));
        if (got == 0) eof_ = true;
        last_ += static_cast<std::size_t>(got);
    }
    return size();
}

std::vector<std::string> read_text_header(byte_source& src, char marker, const std::string& end_line) {
    constexpr std::size_t max_line = std::size_t{1} << 20;
    std::vector<std::string> lines;
    while (src.fill(1) > 0 && src.data()[0] == static_cast<std::uint8_t>(marker)) {
        // Look in what the buffer holds first; refilling moves the buffer, so only do it when needed.
        const std::uint8_t* nl = nullptr;
        for (std::size_t avail = src.size();; avail = src.fill(std::min(max_line, avail + 64 * 1024))) {
            nl = static_cast<const std::uint8_t*>(std::memchr(src.data(), '\n', avail));
            if (nl || avail >= max_line || src.eof()) break;
        }
        if (!nl)
            bad_data(src.path(), src.offset(),
                     "header line without a line end (truncated or corrupted header)");
        std::size_t len = static_cast<std::size_t>(nl - src.data());
        std::string line(reinterpret_cast<const char*>(src.data()) + 1, len - 1);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        src.consume(len + 1);
        lines.push_back(line);
        if (!end_line.empty() && line == end_line) break;
    }
    return lines;
}

void event_check::fail(const std::string& path, std::uint64_t offset, const dvs_event& e) const {
    if (e.x >= width || e.y >= height)
        bad_data(path, offset,
                 "event at (" + std::to_string(e.x) + ", " + std::to_string(e.y) + ") is outside the " +
                     std::to_string(width) + "x" + std::to_string(height) + " sensor");
    bad_data(path, offset,
             "time goes backwards: " + std::to_string(e.t_us) + " us after " + std::to_string(last_t) +
                 " us (non-monotonic timestamps; corrupted data?)");
}

namespace {

bool starts_with(const std::uint8_t* p, std::size_t n, std::string_view magic) {
    return n >= magic.size() && std::memcmp(p, magic.data(), magic.size()) == 0;
}

std::string lower_extension(const std::string& path) {
    std::string ext = std::filesystem::path(path).extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return ext;
}

// A Prophesee `%` header names its encoding (`% evt 3.0`, `% format EVT3;...`) or its event type (.dat).
std::optional<format> prophesee_kind(std::string_view head) {
    if (head.find("evt 3.0") != std::string_view::npos || head.find("format EVT3") != std::string_view::npos)
        return format::evt3;
    if (head.find("evt 2.0") != std::string_view::npos || head.find("format EVT2") != std::string_view::npos)
        return format::evt2;
    if (head.find("Event2D") != std::string_view::npos || head.find("CD events") != std::string_view::npos)
        return format::dat;
    return std::nullopt;
}

// The `%` lines at the start of [p, p + n): only they are searched for the encoding, never the binary data
// that follows (which could contain any text by chance).
std::string_view percent_header(const std::uint8_t* p, std::size_t n) {
    std::size_t end = 0;
    while (end < n && p[end] == '%') {
        const void* nl = std::memchr(p + end, '\n', n - end);
        if (!nl) return {reinterpret_cast<const char*>(p), n}; // a header longer than the buffer
        end = static_cast<std::size_t>(static_cast<const std::uint8_t*>(nl) - p) + 1;
    }
    return {reinterpret_cast<const char*>(p), end};
}

format detect(byte_source& src) {
    const std::size_t n = src.fill(64 * 1024);
    const std::uint8_t* p = src.data();
    const std::string ext = lower_extension(src.path());
    if (starts_with(p, n, "#!AER-DAT4")) return format::aedat4;
    if (starts_with(p, n, "#!AER-DAT3")) return format::aedat31;
    if (starts_with(p, n, "#!AER-DAT2") || starts_with(p, n, "#!AER-DAT1")) return format::aedat2;
    if (starts_with(p, n, "\x89HDF\r\n\x1a\n")) return format::hdf5;
    if (n > 0 && p[0] == '%') {
        if (auto f = prophesee_kind(percent_header(p, n))) return *f;
        if (ext == ".dat") return format::dat;
        throw input_error(src.path(), "header",
                          "a `%` header that names no known encoding (expected `% evt 2.0`, `% evt 3.0` or a "
                          ".dat event type)");
    }
    if (ext == ".bin" || ext == ".bs2") return format::nmnist;
    if (ext == ".raw")
        throw input_error(src.path(), "byte 0", "a .raw file without the `%` header that names its encoding");
    throw input_error(src.path(), "byte 0",
                      "unknown event file format (no known magic; extensions known: .raw .dat .aedat .aedat4 "
                      ".bin .bs2 .h5)");
}

std::unique_ptr<decoder> make_decoder(format f, const std::string& path, byte_source& src, stream_info& info,
                                      bool jumps) {
    switch (f) {
    case format::nmnist:
        return make_nmnist_decoder(src, info, jumps);
    case format::evt2:
        return make_evt2_decoder(src, info, jumps);
    case format::evt3:
        return make_evt3_decoder(src, info, jumps);
    case format::dat:
        return make_dat_decoder(src, info, jumps);
    case format::aedat2:
        return make_aedat2_decoder(src, info, jumps);
    case format::aedat31:
        return make_aedat31_decoder(src, info, jumps);
    case format::aedat4:
        return make_aedat4_decoder(src, info, jumps);
    case format::hdf5:
        return make_hdf5_decoder(path, info, jumps);
    }
    throw input_error(path, "", "unsupported format");
}

constexpr std::string_view names[] = {"nmnist", "evt2", "evt3", "dat", "aedat2", "aedat31", "aedat4", "hdf5"};

} // namespace

std::string_view format_name(format f) {
    return names[static_cast<std::size_t>(f)];
}

std::optional<format> format_from_name(std::string_view name) {
    for (std::size_t i = 0; i < std::size(names); ++i)
        if (names[i] == name) return static_cast<format>(i);
    return std::nullopt;
}

format detect_format(const std::string& path) {
    byte_source src(path, 64 * 1024);
    return detect(src);
}

format output_format_for(const std::string& path) {
    const std::string ext = lower_extension(path);
    if (ext == ".raw") return format::evt2;
    if (ext == ".h5" || ext == ".hdf5") return format::hdf5;
    throw input_error(path, "", "cannot write '" + ext + "' files (write .raw for EVT 2.0 or .h5 for HDF5)");
}

event_reader::event_reader(const std::string& path, reader_options opt)
    : path_(path), src_(std::make_unique<byte_source>(path)) {
    info_.fmt = opt.fmt ? *opt.fmt : detect(*src_);
    dec_ = make_decoder(info_.fmt, path_, *src_, info_, opt.allow_time_jumps);
}

event_reader::~event_reader() = default;
event_reader::event_reader(event_reader&&) noexcept = default;
event_reader& event_reader::operator=(event_reader&&) noexcept = default;

// Drive the decoder: decode what the buffer holds, refill when it asks for bytes, stop when `out` cannot
// take another step or the file is done.
std::size_t event_reader::decode_into(std::span<dvs_event> out) {
    std::size_t n = 0;
    while (out.size() - n >= dec_->min_out()) {
        const decode_step st = dec_->decode(*src_, out.subspan(n));
        src_->consume(st.consumed);
        n += st.produced;
        if (st.end) break;
        if (st.consumed > 0 || st.produced > 0) continue;
        if (src_->eof()) break;
        src_->fill(std::max(st.need, src_->size() + 1));
    }
    if (info_.time_offset_us != 0)
        for (std::size_t i = 0; i < n; ++i) out[i].t_us += info_.time_offset_us;
    return n;
}

std::size_t event_reader::read(std::span<dvs_event> out) {
    if (staged_first_ == staged_last_ && out.size() >= dec_->min_out()) return decode_into(out);
    if (staged_first_ == staged_last_) { // the caller's span is smaller than one decoding step
        staging_.resize(std::max<std::size_t>(4096, dec_->min_out()));
        staged_first_ = 0;
        staged_last_ = decode_into(staging_);
    }
    const std::size_t n = std::min(out.size(), staged_last_ - staged_first_);
    std::copy_n(staging_.begin() + static_cast<std::ptrdiff_t>(staged_first_), n, out.begin());
    staged_first_ += n;
    return n;
}

double event_reader::progress() const {
    return dec_->progress(*src_);
}

std::vector<dvs_event> read_all(const std::string& path, reader_options opt) {
    event_reader r(path, opt);
    std::vector<dvs_event> all;
    std::vector<dvs_event> buf(1 << 16);
    while (const std::size_t n = r.read(buf))
        all.insert(all.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(n));
    return all;
}

stream_summary summarize(const std::string& path, reader_options opt) {
    event_reader r(path, opt);
    stream_summary s;
    s.info = r.info();
    std::vector<dvs_event> buf(1 << 16);
    while (const std::size_t n = r.read(buf)) {
        if (s.events == 0) s.t_first_us = buf[0].t_us;
        for (std::size_t i = 0; i < n; ++i) {
            s.on += buf[i].p;
            s.max_x = std::max(s.max_x, buf[i].x);
            s.max_y = std::max(s.max_y, buf[i].y);
        }
        s.t_last_us = buf[n - 1].t_us;
        s.events += n;
    }
    return s;
}

} // namespace spikekit::events
