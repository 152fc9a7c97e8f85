// iniVation AEDAT 4.0: `#!AER-DAT4.0\r\n`, int32 header size, a FlatBuffer IOHeader (compression,
// dataTablePosition, infoNode XML), then packets (int32 streamId, int32 size, `size` bytes, LZ4-frame
// compressed when the header says so) up to the data table. Each decompressed packet is a size-prefixed
// FlatBuffer whose identifier says what it holds; "EVTS" packets are EventPacket tables whose field 0 is
// a vector of 16-byte structs {int64 t, int16 x, int16 y, bool polarity, 3 pad}. Other packets (IMU,
// triggers, frames) are skipped. Every FlatBuffer offset is bounds-checked before it is followed.
#include <lz4frame.h>

#include "camera_decoder.hpp"

namespace spikekit::events {
namespace {

constexpr std::string_view magic = "#!AER-DAT4.0\r\n";
constexpr std::uint64_t max_packet = std::uint64_t{1} << 30; // decompressed; a real packet holds far less

// Bounds-checked reads in one FlatBuffer; `base` is its file offset (of the packet) for error messages.
struct flatbuffer {
    const std::uint8_t* p;
    std::size_t n;
    const std::string& path;
    std::uint64_t base;
    const char* what;

    template <class T>
    T get(std::size_t at) const {
        if (at > n || n - at < sizeof(T))
            fail("offset " + std::to_string(at) + " points outside the " + std::to_string(n) +
                 "-byte buffer");
        return load_le<T>(p + at);
    }
    [[noreturn]] void fail(const std::string& problem) const {
        bad_data(path, base, std::string(what) + ": " + problem);
    }
    // Position of field `idx` of the table at `table`, or 0 when the field is absent.
    std::size_t field(std::size_t table, unsigned idx) const {
        const auto vt = static_cast<std::int64_t>(table) - get<std::int32_t>(table);
        if (vt < 0) fail("vtable offset out of range");
        const auto vtsize = get<std::uint16_t>(static_cast<std::size_t>(vt));
        if (4 + 2 * idx + 2 > vtsize) return 0;
        const auto fo = get<std::uint16_t>(static_cast<std::size_t>(vt) + 4 + 2 * idx);
        return fo ? table + fo : 0;
    }
    std::size_t indirect(std::size_t at) const { return at + get<std::uint32_t>(at); }
};

// The value of `<attr key="KEY" ...>VALUE</attr>` at or after `from` in the info XML.
std::string xml_attr(const std::string& xml, const std::string& key, std::size_t from, std::size_t to) {
    const auto k = xml.find("key=\"" + key + "\"", from);
    if (k == std::string::npos || k > to) return {};
    const auto b = xml.find('>', k), e = xml.find("</attr>", k);
    return b == std::string::npos || e == std::string::npos || e < b ? std::string()
                                                                     : xml.substr(b + 1, e - b - 1);
}

void parse_info(const std::string& xml, stream_info& info) {
    const auto ev = xml.find(">EVTS</attr>");
    if (ev == std::string::npos) return;
    const auto next = xml.find("typeIdentifier", ev);
    const auto to = next == std::string::npos ? xml.size() : next;
    const auto w = xml_attr(xml, "sizeX", ev, to), h = xml_attr(xml, "sizeY", ev, to);
    info.camera = xml_attr(xml, "source", ev, to);
    char* end = nullptr;
    const long wi = w.empty() ? 0 : std::strtol(w.c_str(), &end, 10),
               hi = h.empty() ? 0 : std::strtol(h.c_str(), &end, 10);
    if (wi > 0 && wi <= 32767 && hi > 0 && hi <= 32767) {
        info.width = static_cast<std::uint16_t>(wi);
        info.height = static_cast<std::uint16_t>(hi);
    }
}

class aedat4_decoder final : public decoder {
  public:
    aedat4_decoder(std::string path, event_check chk, bool lz4, std::uint64_t end)
        : path_(std::move(path)), chk_(chk), lz4_(lz4), end_(end) {}
    ~aedat4_decoder() override {
        if (ctx_) LZ4F_freeDecompressionContext(ctx_);
    }

    // The packets end at the data table, not at the end of the file.
    double progress(const byte_source& src) const override {
        const std::uint64_t end = std::min(end_, src.file_size());
        return end ? std::min(1.0, static_cast<double>(src.offset()) / static_cast<double>(end)) : 1.0;
    }

    decode_step decode(const byte_source& src, std::span<dvs_event> out) override {
        if (next_ < count_) return emit(out);
        const std::uint64_t end = std::min(end_, src.file_size());
        if (src.offset() >= end) return {0, 0, 0, true};
        if (src.size() < 8) {
            if (src.eof()) bad_data(path_, src.offset(), "truncated packet header");
            return {0, 0, 8};
        }
        const auto stream = load_le<std::int32_t>(src.data());
        const auto size = load_le<std::int32_t>(src.data() + 4);
        if (size <= 0 || std::uint64_t(size) > end - src.offset() - 8)
            bad_data(path_, src.offset() + 4,
                     "packet of stream " + std::to_string(stream) + " claims " + std::to_string(size) +
                         " bytes but " + std::to_string(end - src.offset() - 8) + " remain");
        const std::size_t total = 8 + static_cast<std::size_t>(size);
        if (src.size() < total) return {0, 0, total};
        packet_ = src.offset();
        unpack(src.data() + 8, static_cast<std::size_t>(size));
        return {total, 0, 0};
    }

  private:
    void unpack(const std::uint8_t* p, std::size_t n) {
        const std::uint8_t* data = p;
        std::size_t len = n;
        if (lz4_) {
            decompress(p, n);
            data = plain_.data();
            len = plain_len_;
        }
        const flatbuffer fb{data, len, path_, packet_, "event packet"};
        next_ = count_ = 0;
        if (len < 12 || std::memcmp(data + 8, "EVTS", 4) != 0) return; // IMU, triggers, frames: not events
        if (fb.get<std::uint32_t>(0) > len - 4) fb.fail("size prefix larger than the packet");
        const std::size_t table = 4 + fb.get<std::uint32_t>(4);
        const std::size_t f = fb.field(table, 0);
        if (!f) return;
        const std::size_t vec = fb.indirect(f);
        const std::uint32_t count = fb.get<std::uint32_t>(vec);
        if (count > (len - vec - 4) / 16)
            fb.fail("vector of " + std::to_string(count) + " events does not fit in the packet");
        events_ = data + vec + 4;
        count_ = count;
    }

    void decompress(const std::uint8_t* p, std::size_t n) {
        if (!ctx_ && LZ4F_isError(LZ4F_createDecompressionContext(&ctx_, LZ4F_VERSION)))
            throw runtime_error("cannot create an LZ4 decompression context");
        plain_len_ = 0;
        std::size_t in = 0;
        for (;;) {
            if (plain_.size() - plain_len_ < (std::size_t{1} << 16))
                plain_.resize(std::max<std::size_t>(plain_.size() * 2, 1 << 20));
            if (plain_.size() > max_packet)
                bad_data(path_, packet_, "packet decompresses to more than 1 GiB (corrupted?)");
            std::size_t out_n = plain_.size() - plain_len_, in_n = n - in;
            const std::size_t r =
                LZ4F_decompress(ctx_, plain_.data() + plain_len_, &out_n, p + in, &in_n, nullptr);
            if (LZ4F_isError(r)) {
                LZ4F_freeDecompressionContext(ctx_);
                ctx_ = nullptr;
                bad_data(path_, packet_, std::string("corrupted LZ4 data: ") + LZ4F_getErrorName(r));
            }
            in += in_n;
            plain_len_ += out_n;
            if (r == 0) return; // frame complete
            if (in == n && out_n == 0) {
                LZ4F_freeDecompressionContext(ctx_);
                ctx_ = nullptr;
                bad_data(path_, packet_, "truncated LZ4 frame in packet");
            }
        }
    }

    decode_step emit(std::span<dvs_event> out) {
        std::size_t n = 0;
        for (; n < out.size() && next_ < count_; ++next_) {
            const std::uint8_t* e = events_ + 16 * next_;
            const auto x = load_le<std::int16_t>(e + 8), y = load_le<std::int16_t>(e + 10);
            const std::uint8_t pol = e[12];
            const std::uint64_t where =
                packet_ + 8; // events are inside the compressed packet: name the packet
            if (x < 0 || y < 0 || pol > 1)
                bad_data(path_, where,
                         "event " + std::to_string(next_) + " of the packet has x " + std::to_string(x) +
                             ", y " + std::to_string(y) + ", polarity " + std::to_string(pol));
            out[n] = dvs_event{load_le<std::int64_t>(e), static_cast<std::uint16_t>(x),
                               static_cast<std::uint16_t>(y), pol};
            chk_.require(path_, where, out[n]);
            ++n;
        }
        return {0, n, 0};
    }

    std::string path_;
    event_check chk_;
    bool lz4_;
    std::uint64_t end_, packet_ = 0;
    LZ4F_dctx* ctx_ = nullptr;
    std::vector<std::uint8_t> plain_;
    std::size_t plain_len_ = 0;
    const std::uint8_t* events_ = nullptr;
    std::size_t next_ = 0, count_ = 0;
};

} // namespace

std::unique_ptr<decoder> make_aedat4_decoder(byte_source& src, stream_info& info, bool allow_time_jumps) {
    const std::string& path = src.path();
    if (src.fill(magic.size() + 4) < magic.size() + 4 ||
        std::memcmp(src.data(), magic.data(), magic.size()) != 0)
        bad_data(path, 0, "not an AEDAT 4.0 file (expected #!AER-DAT4.0 and a header size)");
    const auto hsize = load_le<std::int32_t>(src.data() + magic.size());
    const std::uint64_t hstart = magic.size() + 4;
    if (hsize <= 0 || std::uint64_t(hsize) > src.file_size() - hstart || hsize > (64 << 20))
        bad_data(path, magic.size(),
                 "header size " + std::to_string(hsize) + " is impossible for a " +
                     std::to_string(src.file_size()) + "-byte file");
    src.consume(hstart);
    src.fill(static_cast<std::size_t>(hsize));
    const flatbuffer fb{src.data(), static_cast<std::size_t>(hsize), path, hstart, "IOHeader"};
    const std::size_t root = fb.get<std::uint32_t>(0);
    const std::size_t fc = fb.field(root, 0), ft = fb.field(root, 1), fi = fb.field(root, 2);
    const std::int32_t compression = fc ? fb.get<std::int32_t>(fc) : 0;
    const std::int64_t table = ft ? fb.get<std::int64_t>(ft) : -1;
    if (compression < 0 || compression > 2)
        bad_data(path, hstart,
                 compression <= 4 ? "ZSTD-compressed AEDAT 4 files are not supported (only none and LZ4)"
                                  : "unknown compression " + std::to_string(compression));
    if (fi) {
        const std::size_t s = fb.indirect(fi);
        const std::uint32_t len = fb.get<std::uint32_t>(s);
        if (len > fb.n - s - 4) fb.fail("info string longer than the header");
        parse_info(std::string(reinterpret_cast<const char*>(fb.p) + s + 4, len), info);
    }
    const std::uint64_t data_start = hstart + static_cast<std::uint64_t>(hsize);
    if (table >= 0 && static_cast<std::uint64_t>(table) < data_start)
        bad_data(path, hstart,
                 "dataTablePosition " + std::to_string(table) + " lies inside the header (corrupted header)");
    if (table > 0 && static_cast<std::uint64_t>(table) > src.file_size())
        bad_data(path, hstart,
                 "dataTablePosition " + std::to_string(table) + " lies past the end of the " +
                     std::to_string(src.file_size()) + "-byte file (truncated file?)");
    src.consume(static_cast<std::size_t>(hsize));
    event_check chk;
    chk.width = info.width ? info.width : 32768u;
    chk.height = info.height ? info.height : 32768u;
    chk.allow_time_jumps = allow_time_jumps;
    const std::uint64_t end = table > 0 ? static_cast<std::uint64_t>(table) : src.file_size();
    return std::make_unique<aedat4_decoder>(path, chk, compression != 0, end);
}

} // namespace spikekit::events
