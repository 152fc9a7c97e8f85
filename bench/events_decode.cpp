// Decoding speed of the event-camera readers: millions of events per second, one core, from the file (in
// the page cache) to 16-byte dvs_events through event_reader with a 64 Ki-event buffer: file read, header,
// decoding and the per-event checks all included. Each file is read repeatedly for ~0.3 s per run and the
// best of 5 runs is printed, per wall-clock second and per CPU second of the thread (user + system, so the
// file reads count): on a shared machine the wall figure falls with the load, the CPU figure much less. For
// calibration the simplest possible EVT 2.0 loop (from memory, no checks) is timed on the same words.
//
//   bench_events_decode [FILE...]     (default: the samples in ../shared/data/events)
//   bench_events_decode --memory N    streams a synthetic EVT 2.0 file of N x the sample (written to /tmp,
//                                     removed after) and prints the peak resident memory: it must not grow
//                                     with the file.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <cstdlib>
#include <ctime>
#include <sys/resource.h>
#include <unistd.h>

#include "spikekit/events/reader.hpp"
#include "spikekit/events/writer.hpp"

using namespace spikekit::events;

namespace {

using clock_type = std::chrono::steady_clock;

double seconds_since(clock_type::time_point t0) {
    return std::chrono::duration<double>(clock_type::now() - t0).count();
}

double thread_cpu_seconds() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// Best events per wall second and per CPU second over `runs` runs of `pass` (which returns the events it
// decoded) repeated for at least 0.3 s each.
struct rates {
    double wall = 0, cpu = 0;
};
template <class Pass>
rates best_rates(Pass&& pass, int runs = 5) {
    rates best;
    for (int run = 0; run < runs; ++run) {
        std::size_t n = 0;
        const auto t0 = clock_type::now();
        const double c0 = thread_cpu_seconds();
        double s = 0;
        do n += pass();
        while ((s = seconds_since(t0)) < 0.3);
        best.wall = std::max(best.wall, static_cast<double>(n) / s);
        best.cpu = std::max(best.cpu, static_cast<double>(n) / (thread_cpu_seconds() - c0));
    }
    return best;
}

// Reading the whole file through event_reader.
rates reader_rate(const std::string& path, std::size_t& events) {
    std::vector<dvs_event> buf(1 << 16);
    auto pass = [&] {
        std::size_t n = 0;
        event_reader r(path);
        while (const std::size_t k = r.read(buf)) n += k;
        return n;
    };
    events = pass();
    return best_rates(pass);
}

// The simplest EVT 2.0 loop (no checks, no file read): the calibration point of issue 6 ("600 M/s").
rates simplest_evt2_rate(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    std::vector<char> bytes{std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
    std::size_t pos = 0;
    while (pos < bytes.size() && bytes[pos] == '%')
        pos = static_cast<std::size_t>(
                  std::find(bytes.begin() + static_cast<std::ptrdiff_t>(pos), bytes.end(), '\n') -
                  bytes.begin()) +
              1;
    const std::size_t words = (bytes.size() - pos) / 4;
    std::vector<std::uint32_t> w(words);
    std::memcpy(w.data(), bytes.data() + pos, words * 4);
    std::vector<dvs_event> out(words);
    return best_rates([&] {
        std::uint64_t th = 0;
        std::size_t k = 0;
        for (const std::uint32_t v : w) {
            const std::uint32_t type = v >> 28;
            if (type < 2) {
                out[k++] = dvs_event{static_cast<std::int64_t>((th << 6) | ((v >> 22) & 0x3F)),
                                     static_cast<std::uint16_t>((v >> 11) & 0x7FF),
                                     static_cast<std::uint16_t>(v & 0x7FF), static_cast<std::uint8_t>(type)};
            } else if (type == 8) {
                th = v & 0x0FFFFFFF;
            }
        }
        asm volatile("" : : "r"(out.data()) : "memory"); // keep the stores
        return k;
    });
}

// Peer figures quoted in issue 6 (same kind of machine, one core, from memory to 16-byte events) and the
// goals, printed beside ours for comparison; the peers themselves (OpenEB, expelliarmus) are not installed.
const char* peers(format f) {
    switch (f) {
    case format::evt2:
        return "goal >= 500; OpenEB 332, expelliarmus 253";
    case format::evt3:
        return "goal >= 150; OpenEB 122, expelliarmus 61";
    case format::dat:
        return "expelliarmus 93";
    default:
        return "";
    }
}

double peak_rss_mb() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return static_cast<double>(u.ru_maxrss) / 1024.0;
}

// Bounded memory: the EVT 2.0 sample repeated `copies` times (later in time each copy) into one file, then
// streamed through event_reader; peak RSS is printed before and after the streaming pass.
int memory_check(const std::string& sample, int copies) {
    const auto ev = read_all(sample);
    const event_reader info(sample);
    const std::string path = "/tmp/spikekit_bench_big_" + std::to_string(::getpid()) + ".raw";
    {
        event_writer w(path, format::evt2, info.info().width, info.info().height);
        std::vector<dvs_event> shifted(ev);
        const std::int64_t span = ev.back().t_us - ev.front().t_us + 1;
        for (int c = 0; c < copies; ++c) {
            for (std::size_t i = 0; i < ev.size(); ++i) shifted[i].t_us = ev[i].t_us + c * span;
            w.write(shifted);
        }
        w.close();
    }
    const double before = peak_rss_mb();
    std::uint64_t n = 0;
    std::vector<dvs_event> buf(1 << 16);
    const auto t0 = clock_type::now();
    {
        event_reader r(path);
        while (const std::size_t k = r.read(buf)) n += k;
    }
    const double s = seconds_since(t0);
    std::printf(
        "streamed %.0f MB (%llu events) in %.2f s (%.1f M events/s from disk cache); peak RSS %.1f MB "
        "before the pass, %.1f MB after\n",
        static_cast<double>(std::filesystem::file_size(path)) / 1e6, static_cast<unsigned long long>(n), s,
        static_cast<double>(n) / s * 1e-6, before, peak_rss_mb());
    std::filesystem::remove(path);
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    std::vector<std::string> files(argv + 1, argv + argc);
    if (files.size() == 2 && files[0] == "--memory")
        return memory_check(std::string(SPIKEKIT_SHARED_DIR) + "/data/events/prophesee/evt2_sample.raw",
                            std::max(1, std::atoi(files[1].c_str())));
    const std::string dir = std::string(SPIKEKIT_SHARED_DIR) + "/data/events/";
    if (files.empty())
        for (const char* f :
             {"prophesee/evt2_sample.raw", "prophesee/evt3_sample.raw", "tonic/sample_ncars.dat",
              "tonic/sample.aedat4", "davis240c/IMU_translBoxes.aedat", "tonic/sample_nmnist.bin"})
            files.push_back(dir + f);
    std::printf("%-24s %-7s %9s %10s %10s   %s\n", "file", "format", "events", "M ev/s", "M ev/CPU-s",
                "peers (M events/s)");
    for (const auto& f : files) {
        if (!std::filesystem::exists(f)) {
            std::printf("%-24s missing, skipped\n", f.c_str());
            continue;
        }
        std::size_t events = 0;
        const auto fmt = detect_format(f);
        const rates r = reader_rate(f, events);
        std::printf("%-24s %-7s %9zu %10.1f %10.1f   %s\n", std::filesystem::path(f).filename().c_str(),
                    std::string(format_name(fmt)).c_str(), events, r.wall * 1e-6, r.cpu * 1e-6, peers(fmt));
        if (fmt == format::evt2) {
            const rates c = simplest_evt2_rate(f);
            std::printf("%-24s %-7s %9s %10.1f %10.1f   (calibration: simplest EVT 2.0 loop, from memory, no "
                        "checks)\n",
                        "", "", "", c.wall * 1e-6, c.cpu * 1e-6);
        }
    }
    return 0;
}
