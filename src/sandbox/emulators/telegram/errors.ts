import type { ResponseParameters } from 'grammy/types';

/** The body Telegram sends with every failed request. */
export interface TelegramErrorBody {
  ok: false;
  error_code: number;
  description: string;
  parameters?: ResponseParameters;
}

/** A Bot API failure; the HTTP status equals `error_code`, as with Telegram. */
export class TelegramApiError extends Error {
  constructor(
    readonly errorCode: number,
    readonly description: string,
    readonly parameters?: ResponseParameters,
  ) {
    super(description);
    this.name = 'TelegramApiError';
  }

  toBody(): TelegramErrorBody {
    const body: TelegramErrorBody = { ok: false, error_code: this.errorCode, description: this.description };
    if (this.parameters) body.parameters = { ...this.parameters };
    return body;
  }
}

export const badRequest = (what: string): TelegramApiError => new TelegramApiError(400, `Bad Request: ${what}`);

export const forbidden = (what: string): TelegramApiError => new TelegramApiError(403, `Forbidden: ${what}`);

export const notFound = (): TelegramApiError => new TelegramApiError(404, 'Not Found');

export const unauthorized = (): TelegramApiError => new TelegramApiError(401, 'Unauthorized');

export const conflict = (what: string): TelegramApiError => new TelegramApiError(409, `Conflict: ${what}`);

const DEFAULT_DESCRIPTIONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Request Entity Too Large',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
};

/** Builds the error Telegram would send for `errorCode`, e.g. 429 → "Too Many Requests: retry after N". */
export function makeError(
  errorCode: number,
  opts: { description?: string; retryAfter?: number; migrateToChatId?: number } = {},
): TelegramApiError {
  const parameters: ResponseParameters = {};
  if (errorCode === 429 || opts.retryAfter !== undefined) parameters.retry_after = opts.retryAfter ?? 1;
  if (opts.migrateToChatId !== undefined) parameters.migrate_to_chat_id = opts.migrateToChatId;
  const description =
    opts.description ??
    (errorCode === 429
      ? `Too Many Requests: retry after ${parameters.retry_after}`
      : (DEFAULT_DESCRIPTIONS[errorCode] ?? 'Error'));
  return new TelegramApiError(errorCode, description, Object.keys(parameters).length ? parameters : undefined);
}
