/*
 * The reverse-path decision (net/ipv4/rp_filter.h), Linux 6.1's order:
 *  - rp_filter off: accept, unless the source is one of our own addresses
 *    and accept_local is off (a martian: fib_validate_source's
 *    inet_lookup_ifaddr_rcu check);
 *  - no route back: -EXDEV (last_resort with rpf set);
 *  - a route back that is not unicast (local only with accept_local):
 *    -EINVAL, a martian whichever the mode;
 *  - the route leaves through the receiving interface: accept;
 *  - the receiving interface has no address: -EXDEV (last_resort);
 *  - strict (1): -EXDEV; loose (2): accept.
 */
#include <errno.h>

#include "net/ipv4/fib_trie.h"
#include "net/ipv4/rp_filter.h"

int rp_filter_decide(const struct rp_facts *f)
{
	if (!f->mode)
		return f->src_is_local && !f->accept_local ? -EINVAL : 0;
	if (!f->found)
		return -EXDEV;
	if (f->type != RTN_UNICAST && (f->type != RTN_LOCAL || !f->accept_local))
		return -EINVAL;
	if (f->via_iif)
		return 0;
	if (!f->iif_has_addr || f->mode == 1)
		return -EXDEV;
	return 0;
}
