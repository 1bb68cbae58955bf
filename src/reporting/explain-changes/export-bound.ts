/** Changes one file may hold (the HTTP export, `ledger changes`): a window with more is narrowed, or read as JSON pages. */
export const MAX_EXPORTED_CHANGES = 100_000;
