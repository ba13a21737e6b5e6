/*
 * `ethtool`: link settings (ethtool DEV), driver counters (-S, from
 * ops->stats, then the stack's own for the device: the counter registry's
 * netdev section, net/core/counter.h), offloads (-k, from dev->features;
 * -K switches those in dev->hw_features, the others are [fixed]) and
 * driver data (-i, from ops->info), in ethtool 6.1's output shapes for a virtio NIC.
 * (Linux prints group lines such as tx-checksumming without [fixed].)
 * Errors are classic ethtool's one-liners ("Cannot get ...: No such device").
 */
#include <stdint.h>
#include <string.h>

#include "kernel/console.h"
#include "kernel/printk.h"
#include "net/core/counter.h"
#include "net/core/netdev_priv.h"

static int bad_args(void)
{
	con_printf("ethtool: bad command line argument(s)\nFor more information run ethtool -h\n");
	return 1;
}

static void show_settings(struct netdev *dev)
{
	/* virtio-net without VIRTIO_NET_F_SPEED_DUPLEX: what Linux shows. */
	con_printf("Settings for %s:\n"
		   "\tSupported ports: [  ]\n"
		   "\tSupported link modes:   Not reported\n"
		   "\tSupported pause frame use: No\n"
		   "\tSupports auto-negotiation: No\n"
		   "\tSupported FEC modes: Not reported\n"
		   "\tAdvertised link modes:  Not reported\n"
		   "\tAdvertised pause frame use: No\n"
		   "\tAdvertised auto-negotiation: No\n"
		   "\tAdvertised FEC modes: Not reported\n"
		   "\tSpeed: Unknown!\n"
		   "\tDuplex: Unknown! (255)\n"
		   "\tAuto-negotiation: off\n"
		   "\tPort: Other\n"
		   "\tPHYAD: 0\n"
		   "\tTransceiver: internal\n"
		   "\tLink detected: %s\n",
		   dev->name, dev->link_up ? "yes" : "no");
}

static void emit_stat(const char *name, uint64_t v)
{
	con_printf("     %s: %lu\n", name, (unsigned long)v);
}

static int show_stats(struct netdev *dev)
{
	if (!dev->ops->stats) {
		con_printf("no stats available\n");
		return 1;
	}
	con_printf("NIC statistics:\n");
	dev->ops->stats(dev, emit_stat);
	for (int i = 0; i < counter_count(); i++) {
		const struct counter *c = counter_get(i);
		if (c->sec == COUNTER_SEC_netdev && c->line == COUNTER_LINE_ALWAYS)
			emit_stat(c->name, counter_read(c, netdev_state(dev)));
	}
	return 0;
}

/* ethtool -k: Linux's feature names in its order; 0 = off [fixed]. */
struct feature {
	const char *name;
	int sub;       /* printed under the group line before it */
	unsigned bit;  /* NETDEV_F_*; 0: never offered */
	int always_on; /* on [fixed] whatever the device (highdma) */
};

static const struct feature features[] = {
	{ "rx-checksumming", 0, NETDEV_F_RXCSUM, 0 },
	{ "tx-checksumming", 0, 0, 0 }, /* group */
	{ "tx-checksum-ipv4", 1, NETDEV_F_TXCSUM, 0 },
	{ "tx-checksum-ip-generic", 1, 0, 0 },
	{ "tx-checksum-ipv6", 1, 0, 0 },
	{ "tx-checksum-fcoe-crc", 1, 0, 0 },
	{ "tx-checksum-sctp", 1, 0, 0 },
	{ "scatter-gather", 0, 0, 0 }, /* group */
	{ "tx-scatter-gather", 1, NETDEV_F_SG, 0 },
	{ "tx-scatter-gather-fraglist", 1, 0, 0 },
	{ "tcp-segmentation-offload", 0, 0, 0 }, /* group */
	{ "tx-tcp-segmentation", 1, NETDEV_F_TSO, 0 },
	{ "tx-tcp-ecn-segmentation", 1, 0, 0 },
	{ "tx-tcp-mangleid-segmentation", 1, 0, 0 },
	{ "tx-tcp6-segmentation", 1, 0, 0 },
	{ "generic-segmentation-offload", 0, NETDEV_F_GSO, 0 },
	{ "generic-receive-offload", 0, NETDEV_F_GRO, 0 },
	{ "large-receive-offload", 0, 0, 0 },
	{ "rx-vlan-offload", 0, 0, 0 },
	{ "tx-vlan-offload", 0, 0, 0 },
	{ "ntuple-filters", 0, 0, 0 },
	{ "receive-hashing", 0, 0, 0 },
	{ "highdma", 0, 0, 1 },
	{ "rx-vlan-filter", 0, 0, 0 },
	{ "vlan-challenged", 0, 0, 0 },
	{ "tx-lockless", 0, 0, 0 },
	{ "netns-local", 0, 0, 0 },
	{ "tx-gso-robust", 0, 0, 0 },
	{ "rx-fcs", 0, 0, 0 },
	{ "rx-all", 0, 0, 0 },
	{ "rx-gro-hw", 0, NETDEV_F_GRO_HW, 0 },
};
#define NFEATURES (sizeof(features) / sizeof(features[0]))

static int feature_on(const struct netdev *dev, size_t i)
{
	return features[i].always_on || (features[i].bit && (dev->features & features[i].bit));
}

static int is_group(size_t i)
{
	return i + 1 < NFEATURES && features[i + 1].sub && !features[i].sub;
}

static void show_features(struct netdev *dev)
{
	con_printf("Features for %s:\n", dev->name);
	for (size_t i = 0; i < NFEATURES; i++) {
		int on = feature_on(dev, i);
		if (is_group(i)) {
			/* on when any of its features is */
			for (size_t j = i + 1; j < NFEATURES && features[j].sub; j++)
				on |= feature_on(dev, j);
			con_printf("%s: %s\n", features[i].name, on ? "on" : "off");
			continue;
		}
		int fixed = !features[i].bit || !(dev->hw_features & features[i].bit);
		con_printf("%s%s: %s%s\n", features[i].sub ? "\t" : "", features[i].name, on ? "on" : "off",
			   fixed ? " [fixed]" : "");
	}
}

/* ethtool -K's names: the short ones of ethtool's off_flag_def, the -k
 * names, and the kernel's feature strings. */
static const struct {
	const char *name;
	unsigned bit; /* 0: a feature this device never switches */
	const char *shown; /* the -k name, for "Cannot change" */
} knames[] = {
	{ "tso", NETDEV_F_TSO, "tcp-segmentation-offload" },
	{ "tcp-segmentation-offload", NETDEV_F_TSO, "tcp-segmentation-offload" },
	{ "tx-tcp-segmentation", NETDEV_F_TSO, "tx-tcp-segmentation" },
	{ "gso", NETDEV_F_GSO, "generic-segmentation-offload" },
	{ "generic-segmentation-offload", NETDEV_F_GSO, "generic-segmentation-offload" },
	{ "tx-generic-segmentation", NETDEV_F_GSO, "generic-segmentation-offload" },
	{ "gro", NETDEV_F_GRO, "generic-receive-offload" },
	{ "generic-receive-offload", NETDEV_F_GRO, "generic-receive-offload" },
	{ "rx-gro", NETDEV_F_GRO, "generic-receive-offload" },
	{ "rx-gro-hw", NETDEV_F_GRO_HW, "rx-gro-hw" },
	{ "rx", NETDEV_F_RXCSUM, "rx-checksumming" },
	{ "rx-checksum", NETDEV_F_RXCSUM, "rx-checksumming" },
	{ "tx", NETDEV_F_TXCSUM, "tx-checksumming" },
	{ "sg", NETDEV_F_SG, "scatter-gather" },
	{ "lro", 0, "large-receive-offload" },
	{ "rxvlan", 0, "rx-vlan-offload" },
	{ "txvlan", 0, "tx-vlan-offload" },
	{ "ntuple", 0, "ntuple-filters" },
	{ "rxhash", 0, "receive-hashing" },
};

/* ethtool -K DEV NAME on|off ...: every pair checked before any change;
 * a feature the device cannot switch is refused as ethtool refuses it. */
static int set_features(struct netdev *dev, int argc, char **argv)
{
	unsigned on = 0, off = 0;
	const char *fixed_name = NULL; /* the first feature asked for that cannot change */
	if (argc < 2 || argc % 2)
		return bad_args();
	for (int i = 0; i < argc; i += 2) {
		size_t k = 0;
		while (k < sizeof(knames) / sizeof(knames[0]) && strcmp(argv[i], knames[k].name))
			k++;
		if (k == sizeof(knames) / sizeof(knames[0]))
			return bad_args();
		int want = !strcmp(argv[i + 1], "on") ? 1 : !strcmp(argv[i + 1], "off") ? 0 : -1;
		if (want < 0)
			return bad_args();
		unsigned bit = knames[k].bit;
		if (!bit || !(dev->hw_features & bit)) {
			if (bit && !!(dev->features & bit) == want)
				continue; /* already so */
			if (!fixed_name)
				fixed_name = knames[k].shown;
			continue;
		}
		if (want)
			on |= bit;
		else
			off |= bit;
	}
	if (fixed_name) {
		con_printf("Cannot change %s\nCould not change any device features\n", fixed_name);
		return 1;
	}
	dev->features = (dev->features | on) & ~off;
	return 0;
}

static int show_info(struct netdev *dev)
{
	char driver[32] = "", version[32] = "", bus[32] = "";
	if (dev->ops->info)
		dev->ops->info(dev, driver, version, bus, sizeof(driver));
	con_printf("driver: %s\n"
		   "version: %s\n"
		   "firmware-version: \n"
		   "expansion-rom-version: \n"
		   "bus-info: %s\n"
		   "supports-statistics: %s\n"
		   "supports-test: no\n"
		   "supports-eeprom-access: no\n"
		   "supports-register-dump: no\n"
		   "supports-priv-flags: no\n",
		   driver, version, bus, dev->ops->stats ? "yes" : "no");
	return 0;
}

static void usage(void)
{
	con_printf("ethtool version 6.1 (nagare)\n"
		   "Usage:\n"
		   "        ethtool DEVNAME\tDisplay standard information about device\n"
		   "        ethtool -S|--statistics DEVNAME\tShow adapter statistics\n"
		   "        ethtool -k|--show-features|--show-offload DEVNAME\tGet state of protocol offload and other features\n"
		   "        ethtool -K|--features|--offload DEVNAME\tSet protocol offload and other features\n"
		   "                FEATURE on|off ...\n"
		   "        ethtool -i|--driver DEVNAME\tShow driver information\n"
		   "        ethtool -h|--help\tShow this help\n");
}

enum mode { SETTINGS, STATS, FEATURES, INFO, SET_FEATURES };

static int parse_mode(const char *a, enum mode *m)
{
	static const struct {
		const char *opt;
		enum mode mode;
	} opts[] = {
		{ "-S", STATS },       { "--statistics", STATS },     { "-k", FEATURES },
		{ "--show-features", FEATURES }, { "--show-offload", FEATURES }, { "-i", INFO },
		{ "--driver", INFO },  { "-K", SET_FEATURES },	  { "--features", SET_FEATURES },
		{ "--offload", SET_FEATURES },
	};
	for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
		if (!strcmp(a, opts[i].opt)) {
			*m = opts[i].mode;
			return 0;
		}
	}
	return -1;
}

static int cmd_ethtool(int argc, char **argv)
{
	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		usage();
		return 0;
	}
	enum mode mode = SETTINGS;
	int i = 1;
	if (argc > 1 && argv[1][0] == '-') {
		if (parse_mode(argv[1], &mode))
			return bad_args();
		i = 2;
	}
	if ((mode == SET_FEATURES ? argc < i + 1 : argc != i + 1) || argv[i][0] == '-')
		return bad_args();
	struct netdev *dev = netdev_by_name(argv[i]);
	if (!dev) {
		static const char *const what[] = {
			[SETTINGS] = "device settings",
			[STATS] = "stats strings information",
			[FEATURES] = "device feature names",
			[INFO] = "driver information",
			[SET_FEATURES] = "device feature names",
		};
		con_printf("Cannot get %s: No such device\n", what[mode]);
		return 1;
	}
	switch (mode) {
	case STATS:
		return show_stats(dev);
	case FEATURES:
		show_features(dev);
		return 0;
	case INFO:
		return show_info(dev);
	case SET_FEATURES:
		return set_features(dev, argc - i - 1, argv + i + 1);
	default:
		show_settings(dev);
		return 0;
	}
}
CONSOLE_CMD(ethtool, "ethtool", cmd_ethtool, "ethtool [-S|-k|-i] DEV | -K DEV FEATURE on|off ...",
	    "device settings, driver counters, offloads (switch tso, gso, gro), driver info");
