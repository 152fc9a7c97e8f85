#pragma once
// What a run may use of the machine, passed explicitly to whatever needs it (CONVENTIONS.md #3: no
// singletons, no global state): the worker threads and their arena, an optional seed override, and the
// tuning of the parallel paths. Copies share one thread arena. Later it also holds the MPI communicator.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>

namespace spikekit {

class context {
  public:
    // threads: worker threads, 0 = every core of the machine.
    explicit context(unsigned threads = 1);

    unsigned threads() const noexcept { return threads_; }

    // When set, replaces the seed of every description run in this context (spikekit run --seed).
    std::optional<std::uint64_t> seed;
    // A simulation step with less work than this (in units of about a nanosecond: neuron updates x 4 plus
    // synaptic events) runs serially, because a fork-join costs more than it saves; results are the same
    // either way. Tests set 0 to force the parallel path on small networks.
    std::uint64_t min_parallel_work = 16384;

    // Runs f inside this context's thread arena: the parallel algorithms f calls use at most threads().
    void execute(const std::function<void()>& f) const;
    // fn(first, last) over [0, n) in chunks of about `grain` items, on this context's threads.
    void parallel_chunks(std::size_t n, std::size_t grain,
                         const std::function<void(std::size_t, std::size_t)>& fn) const;

  private:
    struct arena;
    unsigned threads_ = 1;
    std::shared_ptr<arena> arena_;
};

} // namespace spikekit
