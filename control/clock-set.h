#pragma once

#include <stdint.h>

/*
 * A wall clock before this (2025-01-01 UTC) has not been set yet: a Pi without
 * a real-time clock before NTP, which reads 1970 or the last shutdown. What is
 * dated by it is dated wrong, not long ago: nothing is planned on it, and
 * nothing dated by it is pruned as old.
 */
#define WALL_CLOCK_SET_AFTER_S INT64_C(1735689600)
