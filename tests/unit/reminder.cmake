# Tests of the reminder scheduler: slots across DST, runs, answers. Each test sets TZ itself.
foreach(t reminder-schedule reminder-run reminder-answer)
	bedroomd_unit_test(${t} SOURCES ${CMAKE_CURRENT_LIST_DIR}/test-${t}.c LIBS bedroomd-control)
endforeach()
