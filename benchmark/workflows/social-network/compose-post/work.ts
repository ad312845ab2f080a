/**
 * `social-network/compose-post`: composes a seeded post, as the front end of
 * DeathStarBench's social network would receive it: `words` words of text
 * (with hashtags, mentions, links and the odd banned word), an author among
 * `users`, and an attached image drawn with jimp, thumbnailed to fit
 * `thumbSize` x `thumbSize` and carried as a PNG (the original's hash only).
 */
import { deriveSeed, seededRandom, type SeededRandom } from '../../real/seeded-random';
import { renderSeededImage } from '../../real/seeded-image';
import { carryOf, intParam, type StageParams } from '../../real/stage-params';
import type { Post } from '../../real/social-post';
import { peakMemoryMB, sha256Hex, type StageResultBase } from '../../real/stage-result';
import { BANNED_WORDS, WORDS } from '../../real/word-list';
import { SOCIAL_NETWORK_DEFAULTS as D, SOCIAL_NETWORK_KEYS, type SocialNetworkInput } from '../../real/workflow-inputs';

/** The validated params of compose-post: the workflow input's fields it reads (units there), and what it carries on. */
export type ComposeInput = Pick<SocialNetworkInput, 'seed' | 'words' | 'imageWidth' | 'imageHeight' | 'thumbSize' | 'users'> & {
  readonly carry: Readonly<Record<string, unknown>>;
};

/** What compose-post answers. */
export interface ComposeResult extends StageResultBase {
  readonly post: Post;
  /** `words`, `chars` of text, `pixels` drawn (image plus shapes), `thumbnailPixels`. */
  readonly work: { readonly words: number; readonly chars: number; readonly pixels: number; readonly thumbnailPixels: number };
}

/**
 * Params: `seed` (default 1), `words` (1 to 100,000, default 400),
 * `imageWidth` x `imageHeight` (pixels, 8 to 4096, default 1280 x 960),
 * `thumbSize` (pixels, 8 to 1024, default 128), `users` (2 to 5,000,000,
 * default 1,000,000).
 * @throws InvalidParamError naming the bad param and value
 */
export function parseComposeInput(params: StageParams): ComposeInput {
  return {
    seed: intParam(params, 'seed', { default: D.seed, min: 0, max: 4294967295 }),
    words: intParam(params, 'words', { default: D.words, min: 1, max: 100_000 }),
    imageWidth: intParam(params, 'imageWidth', { default: D.imageWidth, min: 8, max: 4096 }),
    imageHeight: intParam(params, 'imageHeight', { default: D.imageHeight, min: 8, max: 4096 }),
    thumbSize: intParam(params, 'thumbSize', { default: D.thumbSize, min: 8, max: 1024 }),
    users: intParam(params, 'users', { default: D.users, min: 2, max: 5_000_000 }),
    carry: carryOf(params, SOCIAL_NETWORK_KEYS),
  };
}

function capitalise(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/** A token of the text: a word, hashtag, mention, link or (rarely) a banned word in some case. */
function token(rng: SeededRandom, users: number): string {
  const r = rng.next();
  if (r < 0.06) return `#${rng.pick(WORDS)}${rng.pick(WORDS)}`;
  if (r < 0.1) return `@user${rng.int(users)}`;
  if (r < 0.12) return `https://example.org/${rng.pick(WORDS)}/${rng.int(10_000)}`;
  if (r < 0.15) {
    const w = rng.pick(BANNED_WORDS);
    return rng.next() < 0.5 ? w.toUpperCase() : capitalise(w);
  }
  return rng.pick(WORDS);
}

/** The post's text: `words` tokens in sentences of 6 to 17, capitalised, with punctuation. */
export function composeText(rng: SeededRandom, words: number, users: number): string {
  const parts: string[] = [];
  let sentence = 0;
  let length = 6 + rng.int(12);
  for (let i = 0; i < words; i++) {
    let t = token(rng, users);
    if (sentence === 0 && /^[a-z]/.test(t)) t = capitalise(t);
    sentence++;
    if (sentence >= length || i === words - 1) {
      t += rng.pick(['.', '.', '!', '?']);
      sentence = 0;
      length = 6 + rng.int(12);
    } else if (rng.next() < 0.05) t += ',';
    parts.push(t);
  }
  return parts.join(' ');
}

/** Composes the post. Work: the words written, and the image's pixels drawn and thumbnailed. */
export async function composePost(input: ComposeInput): Promise<ComposeResult> {
  const rng = seededRandom(deriveSeed(input.seed, 'compose-post'));
  const authorId = rng.int(input.users);
  const text = composeText(rng, input.words, input.users);
  const { image, pixelsDrawn } = renderSeededImage(input.imageWidth, input.imageHeight, deriveSeed(input.seed, 'post-image'), 16);
  const originalSha = sha256Hex(image.bitmap.data);
  image.scaleToFit({ w: input.thumbSize, h: input.thumbSize });
  const thumb = await image.getBuffer('image/png');
  const createdAt = new Date(Date.UTC(2026, 0, 1) + (input.seed % 525_600) * 60_000).toISOString();
  const id = sha256Hex(`${input.seed}:${authorId}:${createdAt}:${text}`).slice(0, 16);
  return {
    post: {
      id,
      authorId,
      createdAt,
      text,
      media: { width: input.imageWidth, height: input.imageHeight, sha256: originalSha, thumbWidth: image.bitmap.width, thumbHeight: image.bitmap.height, thumbnail: thumb.toString('base64') },
    },
    work: { words: input.words, chars: text.length, pixels: pixelsDrawn, thumbnailPixels: image.bitmap.width * image.bitmap.height },
    carry: input.carry,
    peakMemoryMB: peakMemoryMB(),
  };
}
