// The spikekit Python module's native part (spikekit._spikekit); python/spikekit/__init__.py is the public
// face. Each binding file registers its functions here.
#include "common.hpp"

#include "spikekit/core/error.hpp"

namespace spikekit::python {

// spikekit.Error (RuntimeError) for runtime failures, spikekit.InputError (ValueError) for bad input. An
// InputError carries the CLI's message and, as attributes, the file, the position (JSON path, byte offset)
// and the problem.
void bind_errors(py::module_& m) {
    static py::exception<spikekit::error> error(m, "Error", PyExc_RuntimeError);
    static py::exception<spikekit::input_error> input(m, "InputError", PyExc_ValueError);
    py::register_exception_translator([](std::exception_ptr p) {
        try {
            if (p) std::rethrow_exception(p);
        } catch (const spikekit::input_error& e) {
            // calling the type makes an instance (input(msg) itself would only set the error)
            py::object exc = py::reinterpret_borrow<py::object>(input.ptr())(e.what());
            exc.attr("file") = e.file();
            exc.attr("where") = e.where();
            exc.attr("problem") = e.problem();
            PyErr_SetObject(input.ptr(), exc.ptr());
        } catch (const spikekit::error& e) {
            error(e.what());
        }
    });
}

} // namespace spikekit::python

PYBIND11_MODULE(_spikekit, m) {
    using namespace spikekit::python;
    m.doc() = "spikekit's native module; import spikekit instead";
    bind_errors(m);
    bind_simulation(m);
    bind_events(m);
    bind_tools(m);
}
