#pragma once
// Things registered by name (neuron models, plasticity rules): one template for every registry
// (CONVENTIONS.md #13). T has `std::string_view name() const`.
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace spikekit {

template <class T>
class registry {
  public:
    void add(std::shared_ptr<const T> item) { items_[std::string(item->name())] = std::move(item); }
    const T* find(std::string_view name) const {
        auto it = items_.find(name);
        return it == items_.end() ? nullptr : it->second.get();
    }
    std::vector<std::string> names() const { // sorted
        std::vector<std::string> n;
        for (const auto& entry : items_) n.push_back(entry.first);
        return n;
    }

  private:
    std::map<std::string, std::shared_ptr<const T>, std::less<>> items_;
};

} // namespace spikekit
