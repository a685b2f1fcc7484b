# Tests of the reminder scheduler: slots across DST, runs, answers. Each test sets TZ itself.
foreach(t reminder-schedule reminder-run reminder-answer)
	bedroomd_unit_test(${t} SOURCES ${CMAKE_CURRENT_LIST_DIR}/test-${t}.c LIBS bedroomd-control)
endforeach()

# The Home Assistant blueprints of docs/blueprints/: YAML with !input, the keys Home
# Assistant needs, templates that parse, and what each does when run on bedroomd's
# messages (tests/blueprints/ha_sim.py). Needs python3-yaml and python3-jinja2.
find_program(BEDROOMD_PYTHON3 python3 REQUIRED)
add_test(NAME blueprints
	COMMAND ${BEDROOMD_PYTHON3} ${PROJECT_SOURCE_DIR}/tests/blueprints/check-blueprints.py
		${PROJECT_SOURCE_DIR}/docs/blueprints)
set_tests_properties(blueprints PROPERTIES TIMEOUT 120)
