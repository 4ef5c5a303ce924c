// info() and close(): what runs where, and ending the worker threads.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultBackend, threads } from './config';
import { native } from './backends/native';
import { closeWorkers } from './backends/workers';
import type { Info } from './types';

const version = (JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { version: string }).version;

export function info(): Info {
  const n = native();
  const choice = defaultBackend();
  const backend = choice === 'auto' ? (n.addon ? 'native' : threads() > 1 ? 'workers' : 'js') : choice;
  const nativeInfo: Info['native'] = n.addon
    ? { loaded: true, isa: n.addon.info().isa, openmp: n.addon.info().openmp, build: n.build }
    : { loaded: false, error: n.error };
  return { version, backend, native: nativeInfo, threads: threads() };
}

/** Ends the worker threads. The process never needs it to exit; later calls start new ones. */
export async function close(): Promise<void> {
  await closeWorkers();
}
