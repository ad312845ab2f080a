/** The post the social-network stages pass to each other, and reading it back from params. */
import { base64Field, InvalidParamError, isRecord, preview } from './stage-params';

/** The post's attached image. */
export interface PostMedia {
  /** The original's size, pixels. */
  readonly width: number;
  readonly height: number;
  /** Hex sha256 of the original's RGBA pixels. */
  readonly sha256: string;
  /** The thumbnail's size, pixels (fits the thumbnail box, aspect kept). */
  readonly thumbWidth: number;
  readonly thumbHeight: number;
  /** The thumbnail as PNG, base64. */
  readonly thumbnail: string;
}

/** A composed post. */
export interface Post {
  /** 16 hex digits, from the seed. */
  readonly id: string;
  /** The author's user id, 0 .. users - 1. */
  readonly authorId: number;
  /** ISO 8601 time, from the seed. */
  readonly createdAt: string;
  readonly text: string;
  readonly media: PostMedia;
}

function field<T>(record: Record<string, unknown>, key: string, where: string, check: (v: unknown) => v is T, what: string): T {
  const value = record[key];
  if (!check(value)) throw new InvalidParamError(`${where}.${key}: expected ${what}, found ${preview(value)}`);
  return value;
}

const isString = (v: unknown): v is string => typeof v === 'string';
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

/**
 * A post read from a param (`where` names it in errors, e.g. `post`).
 * @throws InvalidParamError naming the field and the bad value
 */
export function parsePost(value: unknown, where: string): Post {
  if (!isRecord(value)) throw new InvalidParamError(`${where}: expected compose-post's post { id, authorId, createdAt, text, media }, found ${preview(value)}`);
  const media = value['media'];
  if (!isRecord(media)) throw new InvalidParamError(`${where}.media: expected { width, height, sha256, thumbWidth, thumbHeight, thumbnail }, found ${preview(media)}`);
  const m = `${where}.media`;
  base64Field(media['thumbnail'], `${m}.thumbnail`);
  return {
    id: field(value, 'id', where, isString, 'a string'),
    authorId: field(value, 'authorId', where, isCount, 'a user id (an integer >= 0)'),
    createdAt: field(value, 'createdAt', where, isString, 'an ISO 8601 time'),
    text: field(value, 'text', where, isString, 'a string'),
    media: {
      width: field(media, 'width', m, isCount, 'pixels'),
      height: field(media, 'height', m, isCount, 'pixels'),
      sha256: field(media, 'sha256', m, isString, 'a hex sha256'),
      thumbWidth: field(media, 'thumbWidth', m, isCount, 'pixels'),
      thumbHeight: field(media, 'thumbHeight', m, isCount, 'pixels'),
      thumbnail: field(media, 'thumbnail', m, isString, 'a base64 PNG'),
    },
  };
}
