#ifndef BATON_CSPAWN_H
#define BATON_CSPAWN_H

#include <spawn.h>

/// Adds "change to `path`" to a spawn's file actions (posix_spawn_file_actions_addchdir_np,
/// glibc 2.29+, which Swift's Glibc module does not show). Returns 0 or an errno value.
int baton_spawn_add_chdir(posix_spawn_file_actions_t *actions, const char *path);

/// Adds "close every descriptor from `lowest` up" to a spawn's file actions
/// (posix_spawn_file_actions_addclosefrom_np, glibc 2.34+); before glibc 2.34, one close per
/// descriptor open now, read from /proc/self/fd. Returns 0 or an errno value.
int baton_spawn_add_close_from(posix_spawn_file_actions_t *actions, int lowest);

#endif
