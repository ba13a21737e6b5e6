/*
 * Rows of unittests_main.c's unit_skips[]: lwIP unit tests that cannot
 * hold under a run's options, as { "test", "why" }, each under the option
 * that rules it out, so the list follows the lwipopts.h the run is built
 * with.  None yet: the suite runs with its own options.
 */
