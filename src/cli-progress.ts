/**
 * Progress of long local work (clone, index, model calls, tests) on a terminal: one line
 * on stderr, rewritten in place with the step and the time so far. When stderr is not a
 * terminal, or in CI, it says nothing: logs and scripts get only the result.
 */
export interface Progress {
  step(line: string): void;
  done(): void;
}

export function createProgress(write: (text: string) => void, interactive: boolean): Progress {
  if (!interactive) return { step: () => {}, done: () => {} };
  const started = Date.now();
  let current = "";
  let timer: NodeJS.Timeout | undefined;
  const draw = () => {
    const seconds = Math.round((Date.now() - started) / 1000);
    write(`\r\x1b[K⏳ ${current} (${seconds} s)`);
  };
  return {
    step(line) {
      current = line.replace(/^patchsmith:\s*/, "");
      draw();
      timer ??= setInterval(draw, 1000);
      timer.unref();
    },
    done() {
      if (timer) clearInterval(timer);
      if (current) write("\r\x1b[K");
    },
  };
}
