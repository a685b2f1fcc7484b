# The thermostat (one test per purpose, on a shared rig) and the simulated room it is tuned on.
bedroomd_unit_test(thermostat SOURCES ${CMAKE_CURRENT_LIST_DIR}/test-thermostat.c
	${CMAKE_CURRENT_LIST_DIR}/thermostat-rig.c LIBS bedroomd-control)
bedroomd_unit_test(thermostat-safety SOURCES ${CMAKE_CURRENT_LIST_DIR}/test-thermostat-safety.c
	${CMAKE_CURRENT_LIST_DIR}/thermostat-rig.c LIBS bedroomd-control)
bedroomd_unit_test(thermostat-learn SOURCES ${CMAKE_CURRENT_LIST_DIR}/test-thermostat-learn.c
	${CMAKE_CURRENT_LIST_DIR}/thermostat-rig.c LIBS bedroomd-control bedroomd-sim)
target_compile_definitions(test-thermostat-learn PRIVATE
	BENCH_DATA_DIR="${CMAKE_CURRENT_LIST_DIR}/../../bench/data")
bedroomd_unit_test(sim SOURCES ${CMAKE_CURRENT_LIST_DIR}/test-sim.c LIBS bedroomd-sim)
target_compile_definitions(test-sim PRIVATE
	BENCH_DATA_DIR="${CMAKE_CURRENT_LIST_DIR}/../../bench/data")
bedroomd_unit_test(thermostat-model SOURCES ${CMAKE_CURRENT_LIST_DIR}/test-thermostat-model.c
	${CMAKE_CURRENT_LIST_DIR}/thermostat-loop.c ${CMAKE_CURRENT_LIST_DIR}/thermostat-rig.c
	LIBS bedroomd-control bedroomd-sim)
bedroomd_unit_test(thermostat-trial SOURCES ${CMAKE_CURRENT_LIST_DIR}/test-thermostat-trial.c
	${CMAKE_CURRENT_LIST_DIR}/thermostat-loop.c ${CMAKE_CURRENT_LIST_DIR}/thermostat-rig.c
	LIBS bedroomd-control bedroomd-sim)
foreach(t test-thermostat-model test-thermostat-trial)
	target_compile_definitions(${t} PRIVATE
		BENCH_DATA_DIR="${CMAKE_CURRENT_LIST_DIR}/../../bench/data")
endforeach()
bedroomd_unit_test(thermostat-keep SOURCES ${CMAKE_CURRENT_LIST_DIR}/test-thermostat-keep.c
	LIBS bedroomd-control)
bedroomd_unit_test(thermostat-relay SOURCES ${CMAKE_CURRENT_LIST_DIR}/test-thermostat-relay.c
	${CMAKE_CURRENT_LIST_DIR}/thermostat-rig.c LIBS bedroomd-control)
foreach(t stages readings)
	bedroomd_unit_test(thermostat-${t} SOURCES ${CMAKE_CURRENT_LIST_DIR}/test-thermostat-${t}.c
		${CMAKE_CURRENT_LIST_DIR}/thermostat-loop.c ${CMAKE_CURRENT_LIST_DIR}/thermostat-rig.c
		LIBS bedroomd-control bedroomd-sim)
	target_compile_definitions(test-thermostat-${t} PRIVATE
		BENCH_DATA_DIR="${CMAKE_CURRENT_LIST_DIR}/../../bench/data")
endforeach()
