#ifndef BATON_CSQLITESETTINGS_H
#define BATON_CSQLITESETTINGS_H

/// The result code (0 is SQLITE_OK) of SQLite's process-wide settings, which this module applies
/// when the process loads, before any connection opens: memory statistics off. With them on,
/// every allocation SQLite makes, on every connection, takes one process-wide mutex.
int baton_sqlite_settings_result(void);

#endif
