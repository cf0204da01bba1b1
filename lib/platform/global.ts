// Next.js loads route handlers, instrumentation and pages in separate module graphs; a value that
// must exist once per process (pools, registries, workers) lives on globalThis under a symbol.
export function processSingleton<T>(key: string, create: () => T): T {
  const sym = Symbol.for(`opsdeck.${key}`);
  const g = globalThis as unknown as Record<symbol, T | undefined>;
  if (g[sym] === undefined) g[sym] = create();
  return g[sym] as T;
}
