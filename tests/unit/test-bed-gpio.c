#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sensors/bed-gpio-find.h"
#include "sensors/input-gpio.h"

/*
 * The GPIO backend's errors where no chip is needed: a fake /dev. Requests,
 * events, EBUSY and debounce are tested against gpio-sim (tests/gpio-vm/daemon).
 */

static const struct input_gpio_line mat = { .input = "mat", .line = "GPIO17" };

static int setup(void **state)
{
	char *dir = strdup("/tmp/test-bed-gpio.XXXXXX");

	assert_non_null(mkdtemp(dir));
	*state = dir;
	return 0;
}

static int teardown(void **state)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", (char *) *state);
	assert_int_equal(system(cmd), 0);
	free(*state);
	return 0;
}

static void test_no_chips(void **state)
{
	struct input_gpio *g = (struct input_gpio *) 0x1;
	char *error = NULL;

	assert_int_equal(input_gpio_open(*state, "gpiochip0", &mat, 1, &g, &error), -ENOENT);
	assert_ptr_equal(g, (struct input_gpio *) 0x1); /* untouched */
	assert_non_null(error);
	assert_non_null(strstr(error, "GPIO chip 'gpiochip0' not found"));
	assert_non_null(strstr(error, ": none."));
	free(error);
}

static void test_not_a_chip_is_listed_and_refused(void **state)
{
	struct input_gpio *g = NULL;
	char path[300], *error = NULL;
	int fd;

	snprintf(path, sizeof(path), "%s/gpiochip0", (char *) *state);
	fd = open(path, O_CREAT | O_WRONLY, 0644);
	assert_true(fd >= 0);
	close(fd);

	/* By label: nothing has it; the list names the file that is not a chip. */
	assert_int_equal(input_gpio_open(*state, "pinctrl-bcm2711", &mat, 1, &g, &error), -ENOENT);
	assert_non_null(strstr(error, "gpiochip0 (cannot open"));
	free(error);
	error = NULL;

	/* By name: found, but not a GPIO character device. */
	assert_true(input_gpio_open(*state, "gpiochip0", &mat, 1, &g, &error) < 0);
	assert_null(g);
	assert_non_null(error);
	assert_non_null(strstr(error, "is not a GPIO chip"));
	free(error);
}

static void test_no_lines_is_invalid(void **state)
{
	struct input_gpio *g = NULL;
	char *error = NULL;

	assert_int_equal(input_gpio_open(*state, "gpiochip0", &mat, 0, &g, &error), -EINVAL);
	assert_null(error);
	assert_null(input_gpio_close(NULL));
}

static void test_permission_message_says_what_to_do(void **state)
{
	char *msg = bed_gpio_open_message("/nonexistent/gpiochip0", -EACCES);

	assert_non_null(msg);
	assert_non_null(strstr(msg, "permission denied opening /nonexistent/gpiochip0"));
	assert_non_null(strstr(msg, "'gpio' group"));
	assert_non_null(strstr(msg, "usermod -aG gpio"));
	assert_non_null(strstr(msg, "SUBSYSTEM==\"gpio\""));
	free(msg);

	msg = bed_gpio_open_message("/dev/gpiochip9", -ENOENT);
	assert_non_null(strstr(msg, "not found"));
	free(msg);
}

static void test_busy_message_without_chip(void **state)
{
	static const unsigned offsets[] = { 3 };
	static const char *const names[] = { "BTN" };
	static const char *const inputs[] = { "left" };
	char *msg = bed_gpio_busy_message("/nonexistent/gpiochip0", offsets, names, inputs, 1);

	assert_non_null(msg);
	assert_non_null(strstr(msg, "busy"));
	free(msg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_no_chips, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_a_chip_is_listed_and_refused, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_no_lines_is_invalid, setup, teardown),
		cmocka_unit_test(test_permission_message_says_what_to_do),
		cmocka_unit_test(test_busy_message_without_chip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
