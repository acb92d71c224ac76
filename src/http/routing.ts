// What the router knows, for the answers it gives itself: the methods a path
// has (405 with `Allow` for any other method, RFC 9110 §15.5.6).
import type { App } from './app-type.ts';

const escapeRegExp = (text: string) => text.replace(/[.+?^${}()|[\]\\]/g, '\\$&');

/** Collects every route as it is added; returns the methods a concrete path answers. */
export function methodsByPath(app: App): (path: string) => string[] {
  const routes: Array<{ pattern: RegExp; methods: string[] }> = [];
  app.addHook('onRoute', (route) => {
    const source = escapeRegExp(route.url)
      .replace(/:[^/]+/g, '[^/]+')
      .replace(/\*/g, '.*');
    routes.push({ pattern: new RegExp(`^${source}$`), methods: [route.method].flat().map(String) });
  });
  return (path) => [...new Set(routes.filter((r) => r.pattern.test(path)).flatMap((r) => r.methods))].sort();
}
