import { main } from '../../../../benchmark/workflows/social-network/compose-post/index';
import { decodeImage } from '../../../../benchmark/workflows/real/image-codec';
import { failure, ok, strictlyIncreasing } from '../real/stage-helpers';

const SMALL = { seed: 8, words: 60, imageWidth: 120, imageHeight: 80, thumbSize: 32, users: 1000 };

describe('social-network/compose-post', () => {
  it('answers a warm-up at once', async () => {
    expect(await main({ __aquatope_warmup: true })).toEqual({ warmed: true });
  });

  it('composes `words` words by an author among the users, with a PNG thumbnail fitted into the thumbnail box', async () => {
    const r = await ok(main(SMALL));
    const { post } = r;
    expect(post.text.split(' ')).toHaveLength(60);
    expect(post.authorId).toBeGreaterThanOrEqual(0);
    expect(post.authorId).toBeLessThan(1000);
    expect(post.id).toMatch(/^[0-9a-f]{16}$/);
    expect(Number.isNaN(Date.parse(post.createdAt))).toBe(false);
    expect(post.media).toMatchObject({ width: 120, height: 80, thumbWidth: 32, thumbHeight: 21 });
    const thumb = await decodeImage(Buffer.from(post.media.thumbnail, 'base64'));
    expect([thumb.bitmap.width, thumb.bitmap.height]).toEqual([32, 21]);
    expect(r.work).toMatchObject({ words: 60, chars: post.text.length, thumbnailPixels: 32 * 21 });
    expect(r.carry).toEqual(SMALL);
    expect(r.peakMemoryMB).toBeGreaterThan(0);
  });

  it('writes hashtags, mentions, links and some banned words into the text', async () => {
    const { text } = (await ok(main({ ...SMALL, words: 400 }))).post;
    expect(text).toMatch(/#\w+/);
    expect(text).toMatch(/@user\d+/);
    expect(text).toMatch(/https:\/\/example\.org\//);
    expect(text).toMatch(/\b(spam|scam|fraud|clickbait|troll|idiot|stupid|hate|fake|darn)\b/i);
  });

  it('is deterministic for a seed', async () => {
    const a = await ok(main(SMALL));
    const b = await ok(main(SMALL));
    const c = await ok(main({ ...SMALL, seed: 9 }));
    expect(b.post).toEqual(a.post);
    expect(c.post.text).not.toBe(a.post.text);
    expect(c.post.media.sha256).not.toBe(a.post.media.sha256);
  });

  it('does more work for more words and a larger image', async () => {
    const chars = [];
    for (const words of [10, 100, 1000]) chars.push((await ok(main({ ...SMALL, words }))).work.chars);
    expect(strictlyIncreasing(chars)).toBe(true);
    const pixels = [];
    for (const side of [32, 64, 128]) pixels.push((await ok(main({ ...SMALL, imageWidth: side, imageHeight: side }))).work.pixels);
    expect(strictlyIncreasing(pixels)).toBe(true);
  });

  it.each([
    ['words', { words: 0 }, '0'],
    ['imageWidth', { imageWidth: 5000 }, '5000'],
    ['thumbSize', { thumbSize: 'tiny' }, '"tiny"'],
    ['users', { users: 1 }, '1'],
  ])('names the bad param %s', async (name, params, shown) => {
    const error = await failure(main(params));
    expect(error.code).toBe('invalid-param');
    expect(error.message).toContain(`${name}:`);
    expect(error.message).toContain(`found ${shown}`);
  });
});
