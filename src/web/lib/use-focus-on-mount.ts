import { useEffect, useRef } from 'react';

/** Moves focus to the returned element when a step appears inside a screen
 * (the screen's own <h1> takes focus when the screen itself changes). */
export function useFocusOnMount<T extends HTMLElement>() {
  const ref = useRef<T>(null);
  useEffect(() => {
    ref.current?.focus();
  }, []);
  return ref;
}
