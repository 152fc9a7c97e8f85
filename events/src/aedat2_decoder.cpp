// jAER AEDAT 2.0 (and 1.0): `#` header lines, then big-endian records of address + int32 timestamp (us).
// 2.0 has 32-bit addresses (8-byte records), 1.0 16-bit ones (6-byte records, DVS128 layout).
//  * DAVIS: bit 31 set = APS or IMU sample (skipped); else y bits 30..22, x bits 21..12, bits 11..10:
//    10 = ON, 00 = OFF, 01/11 = external event (skipped).
//  * DVS128: bit 15 external (skipped), y bits 14..8, x bits 7..1, polarity bit 0 (1 = ON).
// jAER puts (0,0) at the lower left; spikekit's events have it at the upper left like every other format,
// so y is flipped when the chip (hence the height) is known from the `# AEChip:` line.
#include "camera_decoder.hpp"

namespace spikekit::events {
namespace {

enum class layout { davis, dvs128 };

struct chip {
    const char* name;
    layout addr;
    std::uint16_t width, height;
};

// Chips named in jAER's `# AEChip:` header line.
constexpr chip chips[] = {
    {"DVS128", layout::dvs128, 128, 128},  {"Davis240", layout::davis, 240, 180},
    {"DAVIS240", layout::davis, 240, 180}, {"Davis346", layout::davis, 346, 260},
    {"DAVIS346", layout::davis, 346, 260}, {"Davis640", layout::davis, 640, 480},
    {"DAVIS640", layout::davis, 640, 480}, {"Davis128", layout::davis, 128, 128},
};

class aedat2_decoder final : public record_decoder<aedat2_decoder> {
  public:
    aedat2_decoder(std::string path, std::size_t rec, layout addr, bool flip, event_check chk)
        : record_decoder(std::move(path), rec, "AEDAT record"), addr_(addr), flip_(flip), chk_(chk) {}

    bool record(const std::uint8_t* p, std::uint64_t offset, dvs_event& e) {
        const bool wide = rec_ == 8;
        const std::uint32_t a = wide ? load_be32(p) : (std::uint32_t{p[0]} << 8 | p[1]);
        const std::int64_t t = time_(load_be32(p + (wide ? 4 : 2)));
        std::uint32_t x, y, pol;
        if (addr_ == layout::davis) {
            const std::uint32_t kind = (a >> 10) & 3;
            if ((a >> 31) || kind == 1 || kind == 3) return false;
            x = (a >> 12) & 0x3FF;
            y = (a >> 22) & 0x1FF;
            pol = kind >> 1;
        } else {
            if (a & 0x8000) return false;
            x = (a >> 1) & 0x7F;
            y = (a >> 8) & 0x7F;
            pol = a & 1;
        }
        e = dvs_event{t, static_cast<std::uint16_t>(x), static_cast<std::uint16_t>(y),
                      static_cast<std::uint8_t>(pol)};
        chk_.require(path_, offset, e); // before the flip, so y is checked against the height
        if (flip_) e.y = static_cast<std::uint16_t>(chk_.height - 1 - e.y);
        return true;
    }

  private:
    layout addr_;
    bool flip_;
    event_check chk_;
    unwrap32 time_;
};

} // namespace

std::unique_ptr<decoder> make_aedat2_decoder(byte_source& src, stream_info& info, bool allow_time_jumps) {
    const auto header = read_text_header(src, '#');
    const bool v1 = !header.empty() && header.front().rfind("!AER-DAT1", 0) == 0;
    layout addr = v1 ? layout::dvs128 : layout::davis;
    if (v1) { // 16-bit addresses: only the DVS128 wrote AEDAT 1.0
        info.width = info.height = 128;
        info.camera = "DVS128";
    }
    for (const auto& line : header) {
        if (line.find("AEChip:") == std::string::npos) continue;
        info.camera = line.substr(line.find("AEChip:") + 7);
        for (const auto& c : chips)
            if (line.find(c.name) != std::string::npos) {
                addr = c.addr;
                info.width = c.width;
                info.height = c.height;
                break;
            }
    }
    event_check chk;
    chk.width = info.width ? info.width : (addr == layout::davis ? 1024u : 128u);
    chk.height = info.height ? info.height : (addr == layout::davis ? 512u : 128u);
    chk.allow_time_jumps = allow_time_jumps;
    return std::make_unique<aedat2_decoder>(src.path(), v1 ? 6 : 8, addr, info.height != 0, chk);
}

} // namespace spikekit::events
