# The layering rule (docs/architecture.md): the project's tree passes, a tree with a back door fails.
add_test(NAME layering_of_the_tree
         COMMAND ${CMAKE_COMMAND} -DROOT=${PROJECT_SOURCE_DIR} -P ${CMAKE_CURRENT_SOURCE_DIR}/architecture/check_layering.cmake)
add_test(NAME layering_refuses_a_back_door
         COMMAND ${CMAKE_COMMAND} -DROOT=${CMAKE_CURRENT_SOURCE_DIR}/architecture/back_door
                 -P ${CMAKE_CURRENT_SOURCE_DIR}/architecture/check_layering.cmake)
set_tests_properties(layering_refuses_a_back_door PROPERTIES
  PASS_REGULAR_EXPRESSION "wrong_layer.cpp includes \"spikekit/neurons/models.hpp\": learning may not depend on neurons.*back_door.cpp includes \"../../core/src/h5.hpp\": another folder's private code")
