// A back door the layering check must refuse (tests/architecture/architecture.cmake).
#include "../../core/src/h5.hpp"
