# Tests of actuators/: the heater presets and the per-heater state tracking.
foreach(t tasmota shelly zigbee2mqtt generic tracker)
	bedroomd_unit_test(heater-${t} SOURCES ${CMAKE_CURRENT_LIST_DIR}/test-heater-${t}.c
		LIBS bedroomd-actuators)
endforeach()
