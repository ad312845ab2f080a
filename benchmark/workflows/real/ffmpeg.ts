/**
 * ffmpeg as a child process of a video-pipeline action: spawned with an
 * argument array (no shell), its files in a per-activation folder made with
 * `mkdtemp` under `os.tmpdir()` and removed afterwards. The executable is
 * `$FFMPEG_PATH` when set (read when a stage runs, not at import), else
 * `ffmpeg` on `PATH`; a missing one is a `ffmpeg-missing` failure, a failed
 * run a `ffmpeg-failed` one with the tail of its stderr. Every run is
 * single-threaded (`-threads 1` for decoder, filters and encoder), so a
 * stage's speed follows its CPU limit predictably.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StageFailure } from './stage-params';

/** Most characters of ffmpeg's stderr quoted in an error. */
export const STDERR_TAIL_CHARS = 800;

/** ffmpeg could not be started or ended with an error. */
export class FfmpegError extends StageFailure {
  override readonly name: string = 'FfmpegError';
}

/** What a finished ffmpeg run wrote. */
export interface FfmpegOutput {
  readonly stdout: string;
  readonly stderr: string;
}

/** The ffmpeg executable: `env.FFMPEG_PATH` when set and not empty, else `ffmpeg` (looked up on `PATH`). */
export function ffmpegExecutable(env: Readonly<Record<string, string | undefined>> = process.env): string {
  const path = env['FFMPEG_PATH'];
  return path !== undefined && path !== '' ? path : 'ffmpeg';
}

function tail(text: string): string {
  const trimmed = text.trim();
  return trimmed.length > STDERR_TAIL_CHARS ? `...${trimmed.slice(-STDERR_TAIL_CHARS)}` : trimmed;
}

/**
 * Runs ffmpeg with `args` (after `-hide_banner -nostdin`) in `cwd`.
 * @param what what the run does, for error messages (`render the clip`)
 * @throws FfmpegError `ffmpeg-missing` when the executable is not found, `ffmpeg-failed` on a non-zero exit or a signal
 */
export function runFfmpeg(args: readonly string[], cwd: string, what: string): Promise<FfmpegOutput> {
  const executable = ffmpegExecutable();
  return new Promise((resolve, reject) => {
    const child = spawn(executable, ['-hide_banner', '-nostdin', ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.once('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') {
        reject(new FfmpegError('ffmpeg-missing', `ffmpeg not found (${JSON.stringify(executable)}${executable === 'ffmpeg' ? ' on PATH' : ', from FFMPEG_PATH'}): the video-pipeline stages need ffmpeg with libx264 in the action's container (set FFMPEG_PATH to its path)`));
      } else reject(new FfmpegError('ffmpeg-failed', `${what}: starting ${executable} failed: ${e.message}`));
    });
    child.once('close', (code, signal) => {
      const stdout = Buffer.concat(out).toString('utf8');
      const stderr = Buffer.concat(err).toString('utf8');
      if (code === 0) resolve({ stdout, stderr });
      else reject(new FfmpegError('ffmpeg-failed', `${what}: ffmpeg ${signal === null ? `exited with code ${code ?? 'unknown'}` : `was killed by ${signal}`}: ${tail(stderr) || '(no stderr)'}`));
    });
  });
}

/** Runs `fn` with a fresh folder under the OS temp directory, removed afterwards whatever happens. */
export async function withTempDir<T>(prefix: string, fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), `${prefix}-`));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The last values of `-progress pipe:1` output. */
export interface FfmpegProgress {
  /** Frames written (`frame=`). */
  readonly frames: number;
  /** Output time reached, microseconds (`out_time_us=`). */
  readonly outTimeUs: number;
}

/**
 * The final `frame` and `out_time_us` of ffmpeg's `-progress` key=value output.
 * @throws FfmpegError `ffmpeg-failed` when the output has no `progress=end` block
 */
export function parseProgress(stdout: string, what: string): FfmpegProgress {
  let frames = Number.NaN;
  let outTimeUs = Number.NaN;
  let ended = false;
  for (const line of stdout.split('\n')) {
    const eq = line.indexOf('=');
    if (eq < 0) continue;
    const key = line.slice(0, eq).trim();
    const value = line.slice(eq + 1).trim();
    if (key === 'frame') frames = Number(value);
    else if (key === 'out_time_us') outTimeUs = Number(value);
    else if (key === 'progress' && value === 'end') ended = true;
  }
  if (!ended || !Number.isFinite(frames)) throw new FfmpegError('ffmpeg-failed', `${what}: ffmpeg's progress output has no final frame count (${JSON.stringify(stdout.slice(-200))})`);
  return { frames, outTimeUs: Number.isFinite(outTimeUs) ? outTimeUs : 0 };
}
