# Tests of the cramp tracker (de-duplication, 7-day counts, advisories) and of nights.
bedroomd_unit_test(cramp-tracker SOURCES ${CMAKE_CURRENT_LIST_DIR}/test-cramp-tracker.c
	${CMAKE_CURRENT_LIST_DIR}/cramp-tracker-rig.c LIBS bedroomd-control)
bedroomd_unit_test(cramp-tracker-backfill
	SOURCES ${CMAKE_CURRENT_LIST_DIR}/test-cramp-tracker-backfill.c
	${CMAKE_CURRENT_LIST_DIR}/cramp-tracker-rig.c LIBS bedroomd-control)
bedroomd_unit_test(cramp-night SOURCES ${CMAKE_CURRENT_LIST_DIR}/test-cramp-night.c
	LIBS bedroomd-control)
bedroomd_unit_test(cramp-suspect SOURCES ${CMAKE_CURRENT_LIST_DIR}/test-cramp-suspect.c
	LIBS bedroomd-control)
bedroomd_unit_test(cramp-confirm SOURCES ${CMAKE_CURRENT_LIST_DIR}/test-cramp-confirm.c
	LIBS bedroomd-control)
