#pragma once
// Depth of the populations of a network as NIR import and export both count it: the longest path from the
// sources over forward edges, where an edge that closes a cycle in a depth-first walk (sources first, then
// the rest, each in index order) is a back edge. Sources have depth 0, every other population at least 1.
#include <algorithm>
#include <cstdint>
#include <functional>
#include <utility>
#include <vector>

namespace spikekit::converters::nirdepth {

inline std::vector<std::int64_t> depths(const std::vector<char>& is_pop, const std::vector<char>& source,
                                        const std::vector<std::pair<std::size_t, std::size_t>>& edges,
                                        std::vector<char>& back) {
    const std::size_t n = is_pop.size();
    std::vector<std::vector<std::size_t>> out(n); // edge indices by source
    for (std::size_t k = 0; k < edges.size(); ++k) out[edges[k].first].push_back(k);
    std::vector<int> state(n, 0); // 0 new, 1 on the stack, 2 done
    std::vector<std::size_t> post;
    back.assign(edges.size(), 0);
    std::function<void(std::size_t)> visit = [&](std::size_t v) {
        state[v] = 1;
        for (auto k : out[v]) {
            const auto t = edges[k].second;
            if (state[t] == 1)
                back[k] = 1;
            else if (state[t] == 0)
                visit(t);
        }
        state[v] = 2;
        post.push_back(v);
    };
    for (std::size_t v = 0; v < n; ++v)
        if (source[v] && state[v] == 0) visit(v);
    for (std::size_t v = 0; v < n; ++v)
        if (is_pop[v] && state[v] == 0) visit(v);
    std::vector<std::int64_t> depth(n, 0);
    for (auto it = post.rbegin(); it != post.rend(); ++it) {
        if (!source[*it]) depth[*it] = std::max<std::int64_t>(depth[*it], 1);
        for (auto k : out[*it])
            if (!back[k]) depth[edges[k].second] = std::max(depth[edges[k].second], depth[*it] + 1);
    }
    return depth;
}

// Steps of the structural delay of an edge (forward: the depth difference; back: one step more).
inline std::int64_t structural_delay(const std::vector<std::int64_t>& depth, std::size_t s, std::size_t t,
                                     bool back) {
    return depth[t] - depth[s] + (back ? 1 : 0);
}

} // namespace spikekit::converters::nirdepth
