# Tests of sensors/: backends on fake sysfs trees, checks, health, payloads.
bedroomd_unit_test(sensor-sysfs SOURCES test-sensor-sysfs.c LIBS bedroomd-sensors)
bedroomd_unit_test(sensor-check SOURCES test-sensor-check.c LIBS bedroomd-sensors)
bedroomd_unit_test(sensor-room SOURCES test-sensor-room.c LIBS bedroomd-sensors)
bedroomd_unit_test(sensor-payload SOURCES test-sensor-payload.c LIBS bedroomd-sensors)
bedroomd_unit_test(payload-refusals SOURCES test-payload-refusals.c LIBS bedroomd-sensors)
bedroomd_unit_test(topic-silence SOURCES test-topic-silence.c LIBS bedroomd-sensors)
