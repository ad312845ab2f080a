import { main as compose } from '../../../../benchmark/workflows/social-network/compose-post/index';
import { main } from '../../../../benchmark/workflows/social-network/text-filter/index';
import { compileTextFilter } from '../../../../benchmark/workflows/social-network/text-filter/work';
import { BANNED_WORDS } from '../../../../benchmark/workflows/real/word-list';
import { failure, ok } from '../real/stage-helpers';

const post = {
  id: '00000000000000aa',
  authorId: 3,
  createdAt: '2026-01-01T00:00:00.000Z',
  text: 'What a  SCAM,\tthis #BigSale is! Ask @user42 and @user7 about https://example.org/deal/1. Spam spammer #bigsale #Winter_2026 fake?',
  media: { width: 2, height: 2, sha256: 'ab', thumbWidth: 1, thumbHeight: 1, thumbnail: 'iVBORw0KGgo=' },
};

describe('social-network/text-filter', () => {
  it('answers a warm-up at once', async () => {
    expect(await main({ __aquatope_warmup: true })).toEqual({ warmed: true });
  });

  it('masks banned words (whole words, any case), collapses whitespace and extracts hashtags, mentions and links', async () => {
    const r = await ok(main({ post, passes: 1 }));
    expect(r.post.text).toBe('What a ****, this #BigSale is! Ask @user42 and @user7 about https://example.org/deal/1. **** spammer #bigsale #Winter_2026 ****?');
    expect(r.filter).toMatchObject({ removed: 3, bannedFound: ['fake', 'scam', 'spam'] });
    expect(r.post.hashtags).toEqual(['bigsale', 'winter_2026']);
    expect(r.post.mentions).toEqual(['user42', 'user7']);
    expect(r.post.urls).toEqual(['https://example.org/deal/1']);
    expect(r.post).toMatchObject({ id: post.id, authorId: 3, media: post.media });
  });

  it("removes every banned word from compose-post's text", async () => {
    const composed = await ok(compose({ seed: 5, words: 300, imageWidth: 16, imageHeight: 16, thumbSize: 8, users: 100 }));
    const r = await ok(main({ ...composed, passes: 2 }));
    expect(r.filter.removed).toBeGreaterThan(0);
    for (const word of BANNED_WORDS) expect(r.post.text.toLowerCase()).not.toMatch(new RegExp(`\\b${word}\\b`));
    expect(r.post.text).toHaveLength(composed.post.text.length);
  });

  it('takes its own banned list', async () => {
    const r = await ok(main({ post, passes: 1, banned: ['Sale', 'winter_2026'] }));
    expect(r.post.text).toContain('SCAM');
    expect(r.post.text).toContain('#BigSale');
    expect(r.post.text).toContain('#*********** fake?');
    expect(r.filter.bannedFound).toEqual(['winter_2026']);
    expect(compileTextFilter([]).run('a  b').text).toBe('a b');
  });

  it('does the same filter `passes` times: the answer does not change, the work grows', async () => {
    const rows = [];
    for (const passes of [1, 10, 100]) {
      const r = await ok(main({ post, passes }));
      rows.push([passes, r.post.text, r.work.chars, r.work.tokens]);
    }
    const { text } = (await ok(main({ post, passes: 1 }))).post;
    const tokens = text.split(' ').length;
    expect(rows).toEqual([1, 10, 100].map((p) => [p, text, p * post.text.length, p * tokens]));
  });

  it.each([
    ['post', {}, 'nothing'],
    ['post.text', { post: { ...post, text: 7 } }, '7'],
    ['post.media', { post: { ...post, media: null } }, 'null'],
    ['passes', { post, passes: 0 }, '0'],
    ['banned[1]', { post, banned: ['ok', ''] }, '""'],
  ])('names the bad param %s', async (name, params, shown) => {
    const error = await failure(main(params));
    expect(error.code).toBe('invalid-param');
    expect(error.message).toContain(`${name}:`);
    expect(error.message).toContain(`found ${shown}`);
  });
});
