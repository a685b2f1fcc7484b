/* The thermostat test rig: see thermostat-rig.h. */
#include "tests/unit/thermostat-rig.h"

void rig_init(struct rig *g, const struct thermostat_params *p, unsigned sec0)
{
	struct thermostat_params q;

	if (p)
		q = *p;
	else
		thermostat_params_init(&q);
	/*
	 * These tests are of the fallback band's own logic (what decides while the
	 * room model is unsure); test-thermostat-model.c tests the margin it then has.
	 */
	q.unlearned_margin_c = 0;
	*g = (struct rig){ .sec0 = sec0, .now_usec = T0 };
	assert_int_equal(thermostat_new(&q, &g->t), 0);
	thermostat_input_init(&g->in);
	g->in.day_floor_enabled = true;
	g->in.day_floor_c = 18.0;
}

void rig_done(struct rig *g)
{
	g->t = thermostat_free(g->t);
}

unsigned rig_sec(const struct rig *g)
{
	return (unsigned) ((g->sec0 + (g->now_usec - T0) / S) % 86400);
}

void rig_tick(struct rig *g)
{
	assert_int_equal(thermostat_step(g->t, &g->in, g->now_usec, rig_sec(g), &g->d), 0);
}

void rig_read(struct rig *g, double c, uint64_t adv_usec)
{
	g->in.room_known = true;
	g->in.room_c = c;
	g->in.room_usec = g->now_usec;
	rig_tick(g);
	g->now_usec += adv_usec;
}

void rig_hold(struct rig *g, double c, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		rig_read(g, c, MIN);
}
