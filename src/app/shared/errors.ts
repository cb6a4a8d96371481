/** Errors of the product's own logic, with a closed set of codes that tests and adapters match on. */
export type AppErrorCode =
  | 'NOT_FOUND'
  | 'TRANSITION_NOT_ALLOWED'
  | 'FORBIDDEN'
  | 'NOT_STAFF'
  | 'INVALID_INPUT'
  | 'CONFLICT'
  /** the complaint is archived (归档): read-only */
  | 'ARCHIVED';

export class AppError extends Error {
  constructor(
    readonly code: AppErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'AppError';
  }
}
