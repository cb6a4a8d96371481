import { randomBytes } from 'node:crypto';
import { extname } from 'node:path';
import type { Document, File, PhotoSize } from 'grammy/types';

export type FileKind = 'photo' | 'document';

export interface StoredFile {
  file_id: string;
  file_unique_id: string;
  file_path: string;
  kind: FileKind;
  data: Buffer;
  file_name?: string;
  mime_type?: string;
}

/** Bytes of a valid 1×1 PNG, used when a test does not care about the picture. */
export const TINY_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

const ID_PREFIX: Record<FileKind, string> = { photo: 'AgACAgIAAxk', document: 'BQACAgIAAxk' };
const PATH_DIR: Record<FileKind, string> = { photo: 'photos', document: 'documents' };

const MIME_TYPES: Record<string, string> = {
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.pdf': 'application/pdf',
  '.txt': 'text/plain',
  '.csv': 'text/csv',
  '.json': 'application/json',
  '.zip': 'application/zip',
  '.doc': 'application/msword',
  '.docx': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  '.xls': 'application/vnd.ms-excel',
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  '.mp4': 'video/mp4',
  '.ogg': 'audio/ogg',
  '.mp3': 'audio/mpeg',
};

export function guessMimeType(fileName: string): string | undefined {
  return MIME_TYPES[extname(fileName).toLowerCase()];
}

/** Width and height of a PNG, GIF or JPEG image, or undefined for anything else. */
export function imageSize(data: Buffer): { width: number; height: number } | undefined {
  if (data.length >= 24 && data.readUInt32BE(0) === 0x89504e47) {
    return { width: data.readUInt32BE(16), height: data.readUInt32BE(20) };
  }
  if (data.length >= 10 && data.subarray(0, 3).toString('latin1') === 'GIF') {
    return { width: data.readUInt16LE(6), height: data.readUInt16LE(8) };
  }
  if (data.length >= 4 && data[0] === 0xff && data[1] === 0xd8) {
    let pos = 2;
    while (pos + 9 < data.length) {
      if (data[pos] !== 0xff) return undefined;
      const marker = data[pos + 1]!;
      const length = data.readUInt16BE(pos + 2);
      // SOF0..SOF15 carry the frame size, except DHT (C4), JPG (C8) and DAC (CC).
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
        return { width: data.readUInt16BE(pos + 7), height: data.readUInt16BE(pos + 5) };
      }
      pos += 2 + length;
    }
  }
  return undefined;
}

function randomId(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}

/**
 * Files known to the emulated server, whether uploaded by the bot or sent by emulated users.
 * A photo is stored as a set of sizes sharing the same bytes (the emulator does not resize).
 */
export class FileStore {
  private readonly byId = new Map<string, StoredFile>();
  private readonly byPath = new Map<string, StoredFile>();
  private readonly photoSets = new Map<string, PhotoSize[]>();
  private counter = 0;

  private add(kind: FileKind, data: Buffer, extension: string, meta: Partial<StoredFile> = {}): StoredFile {
    this.counter += 1;
    const file: StoredFile = {
      ...meta,
      file_id: `${ID_PREFIX[kind]}${randomId(36)}`,
      file_unique_id: `AQAD${randomId(9)}`,
      file_path: `${PATH_DIR[kind]}/file_${this.counter}${extension}`,
      kind,
      data,
    };
    this.byId.set(file.file_id, file);
    this.byPath.set(file.file_path, file);
    return file;
  }

  addPhoto(data: Buffer, size?: { width: number; height: number }): PhotoSize[] {
    const { width, height } = size ?? imageSize(data) ?? { width: 1280, height: 960 };
    const extension = data[0] === 0x89 ? '.png' : '.jpg';
    const sizes: PhotoSize[] = [];
    // Telegram sends a ≤90 px thumbnail first and the largest size last.
    const scale = Math.min(1, 90 / Math.max(width, height));
    const dims =
      scale < 1
        ? [
            { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) },
            { width, height },
          ]
        : [{ width, height }];
    for (const dim of dims) {
      const file = this.add('photo', data, extension);
      sizes.push({ file_id: file.file_id, file_unique_id: file.file_unique_id, ...dim, file_size: data.length });
    }
    for (const photo of sizes) this.photoSets.set(photo.file_id, sizes);
    return structuredClone(sizes);
  }

  addDocument(data: Buffer, meta: { file_name?: string; mime_type?: string }): Document {
    const mime = meta.mime_type ?? (meta.file_name ? guessMimeType(meta.file_name) : undefined);
    const extension = meta.file_name ? extname(meta.file_name).toLowerCase() : '';
    const file = this.add('document', data, extension, { file_name: meta.file_name, mime_type: mime });
    return this.toDocument(file);
  }

  toDocument(file: StoredFile): Document {
    const document: Document = {
      file_id: file.file_id,
      file_unique_id: file.file_unique_id,
      file_size: file.data.length,
    };
    if (file.file_name !== undefined) document.file_name = file.file_name;
    if (file.mime_type !== undefined) document.mime_type = file.mime_type;
    return document;
  }

  get(fileId: string): StoredFile | undefined {
    return this.byId.get(fileId);
  }

  getByPath(filePath: string): StoredFile | undefined {
    return this.byPath.get(filePath);
  }

  /** All sizes of the photo that `fileId` belongs to. */
  photoSizes(fileId: string): PhotoSize[] | undefined {
    const sizes = this.photoSets.get(fileId);
    return sizes ? structuredClone(sizes) : undefined;
  }

  toFile(file: StoredFile): File {
    return {
      file_id: file.file_id,
      file_unique_id: file.file_unique_id,
      file_size: file.data.length,
      file_path: file.file_path,
    };
  }
}
