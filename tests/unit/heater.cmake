# Tests of actuators/: the heater presets (sharing heater-preset-check.c) and the
# per-heater state tracking.
foreach(t tasmota shelly zigbee2mqtt generic)
	bedroomd_unit_test(heater-${t} SOURCES ${CMAKE_CURRENT_LIST_DIR}/test-heater-${t}.c
		${CMAKE_CURRENT_LIST_DIR}/heater-preset-check.c LIBS bedroomd-actuators)
endforeach()
bedroomd_unit_test(heater-tracker SOURCES ${CMAKE_CURRENT_LIST_DIR}/test-heater-tracker.c
	LIBS bedroomd-actuators)
# A Shelly with its default MQTT settings: its replies confirm (the tracker and the preset).
bedroomd_unit_test(heater-shelly-confirm SOURCES ${CMAKE_CURRENT_LIST_DIR}/test-heater-shelly-confirm.c
	LIBS bedroomd-actuators)
bedroomd_unit_test(heater-offline SOURCES ${CMAKE_CURRENT_LIST_DIR}/test-heater-offline.c
	LIBS bedroomd-actuators)
# A plug's words that are neither on nor off: not confirmed on, and not told ON in a loop.
bedroomd_unit_test(heater-words SOURCES ${CMAKE_CURRENT_LIST_DIR}/test-heater-words.c
	LIBS bedroomd-actuators)
