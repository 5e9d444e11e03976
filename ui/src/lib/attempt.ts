// Running a backend command whose failure is reported, not thrown: the pattern of the state
// modules beside the main store (tags, albums).

/** A runner of commands that hands each failure to `report` and resolves to undefined. */
export function reporting(report: (e: unknown) => void) {
  return async <T>(f: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await f();
    } catch (e) {
      report(e);
      return undefined;
    }
  };
}
