/*
 * Listen queue sizes (net/listen_size.h has the rules and their Linux
 * sources): the accept queue as __sys_listen() clamps it, the SYN queue
 * as reqsk_queue_alloc() sized it before Linux 4.4.  Pure integer logic.
 * Caller: the listen path in the lwIP glue.
 */
#include <stdint.h>

#include "net/listen_size.h"

int listen_acceptq_max(int backlog, int somaxconn)
{
	return (unsigned)backlog > (unsigned)somaxconn ? somaxconn : backlog;
}

int listen_acceptq_full(int queued, int max)
{
	return queued > max;
}

int listen_synq_size(int backlog, int max_syn_backlog)
{
	uint32_t n = (unsigned)backlog < (unsigned)max_syn_backlog ? (unsigned)backlog
								    : (unsigned)max_syn_backlog;
	if (n < LISTEN_SYNQ_MIN)
		n = LISTEN_SYNQ_MIN;

	/* n + 1 can reach 2^32: round up in 64 bits, stop at the cap. */
	uint64_t want = (uint64_t)n + 1, size = 1;
	while (size < want && size < LISTEN_SYNQ_CAP)
		size <<= 1;
	return (int)size;
}
