export { TelegramEmulator, DEFAULT_TOKEN } from './server.ts';
export { TelegramApiError } from './errors.ts';
export { TINY_PNG } from './files.ts';
export type * from './types.ts';
