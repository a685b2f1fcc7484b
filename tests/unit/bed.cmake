# Tests of the bed inputs: occupancy, movement, cramp buttons, MQTT payloads, and the
# GPIO backend's messages (the backend itself is tested against gpio-sim: tests/gpio-vm).
bedroomd_unit_test(bed-occupancy SOURCES ${CMAKE_CURRENT_LIST_DIR}/test-bed-occupancy.c
	LIBS bedroomd-sensors)
bedroomd_unit_test(bed-movement SOURCES ${CMAKE_CURRENT_LIST_DIR}/test-bed-movement.c
	LIBS bedroomd-sensors)
bedroomd_unit_test(bed-cramp SOURCES ${CMAKE_CURRENT_LIST_DIR}/test-bed-cramp.c
	LIBS bedroomd-sensors)
bedroomd_unit_test(bed-payload SOURCES ${CMAKE_CURRENT_LIST_DIR}/test-bed-payload.c
	LIBS bedroomd-sensors)
bedroomd_unit_test(bed-gpio SOURCES ${CMAKE_CURRENT_LIST_DIR}/test-bed-gpio.c
	LIBS bedroomd-sensors)
