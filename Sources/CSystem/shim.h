#ifndef KNOOPPUNT_CSYSTEM_SHIM_H
#define KNOOPPUNT_CSYSTEM_SHIM_H
/* Linux interfaces Swift's Glibc module does not export: epoll, eventfd and accept4. */
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>

static const uint32_t kp_EPOLLIN = EPOLLIN;
static const uint32_t kp_EPOLLOUT = EPOLLOUT;
static const uint32_t kp_EPOLLERR = EPOLLERR;
static const uint32_t kp_EPOLLHUP = EPOLLHUP;
static const uint32_t kp_EPOLLEXCLUSIVE = EPOLLEXCLUSIVE;

/* accept4 is a GNU extension; defining _GNU_SOURCE here would change fd_set and clash with the
   Glibc module, so it is declared on its own. The peer address is not needed. */
extern int accept4(int fd, struct sockaddr *address, socklen_t *length, int flags);
static inline int kp_accept4(int fd, int flags) { return accept4(fd, (struct sockaddr *)0, (socklen_t *)0, flags); }

/* gettid is a GNU extension too: the calling thread's id, which setpriority takes to renice one
   thread rather than the process. */
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
static inline int kp_renice_current_thread(int niceness) {
    return setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), niceness);
}
static inline int kp_current_thread_niceness(void) {
    return getpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid));
}

#endif
