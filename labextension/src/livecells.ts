/**
 * Live cells for the kernel: just before each execution, the notebook as it is in the editor
 * (unsaved edits included) goes to the kernel over the `mlwa.live_cells` comm, so `%mlwa` sees
 * what the user sees. The kernel may answer `set_metadata`, which the core merges with the
 * notebook's metadata (no newer answer is overwritten) and which is then written into the model. The protocol: mlwa_notebook/kernel/protocol.py.
 * A kernel without the target closes the comm. Until the kernel answers `ready` on a comm, each
 * execution opens a fresh one: in "Run All" every cell is scheduled before `%load_ext` runs, and
 * only a comm opened after the target exists reaches it. The newest comm is the one used.
 */
import type { Cell } from '@jupyterlab/cells';
import { INotebookTracker, Notebook, NotebookActions, NotebookPanel } from '@jupyterlab/notebook';
import type { Kernel, KernelMessage } from '@jupyterlab/services';
import type { JSONObject } from '@lumino/coreutils';
import { IDisposable } from '@lumino/disposable';

import { isObject } from './json';
import { isSetMetadataMessage, liveCellsMessage } from './protocol';
import { ACTION_READY, ILiveCellsMessage, LIVE_CELLS_TARGET } from './tokens';
import { notifyNotWritten } from './notify';
import { applyChange } from './writers';

interface ILink {
  kernel: Kernel.IKernelConnection;
  comm: Kernel.IComm;
  closed: boolean;
  /** The kernel answered `ready`: the target exists and this comm reaches it. */
  ready: boolean;
  /** The last snapshot sent, so "Run All" sends it once, not once per cell. */
  last: string;
}

export class LiveCells implements IDisposable {
  constructor(private readonly tracker: INotebookTracker) {
    NotebookActions.executionScheduled.connect(this._onScheduled, this);
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    NotebookActions.executionScheduled.disconnect(this._onScheduled, this);
    for (const link of this._links.values()) {
      if (!link.closed && !link.comm.isDisposed) {
        link.comm.close();
      }
    }
    this._links.clear();
  }

  private _onScheduled(_: unknown, args: { notebook: Notebook; cell: Cell }): void {
    const panel = this.tracker.find(p => p.content === args.notebook);
    const kernel = panel?.sessionContext.session?.kernel;
    if (!panel || !kernel || !panel.context.isReady) {
      return;
    }
    try {
      this._send(panel, kernel);
    } catch (error) {
      // The kernel going away between scheduling and sending must not stop the execution.
      console.warn('mlwa: could not send the live cells to the kernel', error);
    }
  }

  private _send(panel: NotebookPanel, kernel: Kernel.IKernelConnection): void {
    const message = liveCellsMessage(panel.context.path, snapshot(panel));
    const text = JSON.stringify(message);
    const link = this._links.get(panel);
    const open = link && link.kernel === kernel && !link.closed && !link.comm.isDisposed;
    if (open && link.ready) {
      if (link.last !== text) {
        link.comm.send(asJSON(message));
        link.last = text;
      }
      return;
    }
    // Not answered yet (the kernel may refuse it: `%load_ext` has not run): open a fresh one.
    // The unanswered one is left to the kernel, which closes it when it refused it; closing it
    // here too would make JupyterLab log "Comm not found" when the kernel's close arrives.
    const comm = kernel.createComm(LIVE_CELLS_TARGET);
    const fresh: ILink = { kernel, comm, closed: false, ready: false, last: text };
    comm.onMsg = (msg: KernelMessage.ICommMsgMsg) => {
      const current = this._links.get(panel) === fresh;
      if (isObject(msg.content.data) && msg.content.data['action'] === ACTION_READY) {
        if (current) {
          fresh.ready = true;
        } else if (!fresh.closed && !comm.isDisposed) {
          // accepted, but a newer comm took its place: the kernel keeps one
          fresh.closed = true;
          comm.close();
        }
        return;
      }
      if (current) {
        this._onKernelMessage(panel, msg);
      }
    };
    comm.onClose = () => {
      fresh.closed = true;
    };
    this._links.set(panel, fresh);
    if (!link) {
      panel.disposed.connect(() => this._links.delete(panel));
    }
    comm.open(asJSON(message));
  }

  private _onKernelMessage(panel: NotebookPanel, msg: KernelMessage.ICommMsgMsg): void {
    const data: unknown = msg.content.data;
    if (panel.isDisposed || !isSetMetadataMessage(data)) {
      return;
    }
    // The core merges it with what the notebook holds now (a newer answer is kept).
    applyChange(panel.context.model, {
      kind: 'patch',
      notebook: data.notebook,
      cells: data.cells
    }).catch(reason => notifyNotWritten('what the kernel set', reason));
  }

  private _links = new Map<NotebookPanel, ILink>();
  private _isDisposed = false;
}

/** The message as comm data (it is JSON: built from the notebook model's JSON). */
function asJSON(message: ILiveCellsMessage): JSONObject {
  return message as unknown as JSONObject;
}

/** The notebook's cells and metadata as they are in the editor (no outputs: the kernel has them). */
function snapshot(panel: NotebookPanel): { cells: unknown[]; metadata: unknown } {
  const model = panel.context.model;
  const cells: unknown[] = [];
  for (let i = 0; i < model.cells.length; i++) {
    const shared = model.cells.get(i).sharedModel;
    cells.push({
      id: shared.getId(),
      cell_type: shared.cell_type,
      source: shared.getSource(),
      metadata: shared.getMetadata()
    });
  }
  return { cells, metadata: model.sharedModel.getMetadata() };
}
