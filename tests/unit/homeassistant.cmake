# Tests of the Home Assistant discovery configs (daemon/ha-discovery.c).
bedroomd_unit_test(ha-discovery SOURCES ${CMAKE_CURRENT_LIST_DIR}/test-ha-discovery.c
	LIBS bedroomd-daemon)
