// What kind of screen the page is on, kept current as it changes.
import { useEffect, useState } from 'react';

function useMediaQuery(query: string): boolean {
  const [matches, setMatches] = useState(() => window.matchMedia(query).matches);
  useEffect(() => {
    const list = window.matchMedia(query);
    const onChange = () => setMatches(list.matches);
    onChange();
    list.addEventListener('change', onChange);
    return () => list.removeEventListener('change', onChange);
  }, [query]);
  return matches;
}

/** A phone or tablet: a coarse pointer, or a touch screen. */
export function useTouchDevice(): boolean {
  const coarse = useMediaQuery('(pointer: coarse)');
  return coarse || navigator.maxTouchPoints > 0;
}

/** A narrow or touch screen: likely the phone that runs the authenticator app. */
export function usePhoneFirst(): boolean {
  const narrow = useMediaQuery('(max-width: 40rem)');
  return useTouchDevice() || narrow;
}
