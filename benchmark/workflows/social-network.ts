import type { ModelledWorkflowSpec } from './modelled-workflow';

/**
 * A social-network request path (the compose-post path of DeathStarBench's
 * social network, which the AQUATOPE paper ports to serverless): compose a
 * post, filter its text and look up the author's followers in parallel, store it.
 *
 * ```
 * compose-post -> text-filter | social-graph -> store-post
 * ```
 */
export const SOCIAL_NETWORK: ModelledWorkflowSpec = {
  name: 'social-network',
  description: 'compose a post with an image, text filter and follower lookup in parallel, store the post',
  stages: [
    {
      name: 'compose-post',
      after: [],
      benchmark: '210_node',
      workScale: 1,
      why: '210 thumbnailer (Node.js, the front end\'s runtime): take the post and resize its attached image',
    },
    {
      name: 'text-filter',
      after: ['compose-post'],
      benchmark: '503',
      workScale: 0.5,
      why: '503 graph-bfs at half its work: a short single-threaded CPU-bound Python step with a small working set, the shape of a text filter (SeBS has no text benchmark)',
    },
    {
      name: 'social-graph',
      after: ['compose-post'],
      benchmark: '503',
      workScale: 1,
      why: '503 graph-bfs: a breadth-first search over the follower graph, which is what this stage does',
    },
    {
      name: 'store-post',
      after: ['text-filter', 'social-graph'],
      benchmark: '120',
      workScale: 1,
      why: '120 uploader: writes the post and its media to object storage',
    },
  ],
};
