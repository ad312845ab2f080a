/**
 * The SeBS benchmarks whose AWS Lambda measurements calibrate the modelled
 * workflows (names from the SeBS artifact's `analysis/performance/q1_perf/plot_time.py`).
 * Source: M. Copik, G. Kwaśniewski, M. Besta, M. Podstawski, T. Hoefler,
 * "SeBS: A Serverless Benchmark Suite for Function-as-a-Service Computing",
 * Middleware 2021 (artifact DOI 10.5281/zenodo.5209001; data collected August 2020).
 */

/** Benchmark ids, as the data folders are named. */
export type SebsBenchmark = '120' | '210_node' | '210_python' | '311' | '411' | '503';

/** What each benchmark does. */
export const SEBS_BENCHMARKS: Readonly<Record<SebsBenchmark, string>> = {
  '120': 'uploader: downloads a file from a URL and uploads it to object storage (Python; network-bound)',
  '210_node': 'thumbnailer, Node.js: downloads an image, resizes it (sharp), uploads the thumbnail',
  '210_python': 'thumbnailer, Python: downloads an image, resizes it (Pillow), uploads the thumbnail',
  '311': 'compression: downloads a directory, compresses it into an archive, uploads it (Python; CPU-bound)',
  '411': 'image-recognition: ResNet-50 inference on one image with PyTorch (multi-threaded)',
  '503': 'graph-bfs: breadth-first search on a generated graph with igraph (single-threaded)',
};

/** Every benchmark id, in the order above. */
export const SEBS_BENCHMARK_IDS: readonly SebsBenchmark[] = ['120', '210_node', '210_python', '311', '411', '503'];

