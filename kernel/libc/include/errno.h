/* Error numbers for the kernel's "return 0 or -E*" convention (Linux values). */
#ifndef _NAGARE_ERRNO_H
#define _NAGARE_ERRNO_H

#define EPERM 1
#define ENOENT 2
#define ESRCH 3
#define EIO 5
#define E2BIG 7
#define EBADF 9
#define EAGAIN 11
#define ENOMEM 12
#define EACCES 13
#define EFAULT 14
#define EBUSY 16
#define EEXIST 17
#define EXDEV 18
#define ENODEV 19
#define EINVAL 22
#define ENOSPC 28
#define ERANGE 34
#define ENOSYS 38
#define EMSGSIZE 90
#define EPROTONOSUPPORT 93
#define ENOTSUP 95
#define EOPNOTSUPP 95 /* Linux: the same number as ENOTSUP */
#define EADDRINUSE 98
#define ENETUNREACH 101
#define ECONNRESET 104
#define ENOBUFS 105
#define ETIMEDOUT 110
#define ECONNREFUSED 111
#define EHOSTUNREACH 113

#endif
