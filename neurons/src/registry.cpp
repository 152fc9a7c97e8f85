#include "model_base.hpp"
#include "spikekit/neurons/models.hpp"

namespace spikekit::neurons {

model_registry builtin_models() {
    model_registry r;
    detail::add_delta_models(r);
    detail::add_exp_models(r);
    detail::add_nonlinear_models(r);
    detail::add_integer_models(r);
    detail::add_source_models(r);
    return r;
}

} // namespace spikekit::neurons
