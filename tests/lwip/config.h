/* lwIP's test/unit/lwip_check.h includes <config.h>; it needs nothing from it. */
