# Validation of the plasticity rules (learning/): analytic windows, published protocols, integer rule.
spikekit_test(learning SOURCES learning/test_pair_stdp.cpp learning/test_triplet.cpp learning/test_int_stdp.cpp
              learning/test_homeostasis.cpp learning/test_kernel_stdp.cpp
              learning/test_reward_source.cpp LIBS spikekit::learning spikekit::neurons)
