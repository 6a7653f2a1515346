/** Runs `work` at most once per `ms`, trailing: a burst of live events costs one reload, not one each. */
export function throttled(work: () => void, ms = 1000): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return () => {
    timer ??= setTimeout(() => {
      timer = undefined;
      work();
    }, ms);
  };
}
