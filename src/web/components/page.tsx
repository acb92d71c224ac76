import { type ReactNode, useEffect, useRef } from 'react';

/** A screen with its heading; the heading takes focus when the screen opens,
 * so screen-reader and keyboard users start at the top of the new content. */
export function Page({ title, children, wide }: { title: string; children: ReactNode; wide?: boolean }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} · Latchkey`;
    heading.current?.focus();
  }, [title]);
  return (
    <main id="main" className={wide ? 'page page-wide' : 'page'}>
      <h1 ref={heading} tabIndex={-1}>
        {title}
      </h1>
      {children}
    </main>
  );
}
