/**
 * A structured JSON logger, one line per entry (CloudWatch-friendly, in the
 * manner of Powertools). Callers pass facts, never tokens, passwords or keys:
 * there is no "log the request" helper on purpose.
 */
export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** Describes an error for a log without its message details leaking secrets. */
export function describeError(err: unknown): Record<string, unknown> {
  if (err instanceof Error) {
    const cause = err.cause instanceof Error ? { cause: `${err.cause.name}: ${err.cause.message}` } : {};
    return { error: err.name, error_message: err.message, ...cause, stack: err.stack?.split('\n').slice(0, 6).join('\n') };
  }
  return { error: typeof err };
}

/** Writes JSON lines to stdout/stderr. */
export function createConsoleLogger(service: string, sink: Pick<Console, 'log' | 'error'> = console): Logger {
  const write = (level: string, message: string, fields: Record<string, unknown> = {}) =>
    (level === 'info' ? sink.log : sink.error)(JSON.stringify({ level, service, message, time: new Date().toISOString(), ...fields }));
  return Object.freeze({
    info: (m: string, f?: Record<string, unknown>) => write('info', m, f),
    warn: (m: string, f?: Record<string, unknown>) => write('warn', m, f),
    error: (m: string, f?: Record<string, unknown>) => write('error', m, f),
  });
}

/** A logger that drops everything (tests that do not look at logs). */
export const silentLogger: Logger = Object.freeze({ info() {}, warn() {}, error() {} });
