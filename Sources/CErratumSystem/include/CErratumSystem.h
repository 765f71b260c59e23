#ifndef ERRATUM_SYSTEM_H
#define ERRATUM_SYSTEM_H

/// Atomically exchanges two paths on the same file system (Linux renameat2 with
/// RENAME_EXCHANGE). Returns 0 on success, -1 with errno set otherwise; on systems
/// without the call, errno is ENOSYS.
int erratum_exchange_paths(const char *first, const char *second);

#endif
