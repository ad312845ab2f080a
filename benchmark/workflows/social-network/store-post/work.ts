/**
 * `social-network/store-post`: the post-storage and home-timeline writes of
 * the compose-post path. Serialises the filtered post with the follower
 * lookup's summary as one document, and fans out on write: one timeline entry
 * (user, post, author, time, hashtags) per follower the lookup reached. The
 * batch (document and entries, JSON lines) is deflated with zlib at `level`,
 * and its sha256 is the storage key.
 */
import { deflateSync } from 'node:zlib';
import { decodeIds } from '../../real/id-list';
import { carryOf, intParam, InvalidParamError, isRecord, objectParam, preview, type StageParams } from '../../real/stage-params';
import { parsePost, type Post } from '../../real/social-post';
import { peakMemoryMB, sha256Hex, type StageResultBase } from '../../real/stage-result';
import { SOCIAL_NETWORK_DEFAULTS as D, SOCIAL_NETWORK_KEYS } from '../../real/workflow-inputs';

/** The validated params of store-post. */
export interface StorePostInput {
  /** The filtered post (text-filter's). */
  readonly post: Post;
  readonly hashtags: readonly string[];
  readonly mentions: readonly string[];
  /** Banned words text-filter masked. */
  readonly removed: number;
  /** Followers reached per level (social-graph's). */
  readonly levels: readonly number[];
  /** The reached followers' ids, sorted. */
  readonly followers: readonly number[];
  /** zlib level, 0 to 9. */
  readonly level: number;
  readonly carry: Readonly<Record<string, unknown>>;
}

/** What store-post answers. */
export interface StorePostResult extends StageResultBase {
  readonly postId: string;
  /** Timeline entries written (one per follower reached). */
  readonly timelineEntries: number;
  /** Size of the batch's JSON lines, bytes. */
  readonly bytes: number;
  /** Size of the deflated batch, bytes. */
  readonly compressedBytes: number;
  /** Hex sha256 of the deflated batch. */
  readonly sha256: string;
  /** `entries` written, `bytes` serialised and deflated. */
  readonly work: { readonly entries: number; readonly bytes: number };
}

function stringList(value: unknown, where: string): string[] {
  if (!Array.isArray(value) || !value.every((v: unknown) => typeof v === 'string')) throw new InvalidParamError(`${where}: expected a list of strings, found ${preview(value)}`);
  return value.map(String);
}

/**
 * Params: `branches` (the results of text-filter and social-graph by stage
 * name, as the composition's fan-out collects them), `level` (zlib level 0
 * to 9, default 6).
 * @throws InvalidParamError naming the bad param and value
 */
export function parseStorePostInput(params: StageParams): StorePostInput {
  const branches = objectParam(params, 'branches', "the results of text-filter and social-graph by stage name");
  const filter = branches['text-filter'];
  const graphResult = branches['social-graph'];
  if (!isRecord(filter)) throw new InvalidParamError(`branches.text-filter: expected text-filter's result, found ${preview(filter)}`);
  if (!isRecord(graphResult) || !isRecord(graphResult['graph'])) throw new InvalidParamError(`branches.social-graph: expected social-graph's result { graph }, found ${preview(graphResult)}`);
  const graph = graphResult['graph'];
  const levels = graph['levels'];
  if (!Array.isArray(levels) || !levels.every((n: unknown) => typeof n === 'number' && Number.isInteger(n) && n >= 0)) {
    throw new InvalidParamError(`branches.social-graph.graph.levels: expected counts per level, found ${preview(levels)}`);
  }
  const summary = isRecord(filter['filter']) ? filter['filter'] : {};
  const removed = summary['removed'];
  return {
    post: parsePost(filter['post'], 'branches.text-filter.post'),
    hashtags: stringList(isRecord(filter['post']) ? filter['post']['hashtags'] : undefined, 'branches.text-filter.post.hashtags'),
    mentions: stringList(isRecord(filter['post']) ? filter['post']['mentions'] : undefined, 'branches.text-filter.post.mentions'),
    removed: typeof removed === 'number' ? removed : 0,
    levels: levels.map(Number),
    followers: decodeIds(graph['followers'], 'branches.social-graph.graph.followers'),
    level: intParam(params, 'level', { default: D.level, min: 0, max: 9 }),
    carry: carryOf(params, SOCIAL_NETWORK_KEYS),
  };
}

/** Serialises, fans out and deflates. Work: one entry per follower, and the batch's bytes. */
export async function storePost(input: StorePostInput): Promise<StorePostResult> {
  const { post } = input;
  const document = JSON.stringify({
    kind: 'post',
    post,
    hashtags: input.hashtags,
    mentions: input.mentions,
    moderation: { removed: input.removed },
    audience: { levels: input.levels, reached: input.followers.length },
  });
  const lines: string[] = [document];
  const tags = JSON.stringify(input.hashtags.slice(0, 8));
  for (const user of input.followers) {
    lines.push(`{"kind":"timeline","user":${user},"post":"${post.id}","author":${post.authorId},"at":"${post.createdAt}","tags":${tags}}`);
  }
  const batch = Buffer.from(`${lines.join('\n')}\n`, 'utf8');
  const compressed = deflateSync(batch, { level: input.level });
  return {
    postId: post.id,
    timelineEntries: input.followers.length,
    bytes: batch.length,
    compressedBytes: compressed.length,
    sha256: sha256Hex(compressed),
    work: { entries: input.followers.length, bytes: batch.length },
    carry: input.carry,
    peakMemoryMB: peakMemoryMB(),
  };
}
