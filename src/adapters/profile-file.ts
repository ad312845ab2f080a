import { readFile } from 'node:fs/promises';
import { parseProfile, type Profile } from '../workflow/profile';

/**
 * Reads and validates a profile file (`--profile FILE`, UTF-8 JSON; see
 * `src/workflow/profile.ts` for the form). The only I/O of profiles.
 *
 * @throws ProfileError whose message starts with `path: ` when the content is invalid;
 *   Node's error when the file cannot be read
 */
export async function readProfileFile(path: string): Promise<Profile> {
  const text = await readFile(path, 'utf8');
  // A UTF-8 byte-order mark (some editors write one) is not JSON.
  return parseProfile(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, path);
}
