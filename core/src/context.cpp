#include "spikekit/core/context.hpp"

#include <thread>

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

namespace spikekit {

struct context::arena {
    tbb::task_arena tbb_arena;
    explicit arena(unsigned n) : tbb_arena(static_cast<int>(n)) {}
};

context::context(unsigned threads)
    : threads_(threads ? threads : std::max(1u, std::thread::hardware_concurrency())),
      arena_(std::make_shared<arena>(threads_)) {}

void context::execute(const std::function<void()>& f) const {
    arena_->tbb_arena.execute(f);
}

void context::parallel_chunks(std::size_t n, std::size_t grain,
                              const std::function<void(std::size_t, std::size_t)>& fn) const {
    if (threads_ == 1 || n <= grain) {
        if (n) fn(0, n);
        return;
    }
    execute([&] {
        tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n, grain),
                          [&](const tbb::blocked_range<std::size_t>& r) { fn(r.begin(), r.end()); });
    });
}

} // namespace spikekit
