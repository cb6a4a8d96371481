import type { IncomingMessage } from 'node:http';
import { badRequest, TelegramApiError } from './errors.ts';

/** A file part of a multipart/form-data request. */
export interface UploadedPart {
  /** The form field the part was sent under (grammY uses random names referenced by `attach://<name>`). */
  fieldName: string;
  filename: string;
  contentType: string;
  data: Buffer;
}

/** How an uploaded file shows up in recorded call parameters. */
export interface UploadedFileInfo {
  upload: true;
  filename: string;
  contentType: string;
  size: number;
}

export interface ParsedBody {
  /** JSON bodies keep their types; form fields are strings. */
  fields: Record<string, unknown>;
  /** File parts by form field name. */
  parts: Map<string, UploadedPart>;
  /** Whether `fields` came from a form (urlencoded, multipart or query string) rather than JSON. */
  fromForm: boolean;
}

export async function readBody(req: IncomingMessage, limitBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limitBytes) throw new TelegramApiError(413, 'Request Entity Too Large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

export function parseBody(contentType: string | undefined, raw: Buffer): ParsedBody {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (raw.length === 0) return { fields: {}, parts: new Map(), fromForm: true };
  if (type === 'application/json') {
    let value: unknown;
    try {
      value = JSON.parse(raw.toString('utf8'));
    } catch {
      throw badRequest("can't parse JSON");
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw badRequest('JSON body must be an object');
    }
    return { fields: value as Record<string, unknown>, parts: new Map(), fromForm: false };
  }
  if (type === 'multipart/form-data') {
    const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType ?? '');
    if (!boundary) throw badRequest('multipart boundary is missing');
    return { ...parseMultipart(raw, (boundary[1] ?? boundary[2])!.trim()), fromForm: true };
  }
  // Telegram treats anything else as application/x-www-form-urlencoded.
  return { fields: Object.fromEntries(new URLSearchParams(raw.toString('utf8'))), parts: new Map(), fromForm: true };
}

/**
 * A small multipart/form-data parser. It accepts grammY's dialect, which writes headers
 * without spaces (`content-disposition:form-data;name="x"`) and leaves `filename` unquoted.
 */
export function parseMultipart(
  raw: Buffer,
  boundary: string,
): { fields: Record<string, string>; parts: Map<string, UploadedPart> } {
  const fields: Record<string, string> = {};
  const parts = new Map<string, UploadedPart>();
  const delimiter = Buffer.from(`--${boundary}`);
  const nextDelimiter = Buffer.from(`\r\n--${boundary}`);
  let pos = raw.indexOf(delimiter);
  if (pos < 0) throw badRequest('malformed multipart body');
  pos += delimiter.length;
  for (;;) {
    if (raw.subarray(pos, pos + 2).toString() === '--') break; // closing delimiter
    if (raw.subarray(pos, pos + 2).toString() === '\r\n') pos += 2;
    const headerEnd = raw.indexOf('\r\n\r\n', pos);
    if (headerEnd < 0) throw badRequest('malformed multipart body');
    const headers = parsePartHeaders(raw.subarray(pos, headerEnd).toString('utf8'));
    const contentStart = headerEnd + 4;
    const contentEnd = raw.indexOf(nextDelimiter, contentStart);
    if (contentEnd < 0) throw badRequest('malformed multipart body');
    const disposition = headers.get('content-disposition') ?? '';
    const name = dispositionParam(disposition, 'name');
    const filename = dispositionParam(disposition, 'filename');
    const content = raw.subarray(contentStart, contentEnd);
    if (name !== undefined) {
      if (filename !== undefined) {
        parts.set(name, {
          fieldName: name,
          filename,
          contentType: headers.get('content-type') ?? 'application/octet-stream',
          data: Buffer.from(content),
        });
      } else {
        fields[name] = content.toString('utf8');
      }
    }
    pos = contentEnd + nextDelimiter.length;
  }
  return { fields, parts };
}

function parsePartHeaders(block: string): Map<string, string> {
  const headers = new Map<string, string>();
  for (const line of block.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return headers;
}

function dispositionParam(disposition: string, param: string): string | undefined {
  const match = new RegExp(`(?:^|;)\\s*${param}=(?:"([^"]*)"|([^;]*))`, 'i').exec(disposition);
  if (!match) return undefined;
  return (match[1] ?? match[2] ?? '').trim();
}

/** Parameters whose string form (from forms and query strings) is converted to a number. */
const INTEGER_PARAMS = new Set([
  'chat_id',
  'from_chat_id',
  'user_id',
  'message_id',
  'message_thread_id',
  'reply_to_message_id',
  'offset',
  'limit',
  'timeout',
  'cache_time',
  'max_connections',
  'width',
  'height',
  'duration',
]);

/** Parameters that forms carry as JSON-serialised objects or arrays. */
const JSON_PARAMS = new Set([
  'reply_markup',
  'reply_parameters',
  'entities',
  'caption_entities',
  'allowed_updates',
  'commands',
  'scope',
  'link_preview_options',
  'media',
]);

const BOOLEAN_PARAMS = new Set([
  'show_alert',
  'drop_pending_updates',
  'disable_notification',
  'protect_content',
  'allow_sending_without_reply',
  'disable_web_page_preview',
  'has_spoiler',
  'disable_content_type_detection',
  'show_caption_above_media',
]);

/**
 * Typed access to a request's parameters. Form values are normalised on construction
 * (numbers, booleans, JSON objects) so that recorded calls look the same whichever
 * encoding the client used; uploaded files are resolved from `attach://` references.
 */
export class Params {
  private readonly values: Record<string, unknown> = {};
  private readonly uploads = new Map<string, UploadedPart>();

  /** `query` holds query-string parameters; body fields take precedence over them. */
  constructor(body: ParsedBody, query: Record<string, string> = {}) {
    for (const [key, value] of Object.entries(query)) this.values[key] = normaliseFormValue(key, value);
    const referenced = new Set<string>();
    for (const [key, value] of Object.entries(body.fields)) {
      if (value === null || value === undefined) continue;
      if (typeof value === 'string' && value.startsWith('attach://')) {
        const part = body.parts.get(value.slice('attach://'.length));
        if (part) {
          this.uploads.set(key, part);
          referenced.add(part.fieldName);
          continue;
        }
      }
      this.values[key] = body.fromForm && typeof value === 'string' ? normaliseFormValue(key, value) : value;
    }
    // Clients other than grammY may send the file directly under the parameter's name.
    for (const [name, part] of body.parts) {
      if (!referenced.has(name) && !(name in this.values)) this.uploads.set(name, part);
    }
  }

  has(name: string): boolean {
    return name in this.values || this.uploads.has(name);
  }

  raw(name: string): unknown {
    return this.values[name];
  }

  string(name: string): string | undefined {
    const value = this.values[name];
    if (value === undefined) return undefined;
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    throw badRequest(`field "${name}" must be of type String`);
  }

  int(name: string): number | undefined {
    const value = this.values[name];
    if (value === undefined || value === '') return undefined;
    const num = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
    if (!Number.isInteger(num)) throw badRequest(`field "${name}" must be of type Integer`);
    return num;
  }

  /** Like `int`, but fractional values are allowed (used for `timeout`, handy in tests). */
  number(name: string): number | undefined {
    const value = this.values[name];
    if (value === undefined || value === '') return undefined;
    const num = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
    if (!Number.isFinite(num)) throw badRequest(`field "${name}" must be of type Number`);
    return num;
  }

  bool(name: string): boolean | undefined {
    const value = this.values[name];
    if (value === undefined) return undefined;
    if (typeof value === 'boolean') return value;
    if (value === 'true' || value === '1' || value === 1) return true;
    if (value === 'false' || value === '0' || value === 0 || value === '') return false;
    throw badRequest(`field "${name}" must be of type Boolean`);
  }

  /** An object or array parameter; form clients send these as JSON strings. */
  json<T>(name: string, errorDescription = `can't parse ${name} JSON object`): T | undefined {
    const value = this.values[name];
    if (value === undefined || value === '') return undefined;
    if (typeof value === 'string') {
      try {
        return JSON.parse(value) as T;
      } catch {
        throw badRequest(errorDescription);
      }
    }
    if (typeof value !== 'object' || value === null) throw badRequest(errorDescription);
    return value as T;
  }

  /** A file parameter: an uploaded part, or a string (file_id or URL). */
  file(name: string): UploadedPart | string | undefined {
    return this.uploads.get(name) ?? this.string(name);
  }

  /** Normalised parameters for recording; uploads appear as {@link UploadedFileInfo}. */
  toRecord(): Record<string, unknown> {
    const record: Record<string, unknown> = structuredClone(this.values);
    for (const [key, part] of this.uploads) {
      const info: UploadedFileInfo = {
        upload: true,
        filename: part.filename,
        contentType: part.contentType,
        size: part.data.length,
      };
      record[key] = info;
    }
    return record;
  }
}

function normaliseFormValue(key: string, value: string): unknown {
  if (INTEGER_PARAMS.has(key) && /^-?\d+$/.test(value)) return Number(value);
  if (BOOLEAN_PARAMS.has(key) && (value === 'true' || value === 'false')) return value === 'true';
  if (JSON_PARAMS.has(key)) {
    try {
      return JSON.parse(value) as unknown;
    } catch {
      return value; // reported as a parse error by whichever handler reads it
    }
  }
  return value;
}
