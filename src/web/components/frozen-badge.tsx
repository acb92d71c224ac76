import { formatDateTime } from '../lib/format.ts';

/** The owner froze the account ("this wasn't me"): approving one of its tickets ends that freeze. */
export function FrozenByOwnerBadge({ at }: { at: string | null }) {
  if (!at) return null;
  return (
    <span className="badge badge-frozen" data-testid="frozen-by-owner">
      Frozen by owner on <time dateTime={at}>{formatDateTime(at)}</time>
    </span>
  );
}
