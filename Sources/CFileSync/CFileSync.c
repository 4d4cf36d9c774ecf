#define _GNU_SOURCE
#include <unistd.h>
#include "CFileSync.h"

int baton_syncfs(int fd) { return syncfs(fd); }
