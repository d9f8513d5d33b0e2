package dev.supervisor.process;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import com.sun.jna.StringArray;
import com.sun.jna.ptr.IntByReference;

/**
 * The few libc calls (Linux, glibc, x86_64/aarch64) that child I/O without a thread per process needs:
 * posix_spawn, pipes, epoll, waitid. JNA direct mapping: a call costs about as much as a JNI call.
 * Calls declared {@code throws LastErrorException} report errno that way; posix_spawn* return the error.
 */
public final class Posix {
    static {
        Native.register(NativeLibrary.getInstance("c"));
    }

    public static final int O_NONBLOCK = 0x800;
    public static final int O_CLOEXEC = 0x80000;
    public static final int F_GETFL = 3;
    public static final int F_SETFL = 4;
    public static final int F_SETPIPE_SZ = 1031;
    public static final int EAGAIN = 11;
    public static final int EINTR = 4;
    public static final int ECHILD = 10;

    static final short POSIX_SPAWN_SETSIGDEF = 0x04;
    static final short POSIX_SPAWN_SETSIGMASK = 0x08;
    static final short POSIX_SPAWN_SETPGROUP = 0x02;
    static final short POSIX_SPAWN_SETSID = 0x80;
    /** glibc's posix_spawn_file_actions_t is 80 bytes and posix_spawnattr_t 336 on 64-bit; generous room. */
    static final int SPAWN_STRUCT_BYTES = 1024;
    static final int SIGSET_BYTES = 128;

    static final int P_ALL = 0;
    static final int WEXITED = 4;
    static final int WNOWAIT = 0x01000000;
    static final int WNOHANG = 1;
    /** siginfo_t is 128 bytes; si_pid sits at offset 16 on 64-bit Linux. */
    static final int SIGINFO_BYTES = 128;
    static final int SIGINFO_PID_OFFSET = 16;

    public static final int EPOLL_CTL_ADD = 1;
    public static final int EPOLL_CTL_DEL = 2;
    public static final int EPOLLIN = 0x001;
    public static final int EPOLLERR = 0x008;
    public static final int EPOLLHUP = 0x010;
    /** struct epoll_event is packed on x86_64: u32 events, u64 data (12 bytes). */
    public static final int EPOLL_EVENT_BYTES = 12;

    private Posix() {
    }

    public static native int pipe2(int[] fds, int flags) throws LastErrorException;

    static final int AF_UNIX = 1;
    static final int SOCK_STREAM = 1;
    static final int SOCK_CLOEXEC = 0x80000;
    static final int SHUT_WR = 1;

    static native int socketpair(int domain, int type, int protocol, int[] fds) throws LastErrorException;

    static native int shutdown(int fd, int how);

    static final int SOL_SOCKET = 1;
    static final int SO_SNDBUF = 7;

    static native int setsockopt(int fd, int level, int name, int[] value, int length) throws LastErrorException;

    public static native int fcntl(int fd, int cmd, int arg) throws LastErrorException;

    public static native int close(int fd);

    public static native long read(int fd, Pointer buf, long count) throws LastErrorException;

    public static native long write(int fd, byte[] buf, long count) throws LastErrorException;

    public static native int kill(int pid, int sig);

    public static native int eventfd(int initval, int flags) throws LastErrorException;

    public static native int epoll_create1(int flags) throws LastErrorException;

    public static native int epoll_ctl(int epfd, int op, int fd, Pointer event) throws LastErrorException;

    public static native int epoll_wait(int epfd, Pointer events, int maxevents, int timeout) throws LastErrorException;

    static native int waitid(int idtype, int id, Pointer infop, int options) throws LastErrorException;

    static native int waitpid(int pid, IntByReference status, int options) throws LastErrorException;

    static native int sigemptyset(Pointer set);

    static native int sigfillset(Pointer set);

    static native int posix_spawn_file_actions_init(Pointer actions);

    static native int posix_spawn_file_actions_destroy(Pointer actions);

    static native int posix_spawn_file_actions_adddup2(Pointer actions, int fd, int newfd);

    static native int posix_spawn_file_actions_addchdir_np(Pointer actions, String path);

    static native int posix_spawn_file_actions_addclosefrom_np(Pointer actions, int from);

    static native int posix_spawnattr_init(Pointer attr);

    static native int posix_spawnattr_destroy(Pointer attr);

    static native int posix_spawnattr_setflags(Pointer attr, short flags);

    static native int posix_spawnattr_setsigmask(Pointer attr, Pointer set);

    static native int posix_spawnattr_setsigdefault(Pointer attr, Pointer set);

    static native int posix_spawnp(IntByReference pid, String file, Pointer actions, Pointer attr, StringArray argv,
                                   StringArray envp);

    static native String strerror(int errnum);

    static final int PRIO_PGRP = 1;
    static final int RLIMIT_NICE = 13;

    /** Sets the nice value of every thread of every process in a process group (Linux: PRIO_PGRP walks threads). */
    static native int setpriority(int which, int who, int prio) throws LastErrorException;

    /** rlim[0] = soft, rlim[1] = hard; RLIMIT_NICE's ceiling is 20 - rlim_cur. */
    static native int getrlimit(int resource, long[] rlim) throws LastErrorException;

    static native int geteuid();

    /** Sets O_NONBLOCK on a file descriptor. */
    public static void setNonBlocking(int fd) {
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL, 0) | O_NONBLOCK);
    }

    public static String errorText(int errno) {
        return strerror(errno) + " (errno " + errno + ")";
    }
}
