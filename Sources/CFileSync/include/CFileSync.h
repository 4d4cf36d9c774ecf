#ifndef BATON_CFILESYNC_H
#define BATON_CFILESYNC_H

/// Flushes every written file of the filesystem holding `fd` to stable storage, in one pass
/// (Linux syncfs(2)). Returns 0, or -1 with errno set.
int baton_syncfs(int fd);

#endif
