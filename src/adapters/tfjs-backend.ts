import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

/** Where the tfjs wasm binaries are: beside a bundled action, else in the installed package. */
function wasmDirectory(): string {
  if (existsSync(join(__dirname, 'tfjs-backend-wasm.wasm'))) return __dirname;
  return join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
}

let ready: Promise<void> | undefined;

/**
 * Selects TensorFlow.js's wasm backend (tfjs-node cannot install here) once per
 * process; later calls wait for the first.
 * @throws Error when the wasm backend cannot start.
 */
export function initTensorflow(): Promise<void> {
  if (ready === undefined) {
    ready = (async () => {
      setWasmPaths(`${wasmDirectory()}/`);
      const ok = await tf.setBackend('wasm');
      if (!ok) throw new Error(`TensorFlow.js could not start the wasm backend from ${wasmDirectory()}`);
      await tf.ready();
    })();
  }
  return ready;
}
