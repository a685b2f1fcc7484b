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
# The GPIO bed inputs driven through daemon/inputs.c over a fake libgpiod: a chip that
# fails at a reload, one bad line among good ones, a refused debounce or edge detection,
# a press queued at a reload, the input_failed alert, a chattering button.
bedroomd_unit_test(inputs-gpio SOURCES ${CMAKE_CURRENT_LIST_DIR}/test-inputs-gpio.c
	${CMAKE_CURRENT_LIST_DIR}/fake-gpiod.c ${CMAKE_CURRENT_LIST_DIR}/stderr-capture.c
	LIBS bedroomd-daemon)
