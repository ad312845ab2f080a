/**
 * A minimal, dependency-free zip reader for `binary: true` actions (a base64
 * zip, as `wsk action create --kind nodejs:20 x.zip` sends). Reads the central
 * directory; supports stored and deflated entries; rejects zip64, encrypted
 * entries, and paths that would escape the target directory.
 */
import { inflateRawSync } from 'node:zlib';

/** A zip the reader cannot read, with why. */
export class ZipError extends Error {
  override readonly name = 'ZipError';
}

/** One file of a zip. */
export interface ZipEntry {
  /** Relative path with `/` separators; directories are not listed. */
  path: string;
  data: Buffer;
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

let crcTable: Uint32Array | undefined;

/** CRC-32 (IEEE 802.3), as zip stores it. */
export function crc32(data: Uint8Array): number {
  if (crcTable === undefined) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = 0; i < data.length; i++) crc = (crcTable[(crc ^ (data[i] ?? 0)) & 0xff] ?? 0) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function safePath(name: string): string {
  const normalised = name.replace(/\\/g, '/');
  const parts = normalised.split('/').filter((p) => p.length > 0 && p !== '.');
  if (normalised.startsWith('/') || /^[A-Za-z]:/.test(normalised) || parts.includes('..') || parts.length === 0) {
    throw new ZipError(`entry '${name}' has an unsafe path`);
  }
  return parts.join('/');
}

/** The files of a zip archive. */
export function readZip(zip: Buffer): ZipEntry[] {
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new ZipError('not a zip archive (no end of central directory record)');
  const count = zip.readUInt16LE(eocd + 10);
  let offset = zip.readUInt32LE(eocd + 16);
  if (count === 0xffff || offset === 0xffffffff) throw new ZipError('zip64 archives are not supported');
  const entries: ZipEntry[] = [];
  for (let n = 0; n < count; n++) {
    if (offset + 46 > zip.length || zip.readUInt32LE(offset) !== CENTRAL) throw new ZipError(`corrupt central directory at entry ${n}`);
    const flags = zip.readUInt16LE(offset + 8);
    const method = zip.readUInt16LE(offset + 10);
    const crc = zip.readUInt32LE(offset + 16);
    const compressedSize = zip.readUInt32LE(offset + 20);
    const size = zip.readUInt32LE(offset + 24);
    const nameLength = zip.readUInt16LE(offset + 28);
    const extraLength = zip.readUInt16LE(offset + 30);
    const commentLength = zip.readUInt16LE(offset + 32);
    const localOffset = zip.readUInt32LE(offset + 42);
    const name = zip.toString('utf8', offset + 46, offset + 46 + nameLength);
    offset += 46 + nameLength + extraLength + commentLength;
    if (name.endsWith('/')) continue;
    if ((flags & 1) !== 0) throw new ZipError(`entry '${name}' is encrypted`);
    if (compressedSize === 0xffffffff || size === 0xffffffff) throw new ZipError('zip64 archives are not supported');
    if (localOffset + 30 > zip.length || zip.readUInt32LE(localOffset) !== LOCAL) throw new ZipError(`entry '${name}' has no local header`);
    const start = localOffset + 30 + zip.readUInt16LE(localOffset + 26) + zip.readUInt16LE(localOffset + 28);
    const raw = zip.subarray(start, start + compressedSize);
    if (raw.length !== compressedSize) throw new ZipError(`entry '${name}' is truncated`);
    let data: Buffer;
    if (method === 0) data = Buffer.from(raw);
    else if (method === 8) data = inflateRawSync(raw);
    else throw new ZipError(`entry '${name}' uses compression method ${method} (only stored and deflate are supported)`);
    if (data.length !== size || crc32(data) !== crc) throw new ZipError(`entry '${name}' fails its CRC check`);
    entries.push({ path: safePath(name), data });
  }
  return entries;
}
