# The outdoor thermometer in heating: said, shown in the state with its time, carried by a reload.
bedroomd_unit_test(heating-outdoor SOURCES ${CMAKE_CURRENT_LIST_DIR}/test-heating-outdoor.c
	${CMAKE_CURRENT_LIST_DIR}/stderr-capture.c
	LIBS bedroomd-daemon)
