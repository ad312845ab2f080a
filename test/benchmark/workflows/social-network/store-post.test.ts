import { encodeIds } from '../../../../benchmark/workflows/real/id-list';
import { main } from '../../../../benchmark/workflows/social-network/store-post/index';
import { failure, ok } from '../real/stage-helpers';

const post = {
  id: '00000000000000aa',
  authorId: 3,
  createdAt: '2026-01-01T00:00:00.000Z',
  text: 'a **** post #tag',
  media: { width: 2, height: 2, sha256: 'ab', thumbWidth: 1, thumbHeight: 1, thumbnail: 'iVBORw0KGgo=' },
  hashtags: ['tag'],
  mentions: [],
  urls: [],
};

function branches(followers: readonly number[]): Record<string, unknown> {
  return {
    'text-filter': { post, filter: { removed: 1, bannedFound: ['spam'] } },
    'social-graph': { graph: { authorId: 3, levels: [followers.length], reached: followers.length, followers: encodeIds(followers) } },
  };
}

describe('social-network/store-post', () => {
  it('answers a warm-up at once', async () => {
    expect(await main({ __aquatope_warmup: true })).toEqual({ warmed: true });
  });

  it('writes the post document and one timeline entry per follower reached, deflated, with the sha256 of the batch', async () => {
    const r = await ok(main({ branches: branches([9, 4, 7]), level: 6 }));
    expect(r).toMatchObject({ postId: post.id, timelineEntries: 3, work: { entries: 3, bytes: r.bytes } });
    expect(r.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(r.compressedBytes).toBeGreaterThan(0);
    expect(r.peakMemoryMB).toBeGreaterThan(0);
  });

  it('is deterministic; a different post or audience gives a different sha256', async () => {
    const a = await ok(main({ branches: branches([1, 2, 3]) }));
    expect((await ok(main({ branches: branches([1, 2, 3]) }))).sha256).toBe(a.sha256);
    expect((await ok(main({ branches: branches([1, 2, 4]) }))).sha256).not.toBe(a.sha256);
  });

  it('serialises more bytes for more followers, and compresses better at a higher level', async () => {
    const rows = [];
    for (const n of [10, 100, 1000]) rows.push((await ok(main({ branches: branches(Array.from({ length: n }, (_, i) => i * 3)) }))).work);
    expect(rows.map((w) => w.entries)).toEqual([10, 100, 1000]);
    expect(rows[1].bytes).toBeGreaterThan(rows[0].bytes);
    expect(rows[2].bytes).toBeGreaterThan(rows[1].bytes);
    const many = branches(Array.from({ length: 2000 }, (_, i) => i * 7));
    const stored = await ok(main({ branches: many, level: 0 }));
    const best = await ok(main({ branches: many, level: 9 }));
    expect(best.compressedBytes).toBeLessThan(stored.compressedBytes);
    expect(stored.compressedBytes).toBeGreaterThan(stored.bytes);
  });

  it.each([
    ['branches', {}, 'nothing'],
    ['branches.text-filter', { branches: { 'social-graph': {} } }, 'nothing'],
    ['branches.social-graph', { branches: { 'text-filter': {} } }, 'nothing'],
    ['branches.social-graph.graph.followers', { branches: { ...branches([]), 'social-graph': { graph: { levels: [1], followers: '@@' } } } }, '"@@"'],
    ['level', { branches: branches([1]), level: 10 }, '10'],
  ])('names the bad param %s', async (name, params, shown) => {
    const error = await failure(main(params));
    expect(error.code).toBe('invalid-param');
    expect(error.message).toContain(`${name}:`);
    expect(error.message).toContain(`found ${shown}`);
  });
});
