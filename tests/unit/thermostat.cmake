# The thermostat and the simulated room it is tuned on.
bedroomd_unit_test(thermostat SOURCES ${CMAKE_CURRENT_LIST_DIR}/test-thermostat.c
	LIBS bedroomd-control bedroomd-sim)
target_compile_definitions(test-thermostat PRIVATE
	BENCH_DATA_DIR="${CMAKE_CURRENT_LIST_DIR}/../../bench/data")
bedroomd_unit_test(sim SOURCES ${CMAKE_CURRENT_LIST_DIR}/test-sim.c LIBS bedroomd-sim)
target_compile_definitions(test-sim PRIVATE
	BENCH_DATA_DIR="${CMAKE_CURRENT_LIST_DIR}/../../bench/data")
