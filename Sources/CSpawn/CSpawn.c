#define _GNU_SOURCE
#include "CSpawn.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>

int baton_spawn_add_chdir(posix_spawn_file_actions_t *actions, const char *path) {
    return posix_spawn_file_actions_addchdir_np(actions, path);
}

int baton_spawn_add_close_from(posix_spawn_file_actions_t *actions, int lowest) {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
    return posix_spawn_file_actions_addclosefrom_np(actions, lowest);
#else
    DIR *folder = opendir("/proc/self/fd");
    if (folder == NULL) return errno;
    int listing = dirfd(folder), result = 0;
    struct dirent *entry;
    while (result == 0 && (entry = readdir(folder)) != NULL) {
        char *end;
        long fd = strtol(entry->d_name, &end, 10);
        if (*end == '\0' && end != entry->d_name && fd >= lowest && fd != listing)
            result = posix_spawn_file_actions_addclose(actions, (int)fd);
    }
    closedir(folder);
    return result;
#endif
}
