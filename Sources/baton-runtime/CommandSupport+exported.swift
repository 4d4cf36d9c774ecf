// What `baton` and `baton-runtime` share (failures and exit codes, printing text safely, the
// runtime's clock, day arguments), visible in every file of this executable.
@_exported import CommandSupport
