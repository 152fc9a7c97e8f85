// iniVation AEDAT 3.1: `#` header lines up to `#!END-HEADER`, then packets, all little-endian:
//   28-byte header: int16 eventType, int16 eventSource, int32 eventSize, int32 eventTSOffset,
//                   int32 eventTSOverflow, int32 eventCapacity, int32 eventNumber, int32 eventValid
//   eventCapacity x eventSize bytes of events.
// POLARITY_EVENT (type 1, size 8): uint32 data (bit 0 valid, bit 1 polarity, y bits 16..2, x bits 31..17),
// int32 timestamp; full time = eventTSOverflow << 31 | timestamp. Other packet types are skipped. Written
// from the format specification (iniVation docs); no real 3.1 recording was available to test against.
#include <algorithm>

#include "camera_decoder.hpp"

namespace spikekit::events {
namespace {

constexpr std::size_t packet_header = 28;

class aedat31_decoder final : public decoder {
  public:
    aedat31_decoder(std::string path, event_check chk) : path_(std::move(path)), chk_(chk) {}

    decode_step decode(const byte_source& src, std::span<dvs_event> out) override {
        if (skip_ > 0) {
            const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(skip_, src.size()));
            if (n == 0 && src.eof()) truncated(src);
            skip_ -= n;
            return {n, 0, 1};
        }
        if (events_left_ > 0) return polarity(src, out);
        if (src.size() < packet_header) {
            if (src.eof() && src.size() == 0) return {0, 0, 0, true};
            if (src.eof()) truncated(src);
            return {0, 0, packet_header};
        }
        start_packet(src);
        return {packet_header, 0, 0};
    }

  private:
    [[noreturn]] void truncated(const byte_source& src) const {
        bad_data(path_, src.offset(),
                 "truncated packet (the file ends inside the packet that starts at byte " +
                     std::to_string(packet_start_) + ")");
    }

    void start_packet(const byte_source& src) {
        const std::uint8_t* p = src.data();
        packet_start_ = src.offset();
        const auto type = load_le<std::int16_t>(p);
        const auto size = load_le<std::int32_t>(p + 4);
        const auto overflow = load_le<std::int32_t>(p + 12);
        const auto capacity = load_le<std::int32_t>(p + 16);
        const auto number = load_le<std::int32_t>(p + 20);
        if (size <= 0 || capacity < 0 || number < 0 || number > capacity || overflow < 0)
            bad_data(path_, packet_start_,
                     "corrupted packet header (eventSize " + std::to_string(size) + ", eventCapacity " +
                         std::to_string(capacity) + ", eventNumber " + std::to_string(number) + ")");
        const std::uint64_t bytes = std::uint64_t(size) * std::uint64_t(capacity);
        const std::uint64_t left = src.file_size() - packet_start_ - packet_header;
        if (bytes > left)
            bad_data(path_, packet_start_,
                     "packet claims " + std::to_string(bytes) + " bytes of events but only " +
                         std::to_string(left) + " remain in the file");
        if (type == 1 && size != 8)
            bad_data(path_, packet_start_ + 4,
                     "polarity packet with eventSize " + std::to_string(size) + " (expected 8)");
        overflow_ = std::int64_t{overflow} << 31;
        if (type == 1)
            events_left_ = static_cast<std::uint32_t>(capacity);
        else
            skip_ = bytes;
    }

    decode_step polarity(const byte_source& src, std::span<dvs_event> out) {
        const std::size_t records = std::min({std::size_t{events_left_}, src.size() / 8, out.size()});
        if (records == 0) {
            if (src.eof()) truncated(src);
            return {0, 0, 8};
        }
        std::size_t n = 0;
        for (std::size_t i = 0; i < records; ++i) {
            const std::uint8_t* p = src.data() + 8 * i;
            const std::uint32_t d = load_le<std::uint32_t>(p);
            if (!(d & 1)) continue; // invalidated event
            out[n] = dvs_event{overflow_ | load_le<std::uint32_t>(p + 4), static_cast<std::uint16_t>(d >> 17),
                               static_cast<std::uint16_t>((d >> 2) & 0x7FFF),
                               static_cast<std::uint8_t>((d >> 1) & 1)};
            chk_.require(path_, src.offset() + 8 * i, out[n]);
            ++n;
        }
        events_left_ -= static_cast<std::uint32_t>(records);
        return {records * 8, n, 0};
    }

    std::string path_;
    event_check chk_;
    std::uint64_t skip_ = 0, packet_start_ = 0;
    std::uint32_t events_left_ = 0;
    std::int64_t overflow_ = 0;
};

struct source_chip {
    const char* name;
    std::uint16_t width, height;
};
constexpr source_chip sources[] = {{"DVS128", 128, 128},
                                   {"DAVIS240", 240, 180},
                                   {"DAVIS346", 346, 260},
                                   {"DAVIS640", 640, 480},
                                   {"DVXPLORER", 640, 480}};

} // namespace

std::unique_ptr<decoder> make_aedat31_decoder(byte_source& src, stream_info& info, bool allow_time_jumps) {
    const auto header = read_text_header(src, '#', "!END-HEADER");
    if (header.empty() || header.back() != "!END-HEADER")
        bad_data(src.path(), src.offset(),
                 "the header does not end with #!END-HEADER (truncated or corrupted header)");
    for (const auto& line : header) {
        if (line.rfind("Source ", 0) != 0) continue;
        const std::size_t colon = line.find(':');
        info.camera = colon == std::string::npos ? line : line.substr(colon + 1);
        if (!info.camera.empty() && info.camera.front() == ' ') info.camera.erase(0, 1);
        for (const auto& c : sources)
            if (line.find(c.name) != std::string::npos) {
                info.width = c.width;
                info.height = c.height;
            }
    }
    event_check chk;
    chk.width = info.width ? info.width : 32768u;
    chk.height = info.height ? info.height : 32768u;
    chk.allow_time_jumps = allow_time_jumps;
    return std::make_unique<aedat31_decoder>(src.path(), chk);
}

} // namespace spikekit::events
