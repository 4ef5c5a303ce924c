// A progress bar on stderr, only when stderr is a terminal: piped or redirected output and
// --json runs stay free of control characters.
import { SingleBar } from 'cli-progress';
import type { ProgressSink } from './runner';

export interface Progress extends ProgressSink {
  stop(): void;
}

export function progressBar(total: number, stream: NodeJS.WriteStream = process.stderr): Progress | undefined {
  if (!stream.isTTY || total === 0) return undefined;
  const bar = new SingleBar({
    stream,
    format: ' {bar} {value}/{total} cases | {duration_formatted} | {label}',
    barsize: 24,
    hideCursor: true,
    clearOnComplete: true,
    etaBuffer: 1000,
  });
  bar.start(total, 0, { label: '' });
  return {
    next: (index, label) => bar.update(index, { label }),
    stop: () => {
      bar.update(total, { label: 'done' });
      bar.stop();
    },
  };
}
