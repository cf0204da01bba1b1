// `server-only` stand-in for tests: server code runs directly under vitest.
export {};
