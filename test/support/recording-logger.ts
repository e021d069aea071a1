import type { DirectorLogger } from '../../lambda/director/index.js';

/** Every line a client logged, with its attributes serialised, for secret scans. */
export class RecordingLogger implements DirectorLogger {
  readonly lines: string[] = [];

  debug(message: string, attributes?: Record<string, unknown>): void {
    this.lines.push(`DEBUG ${message} ${JSON.stringify(attributes ?? {})}`);
  }

  info(message: string, attributes?: Record<string, unknown>): void {
    this.lines.push(`INFO ${message} ${JSON.stringify(attributes ?? {})}`);
  }

  warn(message: string, attributes?: Record<string, unknown>): void {
    this.lines.push(`WARN ${message} ${JSON.stringify(attributes ?? {})}`);
  }
}
