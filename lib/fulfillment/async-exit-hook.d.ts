declare module "async-exit-hook" {
  /** A hook taking a callback is awaited (up to the force-exit timeout) before the process exits. */
  function exitHook(hook: (() => void) | ((done: () => void) => void)): void;
  namespace exitHook {
    function forceExitTimeout(ms: number): void;
  }
  export default exitHook;
}
