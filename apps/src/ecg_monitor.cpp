// spikekit ecg monitor RECORD: beats classified as they arrive (written next).
#include "ecg_verbs.hpp"

namespace spikekit::app::ecg {

int monitor_verb(const std::vector<std::string>&) {
    throw usage_error("ecg monitor: not built yet");
}

} // namespace spikekit::app::ecg
