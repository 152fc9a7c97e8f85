# The layering rule (docs/architecture.md): the project's tree passes, a tree with back doors fails. The
# tree with back doors is written here, into the build directory, so the source tree itself holds none.
set(SPIKEKIT_BACK_DOOR ${CMAKE_CURRENT_BINARY_DIR}/architecture/back_door)
file(WRITE ${SPIKEKIT_BACK_DOOR}/events/src/back_door.cpp "#include \"../../core/src/h5.hpp\"\n")
file(WRITE ${SPIKEKIT_BACK_DOOR}/learning/src/wrong_layer.cpp "#include \"spikekit/neurons/models.hpp\"\n")
add_test(NAME layering_of_the_tree
         COMMAND ${CMAKE_COMMAND} -DROOT=${PROJECT_SOURCE_DIR} -P ${CMAKE_CURRENT_SOURCE_DIR}/architecture/check_layering.cmake)
add_test(NAME layering_refuses_a_back_door
         COMMAND ${CMAKE_COMMAND} -DROOT=${SPIKEKIT_BACK_DOOR}
                 -P ${CMAKE_CURRENT_SOURCE_DIR}/architecture/check_layering.cmake)
set_tests_properties(layering_refuses_a_back_door PROPERTIES
  PASS_REGULAR_EXPRESSION "wrong_layer.cpp includes \"spikekit/neurons/models.hpp\": learning may not depend on neurons.*back_door.cpp includes \"../../core/src/h5.hpp\": another folder's private code")
