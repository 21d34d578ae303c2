/**
 * The latest report of each open notebook: re-analysed (debounced) as its content changes,
 * stale requests aborted, so typing never waits for the server.
 */
import type { NotebookPanel } from '@jupyterlab/notebook';
import { IDisposable } from '@lumino/disposable';
import { ISignal, Signal } from '@lumino/signaling';

import { ApiError, analyzeNotebook } from './api';
import { Debouncer } from './debouncer';
import { trimOutputs } from './trim';
import type { ErrorRecord, ISettings, NotebookReport } from './tokens';

/** Where the analysis of one notebook stands. */
export type AnalysisStatus = 'idle' | 'waiting' | 'analysing' | 'done' | 'failed';

/** The analysis of one open notebook. */
export class NotebookAnalysis implements IDisposable {
  constructor(
    readonly panel: NotebookPanel,
    private readonly settings: () => ISettings
  ) {
    this._debouncer = new Debouncer(() => void this.analyseNow(), settings().debounceMs);
    void panel.context.ready.then(() => {
      if (this.isDisposed) {
        return;
      }
      panel.context.model.contentChanged.connect(this._onContentChanged, this);
      panel.context.pathChanged.connect(this._onContentChanged, this);
      if (this.settings().autoAnalyse) {
        void this.analyseNow();
      }
    });
  }

  /** Emitted when the report, the status or the error changes. */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  get report(): NotebookReport | null {
    return this._report;
  }

  /** Problems the server reported (an unreadable notebook, a bad configuration). */
  get errors(): readonly ErrorRecord[] {
    return this._errors;
  }

  /** Why the last request failed, if it did. */
  get error(): ApiError | null {
    return this._error;
  }

  get status(): AnalysisStatus {
    return this._status;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /** Analyse after the user pauses (or never, when auto-analysis is off). */
  schedule(): void {
    if (!this.settings().autoAnalyse) {
      return;
    }
    this._debouncer.delay = this.settings().debounceMs;
    this._debouncer.schedule();
    this._setStatus('waiting');
  }

  /** Analyse the notebook as it is now; a request still running for it is abandoned. */
  async analyseNow(): Promise<void> {
    if (this.isDisposed || !this.panel.context.isReady) {
      return;
    }
    this._debouncer.cancel();
    this._inFlight?.abort();
    const controller = new AbortController();
    this._inFlight = controller;
    this._setStatus('analysing');
    const notebook = trimOutputs(this.panel.context.model.toJSON());
    try {
      const answer = await analyzeNotebook(
        notebook,
        this.panel.context.path,
        this.settings().disabledRules,
        controller.signal
      );
      if (controller.signal.aborted || this.isDisposed) {
        return;
      }
      // An answer equal to the one shown keeps the objects shown, so that no part of the panel
      // rebuilds: opening a notebook starts its kernel, which writes `language_info` into the
      // metadata and brings a second, identical report.
      const report = answer.notebooks[0] ?? null;
      const text = JSON.stringify([report, answer.errors]);
      if (text !== this._answerText) {
        this._report = report;
        this._errors = answer.errors;
        this._answerText = text;
      }
      this._error = null;
      this._setStatus('done', true);
    } catch (error) {
      if (controller.signal.aborted || this.isDisposed) {
        return;
      }
      this._error =
        error instanceof ApiError
          ? error
          : new ApiError(String(error), 'see the browser console for details', 0);
      this._setStatus('failed', true);
    } finally {
      if (this._inFlight === controller) {
        this._inFlight = null;
      }
    }
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._debouncer.cancel();
    this._inFlight?.abort();
    Signal.clearData(this);
  }

  private _onContentChanged(): void {
    this.schedule();
  }

  private _setStatus(status: AnalysisStatus, force = false): void {
    if (status !== this._status || force) {
      this._status = status;
      this._changed.emit();
    }
  }

  private _changed = new Signal<this, void>(this);
  private _debouncer: Debouncer;
  private _inFlight: AbortController | null = null;
  private _report: NotebookReport | null = null;
  private _errors: readonly ErrorRecord[] = [];
  private _answerText = '';
  private _error: ApiError | null = null;
  private _status: AnalysisStatus = 'idle';
  private _isDisposed = false;
}

/** One `NotebookAnalysis` per open notebook, created on first use, gone with the notebook. */
export class AnalysisRegistry implements IDisposable {
  constructor(private readonly settings: () => ISettings) {}

  /** The analysis of `panel` (created, and started, on first use). */
  get(panel: NotebookPanel): NotebookAnalysis {
    let found = this._analyses.get(panel);
    if (!found) {
      const analysis = new NotebookAnalysis(panel, this.settings);
      this._analyses.set(panel, analysis);
      panel.disposed.connect(() => {
        this._analyses.delete(panel);
        analysis.dispose();
      });
      this._added.emit(analysis);
      found = analysis;
    }
    return found;
  }

  /** Emitted when an analysis is created (the cell badges attach to it). */
  get added(): ISignal<this, NotebookAnalysis> {
    return this._added;
  }

  /** Every analysis, e.g. to re-run them all after a settings change. */
  all(): NotebookAnalysis[] {
    return [...this._analyses.values()];
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._analyses.forEach(a => a.dispose());
    this._analyses.clear();
    Signal.clearData(this);
  }

  private _analyses = new Map<NotebookPanel, NotebookAnalysis>();
  private _added = new Signal<this, NotebookAnalysis>(this);
  private _isDisposed = false;
}
