#include <doctest/doctest.h>

#include <stdexcept>

#include "spikekit/core/params.hpp"
#include "spikekit/core/units.hpp"

using namespace spikekit;

TEST_CASE("quantities convert to the declared unit") {
    CHECK(units::parse_quantity("20 ms", "ms") == doctest::Approx(20.0));
    CHECK(units::parse_quantity("0.2 s", "ms") == doctest::Approx(200.0));
    CHECK(units::parse_quantity("-65mV", "mV") == doctest::Approx(-65.0));
    CHECK(units::parse_quantity("6 nS", "uS") == doctest::Approx(0.006));
    CHECK(units::parse_quantity("1.5", "pA") == doctest::Approx(1.5));
    CHECK(units::parse_quantity(" 20 kHz ", "Hz") == doctest::Approx(20000.0));
}

TEST_CASE("a unit of another dimension or an unknown unit is refused with a message") {
    CHECK_THROWS_WITH_AS(units::parse_quantity("20 mV", "ms"), doctest::Contains("expected a quantity in ms"),
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS(units::parse_quantity("20 furlongs", "ms"), doctest::Contains("unknown unit"),
                         std::invalid_argument);
    CHECK_THROWS_AS(units::parse_quantity("abc", "ms"), std::invalid_argument);
    CHECK_THROWS_AS(units::parse_quantity("", "ms"), std::invalid_argument);
}

TEST_CASE("parameter ranges are checked with a readable message") {
    param_info tau{"tau_m", "ms", 10.0, 0.0, unbounded, "", false, true};
    CHECK(check_range(tau, 5.0).empty());
    CHECK(check_range(tau, 0.0) == "expected a value > 0 ms, got 0");
    param_info bits{"v_bits", "1", 16, 2, 32, "", true};
    CHECK(check_range(bits, 33).find("in [2, 32]") != std::string::npos);
    CHECK(check_range(bits, 3.5).find("whole number") != std::string::npos);
}

TEST_CASE("memory sizes (--max-memory) go through the same unit parser") {
    CHECK(units::parse_quantity("4GB", "B") == doctest::Approx(4e9));
    CHECK(units::parse_quantity("512 MiB", "B") == doctest::Approx(512.0 * 1048576.0));
    CHECK(units::parse_quantity("1.5 kB", "MB") == doctest::Approx(0.0015));
    CHECK_THROWS_WITH_AS(units::parse_quantity("4 ms", "B"), doctest::Contains("expected a quantity in B"),
                         std::invalid_argument);
}
