// Raises this process's open-file limit to the hard limit: the idle workload holds thousands
// of sockets, more than the usual soft limit of 1024.
#pragma once

#include <sys/resource.h>

inline void raise_open_file_limit() {
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        ::setrlimit(RLIMIT_NOFILE, &limit);
    }
}
