# The path of a room reading to a heating decision, shared by the daemon and the benchmarks.
bedroomd_unit_test(heating-path SOURCES ${CMAKE_CURRENT_LIST_DIR}/test-heating-path.c
	LIBS bedroomd-heating-path)
