#include <sqlite3.h>
#include "CSQLiteSettings.h"

static int settings_result = -1;

/// Runs when the process loads: sqlite3_config is accepted only before SQLite starts (the first
/// connection starts it), and it is variadic, which Swift cannot call.
__attribute__((constructor)) static void baton_sqlite_apply_settings(void) {
    settings_result = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

int baton_sqlite_settings_result(void) { return settings_result; }
