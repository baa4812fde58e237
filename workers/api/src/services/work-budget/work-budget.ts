/**
 * A bound on the synchronous work of one request. workerd runs an isolate's requests on one
 * thread, so a long loop holds every other request of the isolate (health checks included)
 * until it ends. Work whose cost grows with its input is therefore done in slices: the caller
 * charges the units it did and, when a slice is full, awaits `pause()`, which yields to the
 * event loop (other requests run) and then stops the work with a 422 once the time budget has
 * passed.
 *
 * The clock is read only after a yield, on purpose: inside workerd Date.now() does not advance
 * during synchronous execution, only across I/O (a timer counts), so that is where elapsed time
 * can be seen at all.
 */
import { ApiError } from "@xr2/shared";

/** Lets the isolate's other requests (and its timers) run before this one continues. */
export function yieldToOtherRequests(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

export class WorkBudget {
  private readonly deadline: number;
  private sliceUsed = 0;

  /**
   * @param what names the work for the error message, e.g. "The text is too long to count".
   * @param budgetMs wall-clock time the work may take, other requests' turns included.
   * @param sliceUnits units of work between two yields; callers pick their unit so that one
   *   slice is a few milliseconds of CPU.
   */
  constructor(
    private readonly what: string,
    readonly budgetMs: number,
    private readonly sliceUnits: number,
  ) {
    this.deadline = Date.now() + budgetMs;
  }

  /** Records work; true when this slice is spent and the caller should `await pause()`. */
  charge(units: number): boolean {
    this.sliceUsed += units;
    return this.sliceUsed >= this.sliceUnits;
  }

  /** Lets other requests run, then throws BUDGET_EXCEEDED (422) when the time is up. */
  async pause(): Promise<void> {
    this.sliceUsed = 0;
    await yieldToOtherRequests();
    if (Date.now() > this.deadline) {
      throw new ApiError("BUDGET_EXCEEDED", `${this.what} within the ${this.budgetMs / 1000} s budget of one request; send a shorter input`);
    }
  }
}
