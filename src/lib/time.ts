/** A promise that did not settle in time (`within`). */
export class Timeout extends Error {
  constructor() {
    super('timed out');
    this.name = 'Timeout';
  }
}

/** `promise`, or a Timeout after `ms` (calling `onTimeout` first, e.g. to destroy a socket). */
export function within<T>(
  promise: Promise<T>,
  ms: number,
  onTimeout: () => void = () => undefined,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        onTimeout();
        reject(new Timeout());
      }, ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
