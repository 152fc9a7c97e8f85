#pragma once
// Pieces shared by the binding files: NumPy arrays that own a C++ buffer, JSON handed to Python as objects,
// and the functions each file registers.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include "spikekit/core/network.hpp"

namespace spikekit::python {

namespace py = pybind11;

// A NumPy array over the elements of `v` without copying them: the vector moves to the heap and a capsule
// deletes it when the array (and every view of it) is gone. py::array_t(n, ptr) without an owner copies.
template <class T>
py::array_t<T> to_numpy(std::vector<T>&& v) {
    auto owned = std::make_unique<std::vector<T>>(std::move(v));
    T* data = owned->data();
    const auto n = static_cast<py::ssize_t>(owned->size());
    py::capsule owner(owned.get(), [](void* p) { delete static_cast<std::vector<T>*>(p); });
    owned.release(); // the capsule owns it now
    return py::array_t<T>(n, data, owner);
}

// JSON as Python objects (dict, list, str, float, int, bool, None), through the json module: reports are
// small, so one dump and one parse cost nothing next to the work that made them.
inline py::object to_python(const nlohmann::json& j) {
    return py::module_::import("json").attr("loads")(j.dump());
}
// A Python object (dict, list, ...) as JSON text, through the json module.
inline std::string json_text(const py::object& o) {
    return py::module_::import("json").attr("dumps")(o).cast<std::string>();
}

// A config given as a file path (from_file) or as JSON text labelled `label` in messages, loaded and checked
// with the built-in models, recordings resolved (replays, image rates).
network_description load_description(const std::string& source, bool from_file, const std::string& label);

void bind_errors(py::module_& m);
void bind_tools(py::module_& m);
void bind_simulation(py::module_& m);
void bind_events(py::module_& m);

} // namespace spikekit::python
