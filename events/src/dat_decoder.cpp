// Prophesee .dat (CD / Event2D): `%` header, one byte event type, one byte event size (8), then records of
// little-endian uint32 t (us) and uint32 w: x bits 13..0, y bits 27..14, polarity bits 31..28.
#include "camera_decoder.hpp"

namespace spikekit::events {
namespace {

class dat_decoder final : public record_decoder<dat_decoder> {
  public:
    dat_decoder(std::string path, event_check chk)
        : record_decoder(std::move(path), 8, "DAT event"), chk_(chk) {}

    bool record(const std::uint8_t* p, std::uint64_t offset, dvs_event& e) {
        const std::uint32_t w = load_le<std::uint32_t>(p + 4);
        const std::uint32_t pol = w >> 28;
        if (pol > 1)
            bad_data(path_, offset,
                     "polarity " + std::to_string(pol) + " is neither 0 nor 1 (corrupted data?)");
        e = dvs_event{time_(load_le<std::uint32_t>(p)), static_cast<std::uint16_t>(w & 0x3FFF),
                      static_cast<std::uint16_t>((w >> 14) & 0x3FFF), static_cast<std::uint8_t>(pol)};
        chk_.require(path_, offset, e);
        return true;
    }

  private:
    event_check chk_;
    unwrap32 time_;
};

} // namespace

std::unique_ptr<decoder> make_dat_decoder(byte_source& src, stream_info& info, bool allow_time_jumps) {
    const auto header = read_text_header(src, '%');
    prophesee_geometry(header, info);
    if (src.fill(2) < 2)
        bad_data(src.path(), src.offset(),
                 "truncated: the event type and size bytes after the header are missing");
    const std::uint8_t type = src.data()[0], size = src.data()[1];
    if (type != 0 && type != 12)
        bad_data(src.path(), src.offset(),
                 "event type " + std::to_string(type) +
                     " is not CD (0 or 12); only CD .dat files are supported");
    if (size != 8)
        bad_data(src.path(), src.offset() + 1,
                 "event size " + std::to_string(size) + " (expected 8 for CD events)");
    src.consume(2);
    event_check chk;
    chk.width = info.width ? info.width : 16384u;
    chk.height = info.height ? info.height : 16384u;
    chk.allow_time_jumps = allow_time_jumps;
    return std::make_unique<dat_decoder>(src.path(), chk);
}

} // namespace spikekit::events
