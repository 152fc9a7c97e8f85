// Sensor size from a Prophesee `%` header.
#include <cstdio>

#include "camera_decoder.hpp"

namespace spikekit::events {
namespace {

std::string trim(const std::string& s) {
    const auto b = s.find_first_not_of(" \t");
    const auto e = s.find_last_not_of(" \t");
    return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

bool set_size(stream_info& info, unsigned w, unsigned h) {
    if (w == 0 || h == 0 || w > 65535 || h > 65535) return false;
    info.width = static_cast<std::uint16_t>(w);
    info.height = static_cast<std::uint16_t>(h);
    return true;
}

// Key=value list of `% format EVT3;height=720;width=1280`.
bool from_format_line(const std::string& value, stream_info& info) {
    unsigned w = 0, h = 0;
    const auto hp = value.find("height="), wp = value.find("width=");
    if (hp == std::string::npos || wp == std::string::npos) return false;
    if (std::sscanf(value.c_str() + hp, "height=%u", &h) != 1 ||
        std::sscanf(value.c_str() + wp, "width=%u", &w) != 1)
        return false;
    return set_size(info, w, h);
}

// Sensors of the plugins that write no geometry line (Prophesee HAL plugin names).
bool from_plugin(const std::string& plugin, stream_info& info) {
    if (plugin.find("gen41") != std::string::npos || plugin.find("imx636") != std::string::npos ||
        plugin.find("gen4") != std::string::npos)
        return set_size(info, 1280, 720);
    if (plugin.find("gen3") != std::string::npos) return set_size(info, 640, 480);
    if (plugin.find("imx8") != std::string::npos || plugin.find("genx320") != std::string::npos)
        return set_size(info, 320, 320);
    return false;
}

} // namespace

bool prophesee_geometry(const std::vector<std::string>& header, stream_info& info) {
    unsigned w = 0, h = 0;
    std::string plugin;
    bool found = false; // the first geometry or format line decides; the loop goes on for the other keys
    for (const auto& raw : header) {
        const std::string line = trim(raw);
        const auto sp = line.find(' ');
        const std::string key = line.substr(0, sp),
                          value = sp == std::string::npos ? "" : trim(line.substr(sp + 1));
        unsigned gw = 0, gh = 0;
        if (!found && key == "geometry" && std::sscanf(value.c_str(), "%ux%u", &gw, &gh) == 2)
            found = set_size(info, gw, gh);
        if (!found && key == "format") found = from_format_line(value, info);
        if (key == "Width") std::sscanf(value.c_str(), "%u", &w);
        if (key == "Height") std::sscanf(value.c_str(), "%u", &h);
        if (key == "plugin_name") plugin = value;
        if (key == "camera_integrator_name" || key == "plugin_name") info.camera = value;
        long long offset = 0;
        if (key == "time_offset_us" && std::sscanf(value.c_str(), "%lld", &offset) == 1 && offset >= 0 &&
            offset < (1LL << 62))
            info.time_offset_us = offset;
    }
    if (found || set_size(info, w, h)) return true;
    return from_plugin(plugin, info);
}

} // namespace spikekit::events
