/**
 * A small, dependency-free zip writer for action bundles: deflated entries
 * (stored when deflating does not shrink them), Unix permissions 0644, and a
 * fixed timestamp (1980-01-01 00:00, the earliest a zip can hold) so the same
 * files always give the same bytes. No zip64: an archive, or any entry, must
 * stay under 4 GiB and 65,535 entries (OpenWhisk's action limit is 48 MB).
 */
import { deflateRawSync } from 'node:zlib';
import { crc32 } from '../local-openwhisk/zip-reader';

/** One file to put in a zip. */
export interface ZipInput {
  /** Relative path inside the archive, `/`-separated, no `..` or leading `/`. */
  path: string;
  data: Buffer;
}

/** A file the writer refuses, with why (the message names the path). */
export class ZipWriteError extends Error {
  override readonly name = 'ZipWriteError';
}

const LOCAL = 0x04034b50;
const CENTRAL = 0x02014b50;
const EOCD = 0x06054b50;
/** 1980-01-01 in MS-DOS date format (year-1980 << 9 | month << 5 | day). */
const DOS_DATE = (0 << 9) | (1 << 5) | 1;
const DOS_TIME = 0;
/** Bit 11 of the general-purpose flags: names are UTF-8. */
const UTF8_FLAG = 0x0800;
/** Version made by: 3 (Unix) << 8 | 2.0 (20). */
const MADE_BY_UNIX = (3 << 8) | 20;
/** Regular file, rw-r--r--, in the high 16 bits of the external attributes. */
const UNIX_FILE_0644 = (0o100644 << 16) >>> 0;
const MAX_32 = 0xffffffff;

function checkPath(path: string): void {
  const parts = path.split('/');
  if (path.length === 0 || path.startsWith('/') || path.includes('\\') || /^[A-Za-z]:/.test(path) || parts.some((p) => p === '' || p === '.' || p === '..')) {
    throw new ZipWriteError(`zip entry ${JSON.stringify(path)}: expected a relative path of /-separated names without '.', '..' or empty parts`);
  }
}

/**
 * The zip archive of `files`, in the order given. Throws a
 * {@link ZipWriteError} naming the entry for a bad or duplicate path, or one
 * too large for a zip without zip64.
 */
export function writeZip(files: readonly ZipInput[]): Buffer {
  if (files.length > 0xffff) throw new ZipWriteError(`zip: ${files.length} entries, more than the 65,535 a zip without zip64 holds`);
  const seen = new Set<string>();
  const chunks: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const file of files) {
    checkPath(file.path);
    if (seen.has(file.path)) throw new ZipWriteError(`zip entry ${JSON.stringify(file.path)}: given twice`);
    seen.add(file.path);
    const name = Buffer.from(file.path, 'utf8');
    const deflated = deflateRawSync(file.data, { level: 9 });
    const useDeflate = deflated.length < file.data.length;
    const packed = useDeflate ? deflated : file.data;
    if (file.data.length >= MAX_32 || packed.length >= MAX_32) throw new ZipWriteError(`zip entry ${JSON.stringify(file.path)}: ${file.data.length} bytes, too large without zip64`);
    const crc = crc32(file.data);
    const method = useDeflate ? 8 : 0;

    const local = Buffer.alloc(30);
    local.writeUInt32LE(LOCAL, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(UTF8_FLAG, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(DOS_TIME, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(file.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(CENTRAL, 0);
    central.writeUInt16LE(MADE_BY_UNIX, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(UTF8_FLAG, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt16LE(DOS_TIME, 12);
    central.writeUInt16LE(DOS_DATE, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(file.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(UNIX_FILE_0644, 38);
    central.writeUInt32LE(offset, 42);

    chunks.push(local, name, packed);
    centrals.push(central, name);
    offset += 30 + name.length + packed.length;
    if (offset >= MAX_32) throw new ZipWriteError(`zip: more than 4 GiB at entry ${JSON.stringify(file.path)}, too large without zip64`);
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(EOCD, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...chunks, directory, end]);
}
