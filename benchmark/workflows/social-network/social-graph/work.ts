/**
 * `social-network/social-graph`: the follower lookup of the compose-post
 * path. Builds the seeded follower graph (`users` nodes, each with `degree`
 * followers drawn uniformly, in compressed sparse rows: it stands for loading
 * the graph service's shard), then a breadth-first search from the post's
 * author to `depth` levels: who sees the post (followers, their followers,
 * ...). Answers the new users reached at each level and the reached ids
 * (delta-varint encoded) for store-post's home timelines.
 */
import { encodeIds } from '../../real/id-list';
import { deriveSeed, seededRandom } from '../../real/seeded-random';
import { carryOf, intParam, InvalidParamError, isRecord, paramValue, preview, type StageParams } from '../../real/stage-params';
import { peakMemoryMB, type StageResultBase } from '../../real/stage-result';
import { SOCIAL_NETWORK_DEFAULTS as D, SOCIAL_NETWORK_KEYS } from '../../real/workflow-inputs';

/** Most edges of a graph (users x degree): 50,000,000, 200 MB of targets. */
export const MAX_EDGES = 50_000_000;

/** The validated params of social-graph. */
export interface SocialGraphInput {
  /** The BFS source. */
  readonly authorId: number;
  readonly users: number;
  readonly degree: number;
  readonly depth: number;
  /** Seed of the graph. */
  readonly seed: number;
  readonly carry: Readonly<Record<string, unknown>>;
}

/** A directed graph in compressed sparse rows: node u's out-neighbours (its followers) are `targets[offsets[u] .. offsets[u + 1])`. */
export interface FollowerGraph {
  /** `nodes + 1` offsets into `targets`, non-decreasing, from 0. */
  readonly offsets: Int32Array;
  readonly targets: Int32Array;
}

/** What a BFS found. */
export interface BfsResult {
  /** New nodes reached at each level 1..depth (the source is level 0 and not counted). */
  readonly levels: number[];
  /** Every node reached at levels 1..depth, in visiting order. */
  readonly reached: Int32Array;
  /** Nodes taken off the queue (the source and levels 1..depth - 1). */
  readonly visited: number;
  /** Edges looked at. */
  readonly edgesScanned: number;
}

/** What social-graph answers. */
export interface SocialGraphResult extends StageResultBase {
  readonly graph: {
    readonly authorId: number;
    readonly users: number;
    readonly degree: number;
    readonly depth: number;
    /** New followers reached at each level 1..depth. */
    readonly levels: readonly number[];
    /** All followers reached (the sum of `levels`). */
    readonly reached: number;
    /** Their ids, sorted, delta-varint base64 (see `real/id-list.ts`). */
    readonly followers: string;
  };
  /** `nodes`, `edges` built, `visited` nodes, `edgesScanned` by the BFS. */
  readonly work: { readonly nodes: number; readonly edges: number; readonly visited: number; readonly edgesScanned: number };
}

/**
 * Params: `post` (compose-post's post, for its `authorId`) or `authorId`,
 * `users` (2 to 5,000,000, default 1,000,000), `degree` (followers per
 * user, 1 to 100, default 10; users x degree at most {@link MAX_EDGES}),
 * `depth` (BFS levels, 1 to 10, default 5), `seed` (default 1). The author
 * must be one of the users.
 * @throws InvalidParamError naming the bad param and value
 */
export function parseSocialGraphInput(params: StageParams): SocialGraphInput {
  const users = intParam(params, 'users', { default: D.users, min: 2, max: 5_000_000 });
  const post = paramValue(params, 'post');
  const rawAuthor = params['authorId'] !== undefined ? params['authorId'] : isRecord(post) ? post['authorId'] : undefined;
  const where = params['authorId'] !== undefined ? 'authorId' : 'post.authorId';
  if (typeof rawAuthor !== 'number' || !Number.isInteger(rawAuthor) || rawAuthor < 0 || rawAuthor >= users) {
    throw new InvalidParamError(`${where}: expected a user id from 0 to ${users - 1} (users ${users}), found ${preview(rawAuthor)}`);
  }
  const degree = intParam(params, 'degree', { default: D.degree, min: 1, max: 100 });
  if (users * degree > MAX_EDGES) throw new InvalidParamError(`degree: users x degree must be at most ${MAX_EDGES} edges (a ${4 * MAX_EDGES / 1e6} MB graph), found ${users} x ${degree} = ${users * degree}`);
  return {
    authorId: rawAuthor,
    users,
    degree,
    depth: intParam(params, 'depth', { default: D.depth, min: 1, max: 10 }),
    seed: intParam(params, 'seed', { default: D.seed, min: 0, max: 4294967295 }),
    carry: carryOf(params, SOCIAL_NETWORK_KEYS),
  };
}

/** The seeded follower graph: each of `users` nodes gets `degree` followers drawn uniformly (other than itself). */
export function buildFollowerGraph(users: number, degree: number, seed: number): FollowerGraph {
  const rng = seededRandom(deriveSeed(seed, 'social-graph'));
  const offsets = new Int32Array(users + 1);
  const targets = new Int32Array(users * degree);
  for (let u = 0; u < users; u++) {
    offsets[u] = u * degree;
    for (let k = 0; k < degree; k++) {
      const v = rng.int(users - 1);
      targets[u * degree + k] = v >= u ? v + 1 : v;
    }
  }
  offsets[users] = users * degree;
  return { offsets, targets };
}

/** Breadth-first search from `source` to `depth` levels. */
export function bfsLevels(graph: FollowerGraph, source: number, depth: number): BfsResult {
  const nodes = graph.offsets.length - 1;
  const seen = new Uint8Array(nodes);
  seen[source] = 1;
  let frontier = [source];
  const reached: number[] = [];
  const levels: number[] = [];
  let visited = 0;
  let edgesScanned = 0;
  for (let level = 1; level <= depth; level++) {
    const next: number[] = [];
    for (const u of frontier) {
      visited++;
      for (let e = graph.offsets[u]; e < graph.offsets[u + 1]; e++) {
        edgesScanned++;
        const v = graph.targets[e];
        if (seen[v] === 0) {
          seen[v] = 1;
          next.push(v);
          reached.push(v);
        }
      }
    }
    levels.push(next.length);
    frontier = next;
  }
  return { levels, reached: Int32Array.from(reached), visited, edgesScanned };
}

/** Builds the graph and searches it. Work: users x degree edges built, then the BFS's nodes and edges. */
export async function lookupFollowers(input: SocialGraphInput): Promise<SocialGraphResult> {
  const graph = buildFollowerGraph(input.users, input.degree, input.seed);
  const bfs = bfsLevels(graph, input.authorId, input.depth);
  return {
    graph: {
      authorId: input.authorId,
      users: input.users,
      degree: input.degree,
      depth: input.depth,
      levels: bfs.levels,
      reached: bfs.reached.length,
      followers: encodeIds(bfs.reached),
    },
    work: { nodes: input.users, edges: graph.targets.length, visited: bfs.visited, edgesScanned: bfs.edgesScanned },
    carry: input.carry,
    peakMemoryMB: peakMemoryMB(),
  };
}
