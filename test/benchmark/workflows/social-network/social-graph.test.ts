import { decodeIds, encodeIds } from '../../../../benchmark/workflows/real/id-list';
import { main } from '../../../../benchmark/workflows/social-network/social-graph/index';
import { bfsLevels, buildFollowerGraph, type FollowerGraph } from '../../../../benchmark/workflows/social-network/social-graph/work';
import { failure, ok, strictlyIncreasing } from '../real/stage-helpers';

/** A graph from adjacency lists (node -> its followers). */
function graphOf(adjacency: readonly (readonly number[])[]): FollowerGraph {
  const offsets = new Int32Array(adjacency.length + 1);
  adjacency.forEach((list, u) => {
    offsets[u + 1] = offsets[u] + list.length;
  });
  return { offsets, targets: Int32Array.from(adjacency.flat()) };
}

describe('social-network/social-graph', () => {
  it('answers a warm-up at once', async () => {
    expect(await main({ __aquatope_warmup: true })).toEqual({ warmed: true });
  });

  it('counts new followers per level on a hand-built graph, each user once, stopping at depth', () => {
    //   0 -> 1, 2      1 -> 3, 0      2 -> 3, 4      3 -> 5      4 -> 2      5 -> 6      6 -> (none)
    const g = graphOf([[1, 2], [3, 0], [3, 4], [5], [2], [6], []]);
    expect(bfsLevels(g, 0, 1).levels).toEqual([2]);
    const three = bfsLevels(g, 0, 3);
    expect(three.levels).toEqual([2, 2, 1]);
    expect(Array.from(three.reached)).toEqual([1, 2, 3, 4, 5]);
    // Visited: 0 (level 0), 1 and 2 (level 1), 3 and 4 (level 2); edges scanned: 2 + 2 + 2 + 1 + 1.
    expect([three.visited, three.edgesScanned]).toEqual([5, 8]);
    expect(bfsLevels(g, 0, 6).levels).toEqual([2, 2, 1, 1, 0, 0]);
    expect(bfsLevels(g, 6, 2).levels).toEqual([0, 0]);
  });

  it('builds users x degree edges, none a self-follow, the same for a seed', () => {
    const g = buildFollowerGraph(50, 4, 1);
    expect(g.targets).toHaveLength(200);
    for (let u = 0; u < 50; u++) for (let e = g.offsets[u]; e < g.offsets[u + 1]; e++) expect(g.targets[e]).not.toBe(u);
    expect(Array.from(buildFollowerGraph(50, 4, 1).targets)).toEqual(Array.from(g.targets));
    expect(Array.from(buildFollowerGraph(50, 4, 2).targets)).not.toEqual(Array.from(g.targets));
  });

  it("searches from the post's author and answers the reached followers, encoded, matching the BFS", async () => {
    const r = await ok(main({ post: { authorId: 17 }, users: 2000, degree: 3, depth: 3, seed: 4 }));
    const bfs = bfsLevels(buildFollowerGraph(2000, 3, 4), 17, 3);
    expect(r.graph).toMatchObject({ authorId: 17, users: 2000, degree: 3, depth: 3, levels: bfs.levels, reached: bfs.reached.length });
    expect(r.graph.levels.reduce((a, b) => a + b, 0)).toBe(r.graph.reached);
    expect(r.graph.levels[0]).toBe(3);
    expect(decodeIds(r.graph.followers, 'f')).toEqual(Array.from(bfs.reached).sort((a, b) => a - b));
    expect(r.work).toEqual({ nodes: 2000, edges: 6000, visited: bfs.visited, edgesScanned: bfs.edgesScanned });
  });

  it('round-trips id lists through the varint encoding', () => {
    const ids = [5, 0, 300, 299, 1_000_000, 4_999_999];
    expect(decodeIds(encodeIds(ids), 'ids')).toEqual([0, 5, 299, 300, 1_000_000, 4_999_999]);
    expect(decodeIds(encodeIds([]), 'ids')).toEqual([]);
  });

  it('builds and searches more for more users, a higher degree and a deeper search', async () => {
    const run = async (params: Record<string, number>): Promise<{ edges: number; edgesScanned: number }> => (await ok(main({ authorId: 0, degree: 4, depth: 3, ...params }))).work;
    const edges = [];
    for (const users of [1000, 10_000, 100_000]) edges.push((await run({ users })).edges);
    expect(edges).toEqual([4000, 40_000, 400_000]);
    expect((await run({ users: 1000, degree: 8 })).edges).toBe(8000);
    const scanned = [];
    for (const depth of [1, 2, 3, 4]) scanned.push((await run({ users: 50_000, depth })).edgesScanned);
    expect(strictlyIncreasing(scanned)).toBe(true);
    expect(scanned[0]).toBe(4);
  });

  it.each([
    ['post.authorId', {}, 'nothing'],
    ['post.authorId', { post: { authorId: 10 }, users: 10 }, '10'],
    ['authorId', { authorId: -1 }, '-1'],
    ['degree', { authorId: 0, degree: 0 }, '0'],
    ['depth', { authorId: 0, depth: 11 }, '11'],
    ['degree', { authorId: 0, users: 5_000_000, degree: 20 }, '5000000 x 20'],
  ])('names the bad param %s', async (name, params, shown) => {
    const error = await failure(main(params));
    expect(error.code).toBe('invalid-param');
    expect(error.message).toContain(`${name}:`);
    expect(error.message).toContain(`found ${shown}`);
  });
});
