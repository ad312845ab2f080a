/**
 * `social-network/text-filter`: the text service of the compose-post path:
 * normalises the post's text (Unicode NFKC, whitespace collapsed), masks the
 * banned words (whole words, any case, with one regular expression), and
 * extracts the hashtags, mentions and links. The whole filter runs `passes`
 * times over the text (every pass from the original, so the answer does not
 * depend on `passes`; the work does).
 */
import { carryOf, intParam, objectParam, stringListParam, type StageParams } from '../../real/stage-params';
import { parsePost, type Post } from '../../real/social-post';
import { peakMemoryMB, type StageResultBase } from '../../real/stage-result';
import { BANNED_WORDS } from '../../real/word-list';
import { SOCIAL_NETWORK_DEFAULTS as D, SOCIAL_NETWORK_KEYS } from '../../real/workflow-inputs';

/** The validated params of text-filter. */
export interface TextFilterInput {
  readonly post: Post;
  /** Times the filter runs. */
  readonly passes: number;
  /** Words masked (lower case, distinct). */
  readonly banned: readonly string[];
  readonly carry: Readonly<Record<string, unknown>>;
}

/** What one filter run found. */
export interface FilteredText {
  /** The normalised text with every banned word masked by `*`s of its length. */
  readonly text: string;
  /** Banned words masked (occurrences). */
  readonly removed: number;
  /** The distinct banned words found, lower case, sorted. */
  readonly bannedFound: readonly string[];
  /** Distinct hashtags without `#`, lower case, in order of appearance. */
  readonly hashtags: readonly string[];
  /** Distinct mentioned user names without `@`, in order of appearance. */
  readonly mentions: readonly string[];
  /** Distinct links, in order of appearance. */
  readonly urls: readonly string[];
  /** Whitespace-separated tokens of the normalised text. */
  readonly tokens: number;
}

/** What text-filter answers. */
export interface TextFilterResult extends StageResultBase {
  /** The post with its text filtered and its tags extracted. */
  readonly post: Post & { readonly hashtags: readonly string[]; readonly mentions: readonly string[]; readonly urls: readonly string[] };
  readonly filter: { readonly removed: number; readonly bannedFound: readonly string[]; readonly tokens: number; readonly originalChars: number };
  /** `passes`, `chars` (passes x text length), `tokens` (passes x tokens), `matches` (passes x regex matches). */
  readonly work: { readonly passes: number; readonly chars: number; readonly tokens: number; readonly matches: number };
}

/**
 * Params: `post` (compose-post's post), `passes` (1 to 100,000, default 1,500),
 * `banned` (a list of words, default {@link BANNED_WORDS}).
 * @throws InvalidParamError naming the bad param and value
 */
export function parseTextFilterInput(params: StageParams): TextFilterInput {
  const post = parsePost(objectParam(params, 'post', "compose-post's post"), 'post');
  const banned = [...new Set(stringListParam(params, 'banned', BANNED_WORDS).map((w) => w.trim().toLowerCase()))];
  return { post, passes: intParam(params, 'passes', { default: D.passes, min: 1, max: 100_000 }), banned, carry: carryOf(params, SOCIAL_NETWORK_KEYS) };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A compiled filter for one banned-word list. */
export interface TextFilter {
  /** Runs the filter once over `text`. */
  run(text: string): FilteredText & { readonly matches: number };
}

/** The filter for `banned` (whole words, case-insensitive; `[]` bans nothing). */
export function compileTextFilter(banned: readonly string[]): TextFilter {
  const bannedPattern = banned.length === 0 ? null : new RegExp(`(?<![\\p{L}\\p{N}_])(?:${banned.map(escapeRegExp).join('|')})(?![\\p{L}\\p{N}_])`, 'giu');
  const hashtag = /#([\p{L}\p{N}_]+)/gu;
  const mention = /@([A-Za-z0-9_]+)/g;
  const url = /https?:\/\/[^\s]+?(?=[.,!?]?(?:\s|$))/g;
  return {
    run(text) {
      const normalised = text.normalize('NFKC').replace(/\s+/g, ' ').trim();
      let removed = 0;
      const found = new Set<string>();
      const masked = bannedPattern === null ? normalised : normalised.replace(bannedPattern, (word) => {
        removed++;
        found.add(word.toLowerCase());
        return '*'.repeat(word.length);
      });
      const hashtags = [...new Set(Array.from(masked.matchAll(hashtag), (m) => (m[1] ?? '').toLowerCase()))];
      const mentions = [...new Set(Array.from(masked.matchAll(mention), (m) => m[1] ?? ''))];
      const urls = [...new Set(Array.from(masked.matchAll(url), (m) => m[0]))];
      const tokens = masked === '' ? 0 : masked.split(' ').length;
      return { text: masked, removed, bannedFound: [...found].sort(), hashtags, mentions, urls, tokens, matches: removed + hashtags.length + mentions.length + urls.length };
    },
  };
}

/** Filters the post's text `passes` times. */
export async function filterText(input: TextFilterInput): Promise<TextFilterResult> {
  const filter = compileTextFilter(input.banned);
  let result = filter.run(input.post.text);
  let matches = result.matches;
  for (let pass = 1; pass < input.passes; pass++) {
    result = filter.run(input.post.text);
    matches += result.matches;
  }
  const { text, hashtags, mentions, urls } = result;
  return {
    post: { ...input.post, text, hashtags, mentions, urls },
    filter: { removed: result.removed, bannedFound: result.bannedFound, tokens: result.tokens, originalChars: input.post.text.length },
    work: { passes: input.passes, chars: input.passes * input.post.text.length, tokens: input.passes * result.tokens, matches },
    carry: input.carry,
    peakMemoryMB: peakMemoryMB(),
  };
}
