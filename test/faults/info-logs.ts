/**
 * Imported first by every entry point of the battery: the handlers' Powertools logger reads its
 * level once, when its module is first loaded, and the leak search needs it at INFO (every step
 * logs its result), not at the SILENT level vitest.config.ts sets.
 */
const previous = process.env.POWERTOOLS_LOG_LEVEL;
process.env.POWERTOOLS_LOG_LEVEL = 'INFO';

/** Puts the level back once every logger the battery needs exists. */
export function restoreLogLevel(): void {
  if (previous === undefined) delete process.env.POWERTOOLS_LOG_LEVEL;
  else process.env.POWERTOOLS_LOG_LEVEL = previous;
}
