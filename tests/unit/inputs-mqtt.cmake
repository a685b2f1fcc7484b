# The MQTT bed inputs driven through daemon/inputs.c: retained messages, momentary buttons.
bedroomd_unit_test(inputs-mqtt SOURCES ${CMAKE_CURRENT_LIST_DIR}/test-inputs-mqtt.c
	LIBS bedroomd-daemon)
