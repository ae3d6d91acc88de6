// Wrappers for what Swift cannot call directly: C macros, variadic calls, packed structs and
// unions (epoll_event, ifreq, signalfd_siginfo). Nothing else lives here: each function is a
// static inline wrapper of one system call or macro, or of the few calls that must fill or
// unpack such a struct together (epoll_wait's events, an interface's address and netmask,
// the signal mask plus its signalfd, the open-files limit). No policy or logic beyond that.
#ifndef CSHIMS_H
#define CSHIMS_H

#include <pthread.h>

#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/bio.h>
#include <openssl/x509.h>
#include <openssl/crypto.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/resource.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <net/if.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>
#include <malloc.h>

// MARK: OpenSSL macros
static inline long cshim_SSL_CTX_set_min_proto_version(SSL_CTX *ctx, int v) { return SSL_CTX_set_min_proto_version(ctx, v); }
static inline long cshim_SSL_CTX_set_max_proto_version(SSL_CTX *ctx, int v) { return SSL_CTX_set_max_proto_version(ctx, v); }
static inline long cshim_SSL_CTX_set_mode(SSL_CTX *ctx, long mode) { return SSL_CTX_set_mode(ctx, mode); }
static inline long cshim_SSL_CTX_set_session_cache_mode(SSL_CTX *ctx, long mode) { return SSL_CTX_set_session_cache_mode(ctx, mode); }
static inline long cshim_SSL_CTX_set1_groups_list(SSL_CTX *ctx, const char *list) { return SSL_CTX_set1_groups_list(ctx, list); }
static inline long cshim_SSL_set_tlsext_host_name(SSL *ssl, const char *name) { return SSL_set_tlsext_host_name(ssl, name); }
static inline long cshim_BIO_get_mem_data(BIO *b, char **pp) { return BIO_get_mem_data(b, pp); }
static inline void cshim_OPENSSL_free(void *p) { OPENSSL_free(p); }
static inline ASN1_TIME *cshim_X509_get_notBefore(X509 *x) { return X509_getm_notBefore(x); }
static inline ASN1_TIME *cshim_X509_get_notAfter(X509 *x) { return X509_getm_notAfter(x); }
static inline uint64_t cshim_SSL_OP_NO_TICKET(void) { return SSL_OP_NO_TICKET; }
static inline uint64_t cshim_SSL_OP_NO_COMPRESSION(void) { return SSL_OP_NO_COMPRESSION; }
static inline uint64_t cshim_SSL_OP_NO_RENEGOTIATION(void) { return SSL_OP_NO_RENEGOTIATION; }
static inline uint64_t cshim_SSL_OP_CIPHER_SERVER_PREFERENCE(void) { return SSL_OP_CIPHER_SERVER_PREFERENCE; }
static inline uint64_t cshim_SSL_OP_IGNORE_UNEXPECTED_EOF(void) { return SSL_OP_IGNORE_UNEXPECTED_EOF; }
static inline long cshim_SSL_SESS_CACHE_OFF(void) { return SSL_SESS_CACHE_OFF; }
static inline long cshim_SSL_SESS_CACHE_SERVER(void) { return SSL_SESS_CACHE_SERVER; }
static inline long cshim_SSL_SESS_CACHE_CLIENT(void) { return SSL_SESS_CACHE_CLIENT; }
static inline int cshim_sk_X509_num(const STACK_OF(X509) *sk) { return sk_X509_num(sk); }
static inline X509 *cshim_sk_X509_value(const STACK_OF(X509) *sk, int i) { return sk_X509_value(sk, i); }
static inline void cshim_sk_X509_set(STACK_OF(X509) *sk, int i, X509 *x) { (void)sk_X509_set(sk, i, x); }

// MARK: epoll (struct epoll_event is packed on x86_64; keep it on the C side)
static inline int cshim_epoll_ctl(int epfd, int op, int fd, uint32_t events, uint64_t data) {
    struct epoll_event ev;
    memset(&ev, 0, sizeof(ev));
    ev.events = events;
    ev.data.u64 = data;
    return epoll_ctl(epfd, op, fd, &ev);
}
/// Waits and unpacks up to `max` events into two parallel arrays.
static inline int cshim_epoll_wait(int epfd, uint64_t *datas, uint32_t *events, int max, int timeout_ms) {
    struct epoll_event evs[256];
    if (max > 256) max = 256;
    int n = epoll_wait(epfd, evs, max, timeout_ms);
    for (int i = 0; i < n; i++) { datas[i] = evs[i].data.u64; events[i] = evs[i].events; }
    return n;
}
static inline uint32_t cshim_EPOLLIN(void) { return EPOLLIN; }
static inline uint32_t cshim_EPOLLOUT(void) { return EPOLLOUT; }
static inline uint32_t cshim_EPOLLERR(void) { return EPOLLERR; }
static inline uint32_t cshim_EPOLLHUP(void) { return EPOLLHUP; }

// MARK: sockets
// Declared here rather than via _GNU_SOURCE, which would change glibc's headers for this
// module only and clash with the same types seen through COpenSSL.
extern int accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags);
static inline int cshim_accept4_nonblock(int fd, struct sockaddr *addr, socklen_t *len) {
    return accept4(fd, addr, len, SOCK_NONBLOCK | SOCK_CLOEXEC);
}
static inline int cshim_set_nonblocking(int fd) {
    int flags = fcntl(fd, F_GETFL, 0);
    if (flags < 0) return -1;
    return fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}
static inline int cshim_set_cloexec(int fd) { return fcntl(fd, F_SETFD, FD_CLOEXEC); }
extern int pipe2(int fds[2], int flags);
/// A pipe that is close-on-exec from birth, so a child spawned by another thread at the same
/// moment cannot inherit its ends (pipe + FD_CLOEXEC leaves a window between the two calls).
static inline int cshim_pipe_cloexec(int fds[2]) { return pipe2(fds, O_CLOEXEC); }
static inline int cshim_set_int_option(int fd, int level, int name, int value) {
    return setsockopt(fd, level, name, &value, sizeof(value));
}
static inline int cshim_socket_error(int fd) {
    int err = 0; socklen_t len = sizeof(err);
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0) return -1;
    return err;
}

// MARK: signals, eventfd
static inline int cshim_eventfd(void) { return eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC); }
/// Blocks the given signals in the calling thread (inherited by threads it creates) and
/// returns a non-blocking signalfd for them.
static inline int cshim_block_signals_fd(const int *signals, int count) {
    sigset_t set;
    sigemptyset(&set);
    for (int i = 0; i < count; i++) sigaddset(&set, signals[i]);
    if (pthread_sigmask(SIG_BLOCK, &set, NULL) != 0) return -1;
    return signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
}
/// Reads one signal number from a signalfd; 0 when none is pending.
static inline int cshim_read_signalfd(int fd) {
    struct signalfd_siginfo info;
    ssize_t n = read(fd, &info, sizeof(info));
    if (n != (ssize_t)sizeof(info)) return 0;
    return (int)info.ssi_signo;
}
static inline void cshim_unblock_all_signals(void) {
    sigset_t set; sigemptyset(&set);
    pthread_sigmask(SIG_SETMASK, &set, NULL);
}

// MARK: interface addresses (struct ifreq is a union; variadic ioctl)
/// IPv4 address and netmask of an interface, host byte order. Returns 0 on success.
static inline int cshim_interface_ipv4(const char *name, uint32_t *addr, uint32_t *mask) {
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    struct ifreq req;
    memset(&req, 0, sizeof(req));
    strncpy(req.ifr_name, name, IFNAMSIZ - 1);
    int rc = -1;
    if (ioctl(fd, SIOCGIFADDR, &req) == 0) {
        *addr = ntohl(((struct sockaddr_in *)&req.ifr_addr)->sin_addr.s_addr);
        if (ioctl(fd, SIOCGIFNETMASK, &req) == 0) {
            *mask = ntohl(((struct sockaddr_in *)&req.ifr_netmask)->sin_addr.s_addr);
            rc = 0;
        }
    }
    close(fd);
    return rc;
}

// MARK: threads
extern int pthread_setname_np(pthread_t thread, const char *name);
/// Names the calling thread (shown by top -H and in core dumps); at most 15 bytes.
static inline void cshim_set_thread_name(const char *name) { pthread_setname_np(pthread_self(), name); }

// MARK: resource limits
static inline int cshim_raise_nofile_limit(uint64_t *soft, uint64_t *hard) {
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return -1;
    rl.rlim_cur = rl.rlim_max;
    int rc = setrlimit(RLIMIT_NOFILE, &rl);
    getrlimit(RLIMIT_NOFILE, &rl);
    *soft = rl.rlim_cur; *hard = rl.rlim_max;
    return rc;
}
static inline int cshim_get_nofile_limit(uint64_t *soft, uint64_t *hard) {
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return -1;
    *soft = rl.rlim_cur; *hard = rl.rlim_max;
    return 0;
}
/// Sets the soft open-files limit, keeping the hard one.
static inline int cshim_set_nofile_soft_limit(uint64_t soft) {
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return -1;
    rl.rlim_cur = soft;
    return setrlimit(RLIMIT_NOFILE, &rl);
}

// malloc.h is not part of Swift's Glibc module.
static inline int cshim_malloc_trim(size_t pad) { return malloc_trim(pad); }

#endif
