/* Signalling a process through a pidfd, only when it is still the process the caller saw:
 * a pid reused between the sample and the key press is never hit. */
#ifndef MEMTOP_PIDFD_H
#define MEMTOP_PIDFD_H

#include <stddef.h>
#include <stdint.h>

/* Sends sig to pid when its start time is still start_ticks. Returns 0; -ESRCH when the
 * process is gone or the pid now belongs to another process; or another -errno (EPERM). */
int pidfd_signal_checked(int pid, uint64_t start_ticks, int sig);

#endif
