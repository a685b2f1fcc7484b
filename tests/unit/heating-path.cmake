# The path of a room reading to a heating decision, shared by the daemon and the benchmarks.
bedroomd_unit_test(heating-path SOURCES ${CMAKE_CURRENT_LIST_DIR}/test-heating-path.c
	LIBS bedroomd-heating-path)
# What heating keeps of what the thermostat learned, on a real store.
bedroomd_unit_test(heating-model SOURCES ${CMAKE_CURRENT_LIST_DIR}/test-heating-model.c
	${CMAKE_CURRENT_LIST_DIR}/test-store-fixture.c LIBS bedroomd-daemon PkgConfig::SQLITE)
# Two thermometers, one goes silent: heating follows the value the room publishes.
bedroomd_unit_test(room-fallback SOURCES ${CMAKE_CURRENT_LIST_DIR}/test-room-fallback.c
	LIBS bedroomd-heating-path)
# Relay care across a reload, by the plug: min_off holds a plug a reload let go, whoever drives it next.
bedroomd_unit_test(heating-relays SOURCES ${CMAKE_CURRENT_LIST_DIR}/test-heating-relays.c
	LIBS bedroomd-daemon)
