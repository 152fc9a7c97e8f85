// N-MNIST / N-Caltech101 binary: no header, 5-byte events: x, y, then polarity in bit 7 of byte 2 and a
// 23-bit timestamp in the rest of bytes 2..4 (big-endian). An event with y == 240 is Orchard's overflow
// marker: the timestamps of all following events are 8192 us later.
#include "camera_decoder.hpp"

namespace spikekit::events {
namespace {

class nmnist_decoder final : public record_decoder<nmnist_decoder> {
  public:
    nmnist_decoder(std::string path, event_check chk)
        : record_decoder(std::move(path), 5, "N-MNIST event"), chk_(chk) {}

    bool record(const std::uint8_t* p, std::uint64_t offset, dvs_event& e) {
        if (p[1] == 240) {
            overflow_ += 8192;
            return false;
        }
        const std::int64_t t = (std::int64_t{p[2] & 0x7F} << 16) | (std::int64_t{p[3]} << 8) | p[4];
        e = dvs_event{overflow_ + t, p[0], p[1], static_cast<std::uint8_t>(p[2] >> 7)};
        chk_.require(path_, offset, e);
        return true;
    }

  private:
    event_check chk_;
    std::int64_t overflow_ = 0;
};

} // namespace

std::unique_ptr<decoder> make_nmnist_decoder(byte_source& src, stream_info&, bool allow_time_jumps) {
    event_check chk;
    chk.width = 256; // 8-bit addresses; N-MNIST uses 34x34, N-Caltech101 up to 240x180
    chk.height = 240;
    chk.allow_time_jumps = allow_time_jumps;
    return std::make_unique<nmnist_decoder>(src.path(), chk);
}

} // namespace spikekit::events
