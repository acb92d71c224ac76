// The server's published rules (GET /v1/policy), for pages that state them
// before anyone is signed in. Null while loading or when it could not be read.
import { useEffect, useState } from 'react';
import { getPolicy, type PolicyView } from './client.ts';

export function usePolicy(): PolicyView | null {
  const [policy, setPolicy] = useState<PolicyView | null>(null);
  useEffect(() => {
    let live = true;
    getPolicy()
      .then((p) => {
        if (live) setPolicy(p);
      })
      .catch(() => {});
    return () => {
      live = false;
    };
  }, []);
  return policy;
}
