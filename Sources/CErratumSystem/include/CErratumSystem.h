#ifndef ERRATUM_SYSTEM_H
#define ERRATUM_SYSTEM_H

/// Atomically exchanges two paths on the same file system (Linux renameat2 with
/// RENAME_EXCHANGE). Returns 0 on success, -1 with errno set otherwise; on systems
/// without the call, errno is ENOSYS.
int erratum_exchange_paths(const char *first, const char *second);

/// Tunes the C allocator for a build, where each page makes tens of kilobytes of short-lived
/// text beside small records that live to the end: with glibc, blocks of 128 KiB and more are
/// always mapped on their own and returned when freed (glibc otherwise raises that bound as
/// large blocks are freed, and keeps them in its arenas, where the small records pin them).
/// Does nothing elsewhere.
void erratum_tune_allocator(void);

#endif
