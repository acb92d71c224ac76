// Busy and error state of a call the user started (submit, load, download),
// written once: a second run while one is under way is ignored, the last error
// is kept for <ErrorAlert>, and a new run clears it.
import { useCallback, useRef, useState } from 'react';

export interface Action<Tag extends string> {
  /** The tag of the run under way (to label the right button), or null. */
  running: Tag | null;
  busy: boolean;
  error: unknown;
  setError: (error: unknown) => void;
  /** Runs `task`; resolves true when it succeeded, false when it threw (the error is kept) or another run was busy. */
  run: (task: () => Promise<unknown>, tag?: Tag) => Promise<boolean>;
}

export function useAction<Tag extends string = 'busy'>(): Action<Tag> {
  const [running, setRunning] = useState<Tag | null>(null);
  const [error, setError] = useState<unknown>(null);
  const under = useRef(false);

  const run = useCallback(async (task: () => Promise<unknown>, tag?: Tag) => {
    if (under.current) return false;
    under.current = true;
    setRunning(tag ?? ('busy' as Tag));
    setError(null);
    try {
      await task();
      return true;
    } catch (err) {
      setError(err);
      return false;
    } finally {
      under.current = false;
      setRunning(null);
    }
  }, []);

  return { running, busy: running !== null, error, setError, run };
}
