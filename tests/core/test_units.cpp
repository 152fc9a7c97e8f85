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

TEST_CASE("one unit parser: 10ms, 10 ms, 20*ms, µs, Brian2's long names") {
    CHECK(units::parse_quantity("10ms", "ms") == doctest::Approx(10.0));
    CHECK(units::parse_quantity("10 ms", "ms") == doctest::Approx(10.0));
    CHECK(units::parse_quantity("20*ms", "ms") == doctest::Approx(20.0));
    CHECK(units::parse_quantity("20 * msecond", "ms") == doctest::Approx(20.0));
    CHECK(units::parse_quantity("0.5 second", "ms") == doctest::Approx(500.0));
    CHECK(units::parse_quantity("300 \xC2\xB5s", "ms") == doctest::Approx(0.3));  // micro sign
    CHECK(units::parse_quantity("300\xCE\xBCs", "us") == doctest::Approx(300.0)); // Greek mu
    CHECK(units::parse_quantity("300 usecond", "us") == doctest::Approx(300.0));
    CHECK(units::parse_quantity("-65*mvolt", "mV") == doctest::Approx(-65.0));
    CHECK(units::parse_quantity("6 nsiemens", "nS") == doctest::Approx(6.0));
    CHECK(units::parse_quantity("250*pfarad", "pF") == doctest::Approx(250.0));
    CHECK(units::parse_quantity("5 hertz", "Hz") == doctest::Approx(5.0));
    CHECK(units::parse_quantity("100 Mohm", "MOhm") == doctest::Approx(100.0));
    CHECK(units::parse_quantity("2 \xC2\xB5S", "nS") == doctest::Approx(2000.0));
    CHECK(units::parse_quantity("1 ns", "us") == doctest::Approx(0.001));
}

TEST_CASE("an unknown unit's message lists the known units of the declared dimension") {
    try {
        units::parse_quantity("10 furlongs", "ms");
        FAIL("no error");
    } catch (const std::invalid_argument& e) {
        const std::string m = e.what();
        CHECK(m.find("unknown unit 'furlongs'") != std::string::npos);
        CHECK(m.find("known time units: s, ms, us, ns") != std::string::npos);
        CHECK(m.find("msecond") != std::string::npos);
        CHECK(m.find("mV") == std::string::npos); // only units of the right dimension
    }
    CHECK_THROWS_AS(units::parse_quantity("10 * ", "ms"), std::invalid_argument);
    CHECK_THROWS_AS(units::parse_quantity("*ms", "ms"), std::invalid_argument);
}
