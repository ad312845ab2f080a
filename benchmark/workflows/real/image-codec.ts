/**
 * Decoding an image's bytes with jimp's own PNG and JPEG decoders, chosen by
 * the file's signature. (`Jimp.read` would detect the type with the
 * ESM-only `file-type` package through a dynamic `import()`, which a
 * CommonJS test runner cannot load; the decoders are the same.)
 */
import { defaultFormats, Jimp, type JimpInstance } from 'jimp';

/** The formats {@link decodeImage} reads. */
export type DecodableMime = 'image/png' | 'image/jpeg';

/** The format of an image file by its first bytes, or undefined when it is neither PNG nor JPEG. */
export function sniffImageMime(bytes: Buffer): DecodableMime | undefined {
  if (bytes.length >= 8 && bytes.readUInt32BE(0) === 0x89504e47 && bytes.readUInt32BE(4) === 0x0d0a1a0a) return 'image/png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  return undefined;
}

/**
 * Decodes a PNG or JPEG file into a jimp image.
 * @throws Error for another format or a corrupt file (the decoder's message)
 */
export async function decodeImage(bytes: Buffer): Promise<JimpInstance> {
  const mime = sniffImageMime(bytes);
  if (mime === undefined) throw new Error('not a PNG or JPEG file (unknown signature)');
  const format = defaultFormats.map((f) => f()).find((f) => f.mime === mime);
  if (format === undefined) throw new Error(`jimp has no decoder for ${mime}`);
  const bitmap = await format.decode(bytes);
  return Jimp.fromBitmap({ data: bitmap.data, width: bitmap.width, height: bitmap.height });
}
