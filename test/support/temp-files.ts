import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TraceFormatError } from '../../src/trace/trace-format-error';

/** `../shared/data` beside the repository: the real traces, absent on some machines. */
export const SHARED_DATA_DIR = path.resolve(__dirname, '..', '..', '..', 'shared', 'data');

/** A temporary directory made before the suite's tests and removed after them. */
export interface TempFiles {
  /** Writes `content` to a new file (named `name`, or numbered) and returns its path. */
  write(content: string | Buffer, name?: string): string;
  /** A path inside the directory, for files that must not exist. */
  pathOf(name: string): string;
}

/** Registers beforeAll/afterAll hooks for a temporary directory named after `prefix`. */
export function tempFiles(prefix: string, extension = '.csv'): TempFiles {
  let dir = '';
  let fileNo = 0;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), `aquatope-${prefix}-`));
  });
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return {
    write(content, name = `${prefix}${fileNo++}${extension}`) {
      const file = path.join(dir, name);
      fs.writeFileSync(file, content);
      return file;
    },
    pathOf: (name) => path.join(dir, name),
  };
}

/** The TraceFormatError a read rejects with (any other error is rethrown; success fails the test). */
export async function rejection(p: Promise<unknown>): Promise<TraceFormatError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof TraceFormatError) return e;
    throw e;
  }
  throw new Error('expected a TraceFormatError, but the read succeeded');
}
