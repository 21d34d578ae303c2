/**
 * Runs `action` once, `delay` ms after the last `schedule()`; typing keeps pushing it back, so
 * the analysis never competes with keystrokes.
 */
export class Debouncer {
  constructor(
    private readonly action: () => void,
    public delay: number
  ) {}

  /** (Re)start the wait. */
  schedule(): void {
    this.cancel();
    this._timer = setTimeout(() => {
      this._timer = null;
      this.action();
    }, this.delay);
  }

  /** Run now if a run is waiting. */
  flush(): void {
    if (this._timer !== null) {
      this.cancel();
      this.action();
    }
  }

  /** Drop the waiting run. */
  cancel(): void {
    if (this._timer !== null) {
      clearTimeout(this._timer);
      this._timer = null;
    }
  }

  get pending(): boolean {
    return this._timer !== null;
  }

  private _timer: ReturnType<typeof setTimeout> | null = null;
}
